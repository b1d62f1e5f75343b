package digest

import (
	"context"
	"slices"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/store"
)

// The first step of a digest or an alert: which items the watch first saw
// in a stretch of time concern its readers. It is decided on what the
// store keeps beside each item (store.Selected), so that a week in which
// a new source brought a million archived items decodes only the items
// listed, not the million.

// selection is what selectPeriod found.
type selection struct {
	// items are the listed items, in the order they were first seen.
	items []veille.Item
	// older counts the items that would have been listed but were
	// published before the backlog limit.
	older int
	// seen counts every item first seen, of any topic.
	seen int
	// newBySource counts every item first seen, of any topic, per source
	// that has seen it.
	newBySource map[string]int
}

// selectPeriod reads the items first seen in [since, until) that have one
// of domains and one of competences (when given) and were not published
// before notBefore (zero: no limit).
func (a *Archive) selectPeriod(ctx context.Context, domains, competences []string, since, until, notBefore time.Time) (selection, error) {
	return selectFirstSeen(ctx, a.st, domains, competences, since, until, func(s store.Selected) bool {
		return notBefore.IsZero() || s.Published.IsZero() || !s.Published.Before(notBefore)
	})
}

// selectFirstSeen is selectPeriod with the date rule given: a digest's
// backlog is counted from its period, an alert's from each item's first
// sight.
func selectFirstSeen(ctx context.Context, st *store.Store, domains, competences []string, since, until time.Time,
	recent func(store.Selected) bool) (selection, error) {
	out := selection{newBySource: map[string]int{}}
	var ids []string
	err := st.EachSelected(ctx, since, until, func(s store.Selected) error {
		out.seen++
		for _, src := range s.Sources {
			out.newBySource[src]++
		}
		if !selects(domains, competences, s.Domains, s.Competences) {
			return nil
		}
		if !recent(s) {
			out.older++
			return nil
		}
		ids = append(ids, s.ID)
		return nil
	})
	if err != nil {
		return out, err
	}
	if out.items, err = st.ItemsByID(ctx, ids); err != nil {
		return out, err
	}
	return out, nil
}

// selects reports whether an item tagged itemDomains and itemCompetences
// has one of domains (when any) and one of competences (when any).
func selects(domains, competences, itemDomains, itemCompetences []string) bool {
	if len(domains) > 0 && !intersects(domains, itemDomains) {
		return false
	}
	if len(competences) > 0 && !intersects(competences, itemCompetences) {
		return false
	}
	return true
}

func intersects(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}
