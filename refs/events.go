package refs

import (
	"slices"
	"sort"

	"github.com/nogentech/veille"
)

// Event is one date an item sets, as the calendar and the digests show it.
type Event struct {
	veille.KeyDate
	Item veille.Hit
	// Act is what the date belongs to: the item's own act, else the act it
	// amends, repeals, transposes or implements, else the first act it
	// cites; nil when it names none.
	Act *veille.ActID
}

// Events are the dates of the hits whose kind is one of kinds (every kind
// when none) and whose day is in [from, until) (YYYY-MM-DD), by day, then
// kind, then item.
func Events(hits []veille.Hit, kinds []string, from, until string) []Event {
	var out []Event
	for _, h := range hits {
		var act *veille.ActID
		for _, d := range h.Dates {
			if d.Date < from || d.Date >= until || (len(kinds) > 0 && !slices.Contains(kinds, d.Kind)) {
				continue
			}
			if act == nil {
				act = EventAct(h)
			}
			out = append(out, Event{KeyDate: d, Item: h, Act: act})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Date != b.Date {
			return a.Date < b.Date
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Item.ID < b.Item.ID
	})
	return out
}

// EventAct is the act an item's dates belong to (see Event.Act).
func EventAct(h veille.Hit) *veille.ActID {
	if h.Act != nil {
		return h.Act
	}
	var first *veille.ActID
	for _, r := range h.Refs {
		if !IsAct(r.Kind) {
			continue
		}
		if r.Rel != "" {
			return &veille.ActID{Kind: r.Kind, ID: r.ID}
		}
		if first == nil {
			first = &veille.ActID{Kind: r.Kind, ID: r.ID}
		}
	}
	return first
}
