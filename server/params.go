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
// loc; until is inclusive of its day. maxLimit caps limit (0 = no cap). The
// request is then checked by the rules a request filled directly obeys
// (SearchDays, CheckSearch): the API, the pages and the CLI say the same.
func ParseSearch(v url.Values, loc *time.Location, maxLimit int) (veille.SearchRequest, error) {
	var r veille.SearchRequest
	for k := range v {
		if !knownParams[k] {
			return r, userErrorf("unknown parameter %q (known: q, domain, competence, source, lang, jurisdiction, ref, since, until, limit, offset, sort)", k)
		}
	}
	r.Query = strings.TrimSpace(v.Get("q"))
	r.Domains = SplitValues(v["domain"])
	r.Competences = SplitValues(v["competence"])
	r.Sources = SplitValues(v["source"])
	r.Langs = SplitValues(v["lang"])
	r.Jurisdictions = SplitValues(v["jurisdiction"])
	r.Refs = RefValues(v["ref"])
	if err := checkRefs(r.Refs); err != nil {
		return r, err
	}
	var err error
	if r.Since, r.Until, err = SearchDays(v.Get("since"), v.Get("until"), loc); err != nil {
		return r, err
	}
	r.Limit = 20
	if s := v.Get("limit"); s != "" {
		if r.Limit, err = strconv.Atoi(s); err != nil {
			return r, userErrorf("limit must be a positive integer, got %q", s)
		}
	}
	if s := v.Get("offset"); s != "" {
		if r.Offset, err = strconv.Atoi(s); err != nil {
			return r, userErrorf("offset must be a non-negative integer, got %q", s)
		}
	}
	r.Sort = v.Get("sort")
	if err := CheckSearch(r, maxLimit); err != nil {
		return r, err
	}
	return r, nil
}

// SearchDays reads the since and until days of a search (YYYY-MM-DD, in
// loc): since is the start of its day, until the start of the next one,
// so that until=2026-11-29 includes the 29th. Either may be empty.
func SearchDays(since, until string, loc *time.Location) (time.Time, time.Time, error) {
	s, err := ParseDay(since, loc, false)
	if err != nil {
		return s, time.Time{}, userErrorf("since: want a date as YYYY-MM-DD, got %q", since)
	}
	u, err := ParseDay(until, loc, true)
	if err != nil {
		return s, u, userErrorf("until: want a date as YYYY-MM-DD, got %q", until)
	}
	if !s.IsZero() && !u.IsZero() && !u.After(s) {
		return s, u, userErrorf("until (%s) is before since (%s)", until, since)
	}
	return s, u, nil
}

// CheckSearch checks what a search request holds beyond its days
// (SearchDays): references written KIND:ID, a positive limit of at most
// maxLimit (0 = no cap), an offset from 0 to MaxOffset, a known sort.
func CheckSearch(r veille.SearchRequest, maxLimit int) error {
	if err := checkRefs(r.Refs); err != nil {
		return err
	}
	if r.Limit < 1 {
		return userErrorf("limit must be a positive integer, got %q", strconv.Itoa(r.Limit))
	}
	if maxLimit > 0 && r.Limit > maxLimit {
		return userErrorf("limit must be at most %d, got %d", maxLimit, r.Limit)
	}
	if r.Offset < 0 {
		return userErrorf("offset must be a non-negative integer, got %q", strconv.Itoa(r.Offset))
	}
	if r.Offset > MaxOffset {
		return userErrorf("offset must be at most %d, got %d; narrow the search instead", MaxOffset, r.Offset)
	}
	switch r.Sort {
	case "", "relevance", "date":
	default:
		return userErrorf("sort must be relevance or date, got %q", r.Sort)
	}
	return nil
}

// RefValues keeps the non-empty references, trimmed. They are repeated,
// never comma-separated: an id may hold a comma ("Regulation (EU,
// Euratom) 2018/1046").
func RefValues(vs []string) []string {
	var out []string
	for _, s := range vs {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func checkRefs(refs []string) error {
	for _, s := range refs {
		if !strings.Contains(s, ":") {
			return userErrorf("ref must be KIND:ID, e.g. eu-act:Regulation (EU) 2017/745, got %q", s)
		}
	}
	return nil
}

// SearchValues writes a request as the URL parameters ParseSearch reads
// back (days in loc): the CLI asks a running server with them.
func SearchValues(r veille.SearchRequest, loc *time.Location) url.Values {
	v := url.Values{}
	if r.Query != "" {
		v.Set("q", r.Query)
	}
	for name, list := range map[string][]string{"domain": r.Domains, "competence": r.Competences, "source": r.Sources,
		"lang": r.Langs, "jurisdiction": r.Jurisdictions, "ref": r.Refs} {
		for _, s := range list {
			v.Add(name, s)
		}
	}
	const day = "2006-01-02"
	if !r.Since.IsZero() {
		v.Set("since", r.Since.In(loc).Format(day))
	}
	if !r.Until.IsZero() {
		v.Set("until", r.Until.In(loc).AddDate(0, 0, -1).Format(day))
	}
	if r.Sort != "" {
		v.Set("sort", r.Sort)
	}
	v.Set("limit", strconv.Itoa(r.Limit))
	if r.Offset != 0 {
		v.Set("offset", strconv.Itoa(r.Offset))
	}
	return v
}

// SplitValues accepts repeated parameters and comma-separated lists.
func SplitValues(vs []string) []string {
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
