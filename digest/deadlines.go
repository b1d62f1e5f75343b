package digest

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/nogentech/veille/internal/i18n"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/store"
)

// Deadlines: every digest ends its news with the dates the watch's items set
// in the 90 days after its period (entries into force, applications,
// deadlines, ends of consultations), for its readers: the digest's domains
// and competences, and a member's competences in its cut. They are read
// from the record's table of dates (store.Dates), not from the period's
// items: a date that falls next month was usually published months ago.

// deadlineDays is how far ahead of the period a digest looks.
const deadlineDays = 90

// deadlineLimit caps the dates of one digest's deadlines; past it, the
// section keeps whole days, the earliest first (store.DatesQuery).
const deadlineLimit = 500

// Deadline is one date of a digest's deadlines section, archived with it.
type Deadline struct {
	veille.KeyDate
	Item  string        `json:"item"`
	Title string        `json:"title"`
	Act   *veille.ActID `json:"act,omitempty"`
	// Competences are the item's, for a member's cut.
	Competences []string `json:"competences,omitempty"`
}

// deadlines are the dates in the deadlineDays after p that dg's readers
// are concerned by.
func (a *Archive) deadlines(ctx context.Context, dg veille.Digest, p Period) ([]Deadline, error) {
	// the day the period ends on, where the watch is: dates are days
	end := p.Until.In(a.cfg.Loc())
	from := time.Date(end.Year(), end.Month(), end.Day(), 0, 0, 0, 0, time.UTC)
	until := from.AddDate(0, 0, deadlineDays)
	res, err := a.st.Dates(ctx, store.DatesQuery{From: from.Format(time.DateOnly), Until: until.Format(time.DateOnly),
		Tags: store.Tags{Domains: dg.Domains, Competences: dg.Competences}, Max: deadlineLimit})
	if err != nil {
		return nil, fmt.Errorf("digest %s: deadlines: %w", dg.ID, err)
	}
	var out []Deadline
	for _, e := range res.Dates {
		out = append(out, Deadline{KeyDate: e.KeyDate, Item: e.Item.ID, Title: e.Item.Title, Act: e.Act,
			Competences: e.Item.Competences})
	}
	return out, nil
}

// deadlineView is a deadline in the reader's language.
type deadlineView struct {
	Date, Kind, Act, ActURL, Title, ItemURL, Text string
}

// deadlineViews lays deadlines out in lang; with item set, only that
// item's (the edition shows them beside each entry).
func deadlineViews(ds []Deadline, lang i18n.Lang, baseURL, item string) []deadlineView {
	var out []deadlineView
	base := strings.TrimRight(baseURL, "/")
	for _, d := range ds {
		if item != "" && d.Item != item {
			continue
		}
		day, err := time.Parse(time.DateOnly, d.Date)
		if err != nil {
			continue // refs writes YYYY-MM-DD
		}
		v := deadlineView{Date: lang.Date(day), Kind: lang.T("datekind." + d.Kind), Title: oneLine(d.Title),
			ItemURL: itemURL(baseURL, d.Item), Text: oneLine(d.Text)}
		if d.Act != nil {
			v.Act = d.Act.ID
			if base != "" {
				v.ActURL = base + "/acts/" + url.PathEscape(d.Act.Kind) + "/" + url.PathEscape(d.Act.ID)
			}
		}
		out = append(out, v)
	}
	return out
}

// cutDeadlines keeps the deadlines of items with one of comps.
func cutDeadlines(ds []Deadline, comps []string) []Deadline {
	var out []Deadline
	for _, d := range ds {
		if intersects(comps, d.Competences) {
			out = append(out, d)
		}
	}
	return out
}
