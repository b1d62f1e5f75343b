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
// sight. The domains and competences are matched by the store
// (store.Tags).
func selectFirstSeen(ctx context.Context, st *store.Store, domains, competences []string, since, until time.Time,
	recent func(store.Selected) bool) (selection, error) {
	var out selection
	var err error
	if out.seen, out.newBySource, err = st.CountFirstSeen(ctx, since, until); err != nil {
		return out, err
	}
	var ids []string
	err = st.EachSelected(ctx, since, until, store.Tags{Domains: domains, Competences: competences}, func(s store.Selected) error {
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

func intersects(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}
