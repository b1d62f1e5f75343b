package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nogentech/veille"
)

// BenchmarkAttemptsWeek reads a week's coverage of 1,000 sources, each
// with a year of checks every 2 hours (4.4 million rows): what a digest
// pays.
func BenchmarkAttemptsWeek(b *testing.B) {
	s, _ := openTemp(b)
	ctx := context.Background()
	const sources = 1000
	ids := make([]string, sources)
	for i := range ids {
		ids[i] = fmt.Sprintf("source-%04d", i)
	}
	start := t0.Add(-365 * 24 * time.Hour)
	states := make([]veille.FetchState, sources)
	for at := start; at.Before(t0); at = at.Add(2 * time.Hour) {
		for i, id := range ids {
			states[i] = veille.FetchState{Source: id, LastAttempt: at, Status: 200}
		}
		if err := s.SaveFetchStates(ctx, states); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		got, err := s.Attempts(ctx, ids, t0.Add(-7*24*time.Hour), t0)
		if err != nil || got[ids[0]].Checks != 84 {
			b.Fatalf("%v %+v", err, got[ids[0]])
		}
	}
}

// BenchmarkSaveFetchStates1000 is one crawl's save of 1,000 sources' states
// with their attempts, on a record that already holds a month of them.
func BenchmarkSaveFetchStates1000(b *testing.B) {
	s, _ := openTemp(b)
	ctx := context.Background()
	states := make([]veille.FetchState, 1000)
	at := t0
	save := func() {
		for i := range states {
			states[i] = veille.FetchState{Source: fmt.Sprintf("source-%04d", i), LastAttempt: at, Status: 200}
		}
		if err := s.SaveFetchStates(ctx, states); err != nil {
			b.Fatal(err)
		}
		at = at.Add(2 * time.Hour)
	}
	for range 30 * 12 {
		save()
	}
	b.ResetTimer()
	for b.Loop() {
		save()
	}
}
