package index

import (
	"reflect"
	"slices"
	"testing"

	"github.com/nogentech/veille"
)

// MatchIDs judges exactly the items it is given, whatever their dates,
// tells an item the index lacks from one the query does not match, and
// names the words as written in the text (accents and all), found with
// the query's own analysis, not read back from a snippet's markup.
func TestMatchIDs(t *testing.T) {
	ix, items, _ := fixtureIndex(t)
	id := func(name string) string { return items[name].ID }
	ids := []string{id("dechets"), id("hostile"), id("mdr"), id("bonds"), "not-indexed"}
	m, err := ix.MatchIDs(t.Context(), veille.SearchRequest{Query: "dechets"}, ids)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"dechets", "hostile", "mdr", "bonds"} {
		if !m.Present[id(n)] {
			t.Errorf("%s is in the index but not reported present", n)
		}
	}
	if m.Present["not-indexed"] || m.Matched("not-indexed") {
		t.Errorf("an id the index lacks is reported: %+v", m)
	}
	// "reach" matches the query too, but was not asked about.
	if m.Matched(id("reach")) {
		t.Errorf("an item outside the set matched")
	}
	if got := m.Terms[id("dechets")]; !reflect.DeepEqual(got, []string{"déchets"}) {
		t.Errorf("dechets: terms %q, want [déchets]", got)
	}
	// hostile matches through the glossary (waste), in English.
	if got := m.Terms[id("hostile")]; !m.Matched(id("hostile")) || !slices.Contains(got, "waste") {
		t.Errorf("hostile: matched %v, terms %q; want waste", m.Matched(id("hostile")), got)
	}
	if m.Matched(id("mdr")) || m.Matched(id("bonds")) {
		t.Errorf("items without the word matched: %+v", m.Terms)
	}

	// The filters hold; the dates of the request do not restrict.
	m, err = ix.MatchIDs(t.Context(), veille.SearchRequest{Query: "dechets", Competences: []string{"medical-implants"}}, ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Terms) != 0 {
		t.Errorf("the competence filter let through %v", m.Terms)
	}
	m, err = ix.MatchIDs(t.Context(), veille.SearchRequest{Query: "", Domains: []string{"medical-devices"}}, ids)
	if err != nil {
		t.Fatal(err)
	}
	if !m.Matched(id("mdr")) || len(m.Terms) != 1 || len(m.Terms[id("mdr")]) != 0 {
		t.Errorf("filter-only match: %+v, want mdr alone, without words", m.Terms)
	}
	if _, err := ix.MatchIDs(t.Context(), veille.SearchRequest{Query: `"unclosed`}, ids); err == nil {
		t.Errorf("a bad query gave no error")
	}
}
