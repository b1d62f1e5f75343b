package digest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nogentech/veille/store"
)

// OverdueAction is an action of a member's compliance register that is late.
type OverdueAction struct {
	ItemID string `json:"item_id"`
	Title  string `json:"title"`
	Action string `json:"action"`
	Owner  string `json:"owner"`
	Due    string `json:"due"`
}

// overdue lists a member's register actions late on the day of at (in the
// watch's time zone), soonest due first. The day is the delivery's claim
// day, so that a resend lists what the first attempt listed.
func (n *Notifier) overdue(ctx context.Context, member string, at time.Time) ([]OverdueAction, error) {
	today := at.In(n.o.Config.Loc()).Format(time.DateOnly)
	marks, err := n.o.Store.Marks(ctx, member, store.MarkFilter{Open: true, DueBefore: today})
	if err != nil {
		return nil, fmt.Errorf("digest: overdue actions of %s: %w", member, err)
	}
	var out []OverdueAction
	for _, m := range marks {
		if !m.Overdue(today) {
			continue
		}
		oa := OverdueAction{ItemID: m.ItemID, Title: m.ItemID, Action: m.Action, Owner: m.Owner, Due: m.Due}
		if kind, id, ok := store.SplitActMarkKey(m.ItemID); ok { // a mark on an act's page
			oa.Title = kind + " " + id
			out = append(out, oa)
			continue
		}
		it, err := n.o.Store.Item(ctx, m.ItemID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("digest: overdue actions of %s: %w", member, err)
		}
		if err == nil {
			oa.Title = it.Title
		}
		out = append(out, oa)
	}
	return out, nil
}
