package digest

import (
	"html"
	"sort"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/internal/text"
)

// Data is a digest as the contract's JSON ("Digest as data"), for scripts
// and checks: `veille digest --dry-run --json`.
type Data struct {
	ID     string     `json:"id"`
	Period DataPeriod `json:"period"`
	// Items are search hits (the search JSON's shape), newest first.
	Items    []veille.Hit   `json:"items"`
	Coverage []DataCoverage `json:"coverage"`
	// RecordSince is the watch's first recorded check (null when none);
	// Older counts the items left out as published long before the period.
	RecordSince *time.Time `json:"record_since"`
	Older       int        `json:"older"`
}

// DataPeriod gives the period as --since and --until take it: days in the
// config's time zone, both included.
type DataPeriod struct {
	Key   string `json:"key"`
	Since string `json:"since"`
	Until string `json:"until"`
}

// DataCoverage is one source's checks during the period.
type DataCoverage struct {
	Source    string     `json:"source"`
	Name      string     `json:"name"`
	Status    string     `json:"status"` // ok | failed | not-checked
	Checks    int        `json:"checks"`
	Failed    int        `json:"failed_checks"`
	LastCheck *time.Time `json:"last_check"` // the last in the period; null when none
	Error     string     `json:"error"`      // the last error, when every check failed
}

// AsData lays the digest out as the contract's JSON.
func (d *Digest) AsData(loc *time.Location) Data {
	if loc == nil {
		loc = time.UTC
	}
	out := Data{ID: d.ID, Items: []veille.Hit{}, Coverage: []DataCoverage{}, Older: d.Older,
		Period: DataPeriod{Key: d.Period.Key, Since: d.Period.Since.In(loc).Format(time.DateOnly),
			Until: d.Period.LastDay().In(loc).Format(time.DateOnly)}}
	if !d.RecordSince.IsZero() {
		rs := d.RecordSince.UTC()
		out.RecordSince = &rs
	}
	items := append([]veille.Item(nil), d.Items...)
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i].DisplayDate(), items[j].DisplayDate()
		if !a.Equal(b) {
			return a.After(b)
		}
		return items[i].ID < items[j].ID
	})
	for _, it := range items {
		out.Items = append(out.Items, hitOf(it))
	}
	for _, c := range d.Coverage {
		dc := DataCoverage{Source: c.Source, Name: c.Name, Status: c.State, Checks: c.Checks, Failed: c.FailedChecks, Error: c.Error}
		if !c.LastCheck.IsZero() {
			lc := c.LastCheck.UTC()
			dc.LastCheck = &lc
		}
		out.Coverage = append(out.Coverage, dc)
	}
	return out
}

// hitOf is an item as the search JSON shows it; its snippet is the start
// of its summary, escaped like the search's snippets.
func hitOf(it veille.Item) veille.Hit {
	h := veille.Hit{ID: it.ID, Title: it.Title, Link: it.Link, Source: it.Source, Sources: it.Sources,
		Published: it.Published.UTC(), Lang: it.Lang, Jurisdiction: it.Jurisdiction,
		Domains: it.Domains, Competences: it.Competences, Why: it.Why,
		Snippet: html.EscapeString(text.Clip(text.Fold(it.Summary), 220))}
	if h.Sources == nil {
		h.Sources = []string{it.Source}
	}
	if h.Domains == nil {
		h.Domains = []string{}
	}
	if h.Competences == nil {
		h.Competences = []string{}
	}
	if h.Why == nil {
		h.Why = map[string][]string{}
	}
	return h
}
