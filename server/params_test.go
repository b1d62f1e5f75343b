package server

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/nogentech/veille"
)

// TestSearchValuesRoundTrip: a request the CLI fills directly, written as
// URL parameters for a running server, reads back the same there, in a
// zone with daylight saving across the period.
func TestSearchValuesRoundTrip(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err) // the zone database is embedded (time/tzdata, imported by veille)
	}
	since, until, err := SearchDays("2026-03-20", "2026-03-31", paris)
	if err != nil {
		t.Fatal(err)
	}
	for name, req := range map[string]veille.SearchRequest{
		"everything": {Query: `"chrome hexavalent" OR pfas`, Domains: []string{"environment", "health"}, Competences: []string{"reach"},
			Sources: []string{"jorf"}, Langs: []string{"fr"}, Jurisdictions: []string{"EU"},
			Refs:  []string{"eu-act:Regulation (EU, Euratom) 2018/1046"},
			Since: since, Until: until, Limit: 500, Offset: 40, Sort: "date"},
		"bare": {Limit: 20},
	} {
		t.Run(name, func(t *testing.T) {
			v := SearchValues(req, paris)
			got, err := ParseSearch(v, paris, 0)
			if err != nil {
				t.Fatalf("ParseSearch(%s): %v", v.Encode(), err)
			}
			if !reflect.DeepEqual(got, req) {
				t.Errorf("round trip through %s:\n got %+v\nwant %+v", v.Encode(), got, req)
			}
		})
	}
	if v := SearchValues(veille.SearchRequest{Since: since, Until: until, Limit: 1}, paris); v.Get("since") != "2026-03-20" || v.Get("until") != "2026-03-31" {
		t.Errorf("days written %q..%q, want the days as typed", v.Get("since"), v.Get("until"))
	}
}

// TestCheckSearch: a request filled directly is refused for what the same
// URL parameters are refused for, in the same words.
func TestCheckSearch(t *testing.T) {
	for _, c := range []struct {
		req  veille.SearchRequest
		max  int
		want string
	}{
		{veille.SearchRequest{Limit: 0}, 0, `limit must be a positive integer, got "0"`},
		{veille.SearchRequest{Limit: 101}, 100, "limit must be at most 100, got 101"},
		{veille.SearchRequest{Limit: 1000000}, 0, ""},
		{veille.SearchRequest{Limit: 5, Offset: -1}, 0, `offset must be a non-negative integer, got "-1"`},
		{veille.SearchRequest{Limit: 5, Offset: MaxOffset + 1}, 0, "offset must be at most"},
		{veille.SearchRequest{Limit: 5, Sort: "random"}, 0, `sort must be relevance or date, got "random"`},
		{veille.SearchRequest{Limit: 5, Refs: []string{"Regulation 2017/745"}}, 0, "ref must be KIND:ID"},
	} {
		err := CheckSearch(c.req, c.max)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%+v: %v, want no error", c.req, err)
		case c.want != "" && (err == nil || !strings.HasPrefix(err.Error(), c.want)):
			t.Errorf("%+v: %v, want %q", c.req, err, c.want)
		}
		if c.want == "" {
			continue
		}
		// The same mistake as URL parameters says the same.
		v := SearchValues(c.req, time.UTC)
		if _, perr := ParseSearch(v, time.UTC, c.max); perr == nil || perr.Error() != err.Error() {
			t.Errorf("ParseSearch(%s) = %v, CheckSearch said %v", v.Encode(), perr, err)
		}
	}
	if _, _, err := SearchDays("2026-12-01", "2026-11-01", time.UTC); err == nil || !strings.Contains(err.Error(), "is before since") {
		t.Errorf("until before since: %v", err)
	}
}
