package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"
)

// veilleServe measures the start-up on the built data dir (open the store
// and the index, catch up, build the server, answer a first search), then
// serves the query mix three times through the search function and HTTP:
// its peak RSS is that of serving.
func veilleServe(ctx context.Context, s spec) (phaseResult, error) {
	res := phaseResult{Phase: s.Phase, Notes: map[string]any{}}
	sv, err := openServing(ctx, s)
	if err != nil {
		return res, err
	}
	defer sv.close()
	rec := httptest.NewRecorder()
	sv.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/search?q=d%C3%A9chets", nil))
	if rec.Code != http.StatusOK {
		return res, fmt.Errorf("first search: %d %s", rec.Code, rec.Body.String())
	}
	res.Notes["startup_s"] = time.Since(processStart).Seconds()
	res.Notes["startup_cpu_s"] = cpuSeconds()

	mix := queryMix()
	paths, stopHTTP, err := sv.paths(ctx, mix)
	if err != nil {
		return res, err
	}
	defer stopHTTP()
	stop := profile(s.Profile, s.Phase)
	sec := begin()
	q := s
	q.Queries = 3 * len(mix) / len(kinds)
	res.Paths, err = runMix(q, mix, paths)
	res.WallS, res.CPUS = sec.end()
	stop()
	if err != nil {
		return res, err
	}
	// The act page and the calendar, after the timed mix (their samples
	// are not in its wall and CPU time).
	return res, measureActs(sv.handler, s.Queries, res.Notes)
}
