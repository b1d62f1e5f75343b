package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/demo"
	"github.com/nogentech/veille/store"
)

// growingFarm serves generated RSS feeds whose window of items slides
// forward by a few items at every request, so each crawl brings new items
// and drops none from the record. It remembers the links it served since
// the last reset, to know what a completed crawl saw.
type growingFarm struct {
	*httptest.Server
	feeds, window, step int

	mu     sync.Mutex
	hits   map[int]int     // feed → requests so far
	served map[string]bool // links served since reset
}

var words = strings.Fields(`arrêté relatif aux installations classées pour la protection de l'environnement
rubrique 2565 traitement de surface chrome hexavalent REACH restriction substances dispositifs médicaux
règlement 2017/745 organisme notifié implants orthopédiques titane usinage forge trempe revenu polissage
poussières silice bruit vibrations machines équipements de travail déchets eaux résiduaires émissions`)

func newGrowingFarm(t *testing.T, feeds, window, step int) *growingFarm {
	f := &growingFarm{feeds: feeds, window: window, step: step, hits: map[int]int{}, served: map[string]bool{}}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *growingFarm) serve(w http.ResponseWriter, r *http.Request) {
	k, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/feed/"), ".xml"))
	if err != nil || k < 0 || k >= f.feeds {
		http.NotFound(w, r)
		return
	}
	f.mu.Lock()
	first := f.hits[k] * f.step
	f.hits[k]++
	f.mu.Unlock()
	var b bytes.Buffer
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Farm %d</title><link>%s</link><language>fr</language>`, k, f.URL)
	var links []string
	for i := first; i < first+f.window; i++ {
		link := fmt.Sprintf("https://farm.example.org/feed/%d/item/%d", k, i)
		links = append(links, link)
		rng := rand.New(rand.NewPCG(uint64(k), uint64(i)))
		var text []string
		for range 120 {
			text = append(text, words[rng.IntN(len(words))])
		}
		pub := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour)
		fmt.Fprintf(&b, `<item><title>Avis %d-%d : %s</title><link>%s</link><pubDate>%s</pubDate><description>%s</description></item>`,
			k, i, strings.Join(text[:8], " "), link, pub.Format(time.RFC1123Z), strings.Join(text, " "))
	}
	b.WriteString(`</channel></rss>`)
	f.mu.Lock()
	for _, l := range links {
		f.served[l] = true
	}
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	w.Write(b.Bytes())
}

// takeServed returns the links served since the last call and resets.
func (f *growingFarm) takeServed() map[string]bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.served
	f.served = map[string]bool{}
	return s
}

// buildBinary builds the veille command into a temp dir.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "veille")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestCrashSafety runs the real binary crawling a farm of generated feeds
// and SIGKILLs it at random points, at least 20 times. After each kill it
// checks that the index opens, that no item a completed crawl reported is
// lost and none that was searchable disappears, that no document is
// duplicated and the index holds exactly what the store holds; at the end
// a crawl runs to completion. VEILLE_CRASH_LONG=1 (set by .ci/run) kills
// more often on a larger farm.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	kills, feeds, window, step := 20, 16, 40, 3
	if os.Getenv("VEILLE_CRASH_LONG") != "" {
		kills, feeds, window, step = 60, 40, 100, 7
	}
	bin := buildBinary(t)
	farm := newGrowingFarm(t, feeds, window, step)
	cfg, err := demo.Config(farm.URL)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Sources = nil
	for k := range feeds {
		cfg.Sources = append(cfg.Sources, veille.Source{ID: fmt.Sprintf("farm-%02d", k), Name: fmt.Sprintf("Farm %d", k),
			Kind: veille.KindFeed, URL: fmt.Sprintf("%s/feed/%d.xml", farm.URL, k), Every: veille.Duration(time.Hour), Lang: "fr"})
	}
	cfg.Fetch.HostDelay = veille.Duration(time.Millisecond)
	b, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "feeds.yaml")
	if err := os.WriteFile(cfgPath, b, 0o644); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	common := []string{"--config", cfgPath, "--data", data}

	// One crawl without a kill tells how long a crawl takes.
	start := time.Now()
	if out, err := exec.Command(bin, append([]string{"crawl"}, common...)...).CombinedOutput(); err != nil {
		t.Fatalf("first crawl: %v\n%s", err, out)
	}
	crawlTime := time.Since(start)
	mustHave := farm.takeServed() // every link a completed crawl saw
	seen := map[string]bool{}     // every link a search has returned
	check := func(round int) {
		t.Helper()
		links := searchAll(t, bin, common)
		for l := range mustHave {
			if !links[l] {
				t.Fatalf("round %d: %s, reported by a completed crawl, is lost", round, l)
			}
		}
		for l := range seen {
			if !links[l] {
				t.Fatalf("round %d: %s was searchable before the kill and is lost", round, l)
			}
		}
		for l := range links {
			seen[l] = true
		}
		st, err := store.Open(context.Background(), storePath(data))
		if err != nil {
			t.Fatalf("round %d: store does not open: %v", round, err)
		}
		n, err := st.CountItems(context.Background())
		st.Close()
		if err != nil || n != len(links) {
			t.Fatalf("round %d: store holds %d items, the index %d distinct documents (%v)", round, n, len(links), err)
		}
	}
	check(0)

	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 5))
	completed, killed := 1, 0
	lastCrawl := crawlTime
	var killedAt []time.Duration
	for round := 1; killed < kills; round++ {
		// kill anywhere from start-up to a little past the last crawl's length
		delay := time.Duration(rng.Int64N(int64(lastCrawl*6/5))) + 5*time.Millisecond
		cmd := exec.Command(bin, append([]string{"crawl"}, common...)...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		began := time.Now()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("round %d: crawl failed: %v\n%s", round, err, out.String())
			}
			completed++
			lastCrawl = time.Since(began)
			for l := range farm.takeServed() {
				mustHave[l] = true
			}
		case <-time.After(delay):
			cmd.Process.Signal(syscall.SIGKILL)
			<-done
			killed++
			killedAt = append(killedAt, delay.Round(time.Millisecond))
			farm.takeServed() // a killed crawl promised nothing
		}
		check(round)
	}
	// The next crawl completes and keeps everything.
	if out, err := exec.Command(bin, append([]string{"crawl"}, common...)...).CombinedOutput(); err != nil {
		t.Fatalf("crawl after the kills: %v\n%s", err, out)
	}
	for l := range farm.takeServed() {
		mustHave[l] = true
	}
	check(-1)
	t.Logf("%d SIGKILLs survived (at %v), %d crawls completed; a crawl takes %v; %d distinct items at the end, none lost or duplicated",
		killed, killedAt, completed+1, crawlTime.Round(time.Millisecond), len(seen))
}

// searchAll returns the links of every indexed item, failing on a
// duplicate document.
func searchAll(t *testing.T, bin string, common []string) map[string]bool {
	t.Helper()
	cmd := exec.Command(bin, append(append([]string{"search", "--json", "--limit", "1000000"}, common...), "")...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("search after a kill: %v\n%s", err, stderr.String())
	}
	var res veille.SearchResult
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("search JSON: %v", err)
	}
	links := map[string]bool{}
	ids := map[string]bool{}
	for _, h := range res.Hits {
		if ids[h.ID] || links[h.Link] {
			t.Fatalf("document %s (%s) is duplicated", h.ID, h.Link)
		}
		ids[h.ID], links[h.Link] = true, true
	}
	if uint64(len(res.Hits)) != res.Total {
		t.Fatalf("search total %d, %d hits", res.Total, len(res.Hits))
	}
	return links
}
