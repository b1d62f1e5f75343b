package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"time"
)

// actPaths are the act page and the calendar (issue 14) as the serve phase
// measures them: the most cited act of the corpus (the MDR, in the medical
// devices theme) and the deadlines calendar in its default window, whole
// and for one domain.
var actPaths = []struct{ name, path string }{
	// the page first: its first answer is the one the target is about,
	// and the first of the two to read the act pays for the disk
	{"act_page", "/acts/eu-act/Regulation%20(EU)%202017%2F745"},
	{"act_api", "/api/acts/eu-act/Regulation%20(EU)%202017%2F745"},
	{"calendar_ics", "/calendar.ics"},
	{"calendar_ics_domain", "/calendar.ics?domain=environment"},
	{"calendar_page", "/calendar"},
}

// measureActs asks each act path samples times through the handler, in
// process (no socket), with the garbage of the previous answer collected
// first as runMix does; it notes each path's p50, p99, answer size, its
// first answer (computed: the server keeps the answers until the index
// changes, so the later ones are mostly the cache's) and the CPU time per
// answer.
func measureActs(h http.Handler, samples int, notes map[string]any) error {
	for _, p := range actPaths {
		var ds []time.Duration
		size := 0
		var cpu float64
		for range samples {
			runtime.GC()
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodGet, p.path, nil)
			c0, start := cpuSeconds(), time.Now()
			h.ServeHTTP(rec, req)
			ds = append(ds, time.Since(start))
			cpu += cpuSeconds() - c0
			if rec.Code != http.StatusOK {
				return fmt.Errorf("%s: HTTP %d: %.300s", p.path, rec.Code, rec.Body.String())
			}
			size = rec.Body.Len()
			if p.name == "calendar_ics" {
				notes["calendar_events"] = bytes.Count(rec.Body.Bytes(), []byte("BEGIN:VEVENT"))
			}
		}
		l := summarise(ds, nil)
		notes[p.name+"_first_ms"] = float64(ds[0].Microseconds()) / 1000
		notes[p.name+"_cpu_ms"] = cpu * 1000 / float64(samples)
		notes[p.name+"_p50_ms"] = l.P50
		notes[p.name+"_p99_ms"] = l.P99
		notes[p.name+"_bytes"] = size
	}
	return nil
}
