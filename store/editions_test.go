package store

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

func editionIDs(e Edition) []string {
	var ids []string
	for _, it := range e.Items {
		ids = append(ids, it.ID)
	}
	return ids
}

func TestEditionLostUpdateRefused(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	e, err := s.SyncEdition(ctx, "env", "2026-W48", []EditionItem{{ID: "a"}, {ID: "b"}, {ID: "a"}}, "veille", time.Time{})
	if err != nil || e.Version != 1 || !slices.Equal(editionIDs(e), []string{"a", "b"}) {
		t.Fatalf("created %+v err=%v", e, err)
	}
	// Two staff read version 1; the first save wins, the second is refused.
	one, two := e, e
	one.Items = []EditionItem{{ID: "b", Note: "important"}, {ID: "a"}}
	saved, err := s.SaveEdition(ctx, one, "alice@example.org", time.Time{})
	if err != nil || saved.Version != 2 {
		t.Fatalf("first save: %+v %v", saved, err)
	}
	two.Intro = "Bonjour"
	if _, err := s.SaveEdition(ctx, two, "bob@example.org", time.Time{}); !errors.Is(err, ErrVersionConflict) {
		t.Fatalf("second save from version 1: err=%v, want ErrVersionConflict", err)
	}
	got, err := s.Edition(ctx, "env", "2026-W48")
	if err != nil || got.Intro != "" || got.Items[0].Note != "important" {
		t.Fatalf("after the refused save: %+v %v", got, err)
	}
	hist, err := s.EditionChanges(ctx, "env", "2026-W48")
	if err != nil || len(hist) != 2 || hist[1].Who != "alice@example.org" || hist[1].What != "reordered; 1 notes" {
		t.Fatalf("history %+v %v", hist, err)
	}
}

func TestEditionRemovedStaysRemoved(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	e, _ := s.SyncEdition(ctx, "env", "2026-W48", []EditionItem{{ID: "a"}, {ID: "b"}}, "veille", time.Time{})
	e.Items = e.Items[1:]
	if _, err := s.SaveEdition(ctx, e, "alice", time.Time{}); err != nil {
		t.Fatal(err)
	}
	// "a" comes again (another source saw it) with a new one.
	e, err := s.SyncEdition(ctx, "env", "2026-W48", []EditionItem{{ID: "a"}, {ID: "b"}, {ID: "c"}}, "veille", time.Time{})
	if err != nil || !slices.Equal(editionIDs(e), []string{"b", "c"}) || !slices.Equal(e.Removed, []string{"a"}) {
		t.Fatalf("after sync: items %v removed %v err %v", editionIDs(e), e.Removed, err)
	}
	// Nothing new: no new version.
	again, _ := s.SyncEdition(ctx, "env", "2026-W48", []EditionItem{{ID: "b"}, {ID: "c"}}, "veille", time.Time{})
	if again.Version != e.Version {
		t.Errorf("a sync with nothing new made version %d from %d", again.Version, e.Version)
	}
	// Staff may add it back by hand.
	again.Items = append(again.Items, EditionItem{ID: "a"})
	back, err := s.SaveEdition(ctx, again, "alice", time.Time{})
	if err != nil || len(back.Removed) != 0 {
		t.Fatalf("added back: removed %v err %v", back.Removed, err)
	}
}

func TestEditionApproveOnceAndFrozen(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	e, _ := s.SyncEdition(ctx, "env", "2026-W48", []EditionItem{{ID: "a"}}, "veille", time.Time{})
	a, fresh, err := s.ApproveEdition(ctx, "env", "2026-W48", "alice", time.Time{})
	if err != nil || !fresh || a.Status != EditionApproved || a.ApprovedBy != "alice" {
		t.Fatalf("approve: %+v fresh=%v err=%v", a, fresh, err)
	}
	if _, fresh, _ := s.ApproveEdition(ctx, "env", "2026-W48", "bob", time.Time{}); fresh {
		t.Error("second approval reported fresh")
	}
	e.Version = a.Version
	if _, err := s.SaveEdition(ctx, e, "bob", time.Time{}); !errors.Is(err, ErrEditionFrozen) {
		t.Errorf("save after approval: %v, want ErrEditionFrozen", err)
	}
	if got, _ := s.SyncEdition(ctx, "env", "2026-W48", []EditionItem{{ID: "z"}}, "veille", time.Time{}); len(got.Items) != 1 {
		t.Errorf("sync changed an approved edition: %v", editionIDs(got))
	}
	sent, err := s.MarkEditionSent(ctx, "env", "2026-W48", time.Time{})
	if err != nil || sent.Status != EditionSent || sent.SentAt.IsZero() {
		t.Fatalf("sent: %+v %v", sent, err)
	}
	m, err := s.SentEditionsOf(ctx, []string{"a", "z"})
	if err != nil || len(m["a"]) != 1 || len(m["z"]) != 0 {
		t.Fatalf("SentEditionsOf = %v %v", m, err)
	}
	if _, err := s.SetEditionDiscussed(ctx, "env", "2026-W48", "2026-12-10", "alice", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetEditionDiscussed(ctx, "env", "2026-W48", "10/12/2026", "alice", time.Time{}); err == nil {
		t.Error("a bad meeting date was accepted")
	}
}
