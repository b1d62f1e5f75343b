package main

import (
	"math"
	"os"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cpuSeconds is the CPU time (user + system) this process has used.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return math.NaN()
	}
	return tv(ru.Utime) + tv(ru.Stime)
}

func tv(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }

// peakRSSMB is this process's high-water resident set (VmHWM), in MiB.
func peakRSSMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return math.NaN()
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			if err == nil {
				return kb / 1024
			}
		}
	}
	return math.NaN()
}

// section measures the wall and CPU time of a stretch of work.
type section struct {
	start time.Time
	cpu   float64
}

func begin() section { return section{start: time.Now(), cpu: cpuSeconds()} }

func (s section) end() (wall, cpu float64) {
	return time.Since(s.start).Seconds(), cpuSeconds() - s.cpu
}

// latency sums up the samples of one query kind, in milliseconds.
type latency struct {
	P50   float64 `json:"p50_ms"`
	P95   float64 `json:"p95_ms"`
	P99   float64 `json:"p99_ms"`
	Max   float64 `json:"max_ms"`
	Mean  float64 `json:"mean_ms"`
	Count int     `json:"count"`
	// Hits is the mean number of matching items, to compare paths.
	Hits float64 `json:"mean_total"`
}

func summarise(samples []time.Duration, totals []uint64) latency {
	if len(samples) == 0 {
		return latency{}
	}
	ms := make([]float64, len(samples))
	sum := 0.0
	for i, d := range samples {
		ms[i] = float64(d.Microseconds()) / 1000
		sum += ms[i]
	}
	slices.Sort(ms)
	var hits float64
	for _, t := range totals {
		hits += float64(t)
	}
	return latency{P50: quantile(ms, 0.50), P95: quantile(ms, 0.95), P99: quantile(ms, 0.99), Max: ms[len(ms)-1],
		Mean: sum / float64(len(ms)), Count: len(ms), Hits: hits / float64(max(1, len(totals)))}
}

// quantile of sorted values, nearest rank.
func quantile(sorted []float64, q float64) float64 {
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// profile writes a CPU profile of the stretch until stop, when dir is set.
func profile(dir, name string) (stop func()) {
	if dir == "" {
		return func() {}
	}
	f, err := os.Create(dir + "/" + name + ".cpu.pprof")
	if err != nil {
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
		if h, err := os.Create(dir + "/" + name + ".heap.pprof"); err == nil {
			pprof.WriteHeapProfile(h)
			h.Close()
		}
	}
}
