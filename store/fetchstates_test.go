package store

import (
	"context"
	"testing"
	"time"

	"github.com/nogentech/veille"
)

func TestSaveFetchStates(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	states := []veille.FetchState{
		{Source: "a", ETag: `"1"`, LastAttempt: t0, Status: 200, ItemCount: 3},
		{Source: "b", LastAttempt: t0, Status: 503, Error: "down", Failures: 2, NextAttempt: t0.Add(time.Hour)},
		{Source: "a", ETag: `"2"`, LastAttempt: t0.Add(time.Minute), Status: 304, ItemCount: 3}, // the later one wins
	}
	if err := s.SaveFetchStates(ctx, states); err != nil {
		t.Fatal(err)
	}
	all, err := s.FetchStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all["a"].ETag != `"2"` || all["a"].Status != 304 || all["b"].Failures != 2 {
		t.Errorf("FetchStates = %+v", all)
	}
	if err := s.SaveFetchStates(ctx, nil); err != nil {
		t.Errorf("saving no state: %v", err)
	}
	// One state without a source: nothing of the call is written.
	err = s.SaveFetchStates(ctx, []veille.FetchState{{Source: "c", Status: 200}, {Status: 200}})
	if err == nil {
		t.Fatal("a state without a source was accepted")
	}
	if all, _ := s.FetchStates(ctx); len(all) != 2 {
		t.Errorf("a failed call wrote %d states, want the 2 from before", len(all))
	}
}
