package digest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nogentech/veille"
)

// AlertTest is what a rule would have sent over past items.
type AlertTest struct {
	Rule    veille.Alert
	Since   time.Time
	Total   uint64
	Matches []Match
	Mails   int // messages it would have sent (per recipient)
}

// TestAlert runs a rule over the items published in the last days,
// without recording or sending anything, so it can be tuned before it is
// enabled.
func (n *Notifier) TestAlert(ctx context.Context, id string, days int) (AlertTest, error) {
	rule, err := n.AlertConfig(id)
	if err != nil {
		return AlertTest{}, err
	}
	if days <= 0 {
		return AlertTest{}, fmt.Errorf("days must be positive (got %d)", days)
	}
	if n.o.Index == nil {
		return AlertTest{}, errors.New("alert test needs the index")
	}
	since := n.now().Add(-time.Duration(days) * 24 * time.Hour)
	at := AlertTest{Rule: rule, Since: since}
	req := veille.SearchRequest{Query: rule.Query, Domains: rule.Domains, Competences: rule.Competences, Since: since,
		Sort: "date", NoFacets: true, NoHighlight: true, Limit: 1000}
	for {
		res, err := n.o.Index.Search(ctx, req)
		if err != nil {
			return at, err
		}
		at.Total = res.Total
		var page []veille.Item
		for _, h := range res.Hits {
			it, err := n.o.Store.Item(ctx, h.ID)
			if err != nil {
				return at, err
			}
			page = append(page, it)
		}
		// The words each hit matched, from the same call the alerts use.
		ms, _, err := n.match(ctx, rule, page)
		if err != nil {
			return at, err
		}
		at.Matches = append(at.Matches, ms...)
		req.Offset += len(res.Hits)
		if len(res.Hits) == 0 || uint64(req.Offset) >= res.Total {
			break
		}
	}
	if rule.Batch == BatchCrawl {
		// One message per day of first sight is the closest a replay gets
		// to one per crawl.
		days := map[string]bool{}
		for _, m := range at.Matches {
			days[m.Item.DisplayDate().Format(time.DateOnly)] = true
		}
		at.Mails = len(days)
	} else {
		at.Mails = len(at.Matches)
	}
	return at, nil
}
