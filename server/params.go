package server

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/nogentech/veille"
)

// knownParams are the search parameters; anything else is a mistake worth
// telling the user about rather than silently ignoring.
var knownParams = map[string]bool{
	"q": true, "domain": true, "competence": true, "source": true, "lang": true, "jurisdiction": true, "ref": true,
	"since": true, "until": true, "limit": true, "offset": true, "sort": true, "page": true, "ui": true,
	// all=1: the HTML page without a query lists every item (homeFilter).
	allParam: true,
}

// MaxOffset bounds deep paging, which costs the index offset+limit hits.
const MaxOffset = 10000

// ParseSearch turns URL parameters into a search request. Dates are days in
// loc; until is inclusive of its day. maxLimit caps limit (0 = no cap).
func ParseSearch(v url.Values, loc *time.Location, maxLimit int) (veille.SearchRequest, error) {
	var r veille.SearchRequest
	for k := range v {
		if !knownParams[k] {
			return r, userErrorf("unknown parameter %q (known: q, domain, competence, source, lang, jurisdiction, ref, since, until, limit, offset, sort)", k)
		}
	}
	r.Query = strings.TrimSpace(v.Get("q"))
	r.Domains = splitValues(v["domain"])
	r.Competences = splitValues(v["competence"])
	r.Sources = splitValues(v["source"])
	r.Langs = splitValues(v["lang"])
	r.Jurisdictions = splitValues(v["jurisdiction"])
	// repeatable only: an id may hold a comma ("Regulation (EU, Euratom) 2018/1046")
	for _, s := range v["ref"] {
		if s = strings.TrimSpace(s); s != "" {
			if !strings.Contains(s, ":") {
				return r, userErrorf("ref must be KIND:ID, e.g. eu-act:Regulation (EU) 2017/745, got %q", s)
			}
			r.Refs = append(r.Refs, s)
		}
	}
	var err error
	if r.Since, err = ParseDay(v.Get("since"), loc, false); err != nil {
		return r, userErrorf("since: want a date as YYYY-MM-DD, got %q", v.Get("since"))
	}
	if r.Until, err = ParseDay(v.Get("until"), loc, true); err != nil {
		return r, userErrorf("until: want a date as YYYY-MM-DD, got %q", v.Get("until"))
	}
	if !r.Since.IsZero() && !r.Until.IsZero() && !r.Until.After(r.Since) {
		return r, userErrorf("until (%s) is before since (%s)", v.Get("until"), v.Get("since"))
	}
	r.Limit = 20
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return r, userErrorf("limit must be a positive integer, got %q", s)
		}
		if maxLimit > 0 && n > maxLimit {
			return r, userErrorf("limit must be at most %d, got %d", maxLimit, n)
		}
		r.Limit = n
	}
	if s := v.Get("offset"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return r, userErrorf("offset must be a non-negative integer, got %q", s)
		}
		if n > MaxOffset {
			return r, userErrorf("offset must be at most %d, got %d; narrow the search instead", MaxOffset, n)
		}
		r.Offset = n
	}
	switch s := v.Get("sort"); s {
	case "", "relevance", "date":
		r.Sort = s
	default:
		return r, userErrorf("sort must be relevance or date, got %q", s)
	}
	return r, nil
}

// splitValues accepts repeated parameters and comma-separated lists.
func splitValues(vs []string) []string {
	var out []string
	for _, v := range vs {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// ParseDay reads YYYY-MM-DD as the start of that day in loc; with end, as the
// start of the next day, so that until=2026-11-29 includes the 29th.
func ParseDay(s string, loc *time.Location, end bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, ok := veille.ParseDay(s, loc)
	if !ok {
		return time.Time{}, fmt.Errorf("want a date as YYYY-MM-DD, got %q", s)
	}
	if end {
		t = t.AddDate(0, 0, 1)
	}
	return t.UTC(), nil
}
