package refs

import (
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
	// RefsLeft counts the item's references left out of Item.Refs (the
	// store keeps an item's first ones with each of its dates).
	RefsLeft int
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
