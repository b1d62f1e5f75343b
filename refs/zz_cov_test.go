package refs

import (
	"bufio"
	"encoding/json"
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/nogentech/veille"
)

func cpuNow() int64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_THREAD, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}

func TestZZCov(t *testing.T) {
	f, _ := os.Open("/tmp/bdir/items.jsonl")
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	var items []veille.Item
	for sc.Scan() {
		var it veille.Item
		json.Unmarshal(sc.Bytes(), &it)
		items = append(items, it)
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	total := 0
	best := map[string]time.Duration{}
	for round := 0; round < 5; round++ {
		steps := map[string]time.Duration{}
		for _, it := range items {
			text := it.Content
			if text == "" {
				text = it.Summary
			}
			tt := normalize(it.Title)
			d := &doc{s: tt, titleEnd: len(tt)}
			st := cpuNow()
			if body := normalize(text); body != "" {
				d.s = tt + "\n" + body
			}
			d.low = lowerASCII(d.s)
			steps["normalize"] += time.Duration(cpuNow() - st)
			total += len(d.s)
			for _, g := range []struct {
				n string
				f func(*doc)
			}{{"eu", findEUActs}, {"celex", findCELEX}, {"fract", findFRActs}, {"nor", findNOR}, {"code", findCodeArticles},
				{"icpe", findICPE}, {"cfr", findCFR}, {"frdoc", findFRDocs}, {"std", findStandards}, {"cas", findCAS}} {
				st := cpuNow()
				g.f(d)
				steps[g.n] += time.Duration(cpuNow() - st)
			}
			st = cpuNow()
			act := ownAct(d)
			collect(d, act)
			steps["collect"] += time.Duration(cpuNow() - st)
			st = cpuNow()
			findKeyDates(d)
			steps["dates"] += time.Duration(cpuNow() - st)
		}
		for k, v := range steps {
			if b, ok := best[k]; !ok || v < b {
				best[k] = v
			}
		}
	}
	total /= 5
	var sum time.Duration
	for k, v := range best {
		t.Logf("%-10s %6.1f µs/item", k, float64(v.Microseconds())/float64(len(items)))
		sum += v
	}
	t.Logf("total %6.1f µs/item, %d bytes/item", float64(sum.Microseconds())/float64(len(items)), total/len(items))
}
