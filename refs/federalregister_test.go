package refs_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/crawler"
	"github.com/nogentech/veille/internal/fixtures"
	"github.com/nogentech/veille/refs"
)

// frItems parses a recorded Federal Register API answer with the crawler's
// own parser, as a crawl does, then extracts from each item; edit, when
// given, changes the answer's JSON first.
func frItems(t *testing.T, file string, edit func(map[string]any)) []veille.Item {
	t.Helper()
	body := fixtures.Read(t, "federalregister-api/"+file)
	if edit != nil {
		var doc map[string]any
		if err := json.Unmarshal(body, &doc); err != nil {
			t.Fatal(err)
		}
		edit(doc)
		var err error
		if body, err = json.Marshal(doc); err != nil {
			t.Fatal(err)
		}
	}
	items, err := crawler.Parse(body, "application/json", "https://www.federalregister.gov/api/v1/documents.json",
		veille.Source{ID: "federal-register", Kind: crawler.KindFederalRegister}, time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	for i := range items {
		refs.Apply(&items[i])
	}
	return items
}

// TestFederalRegisterOwnAct: a Federal Register rule is an act (REFS.md),
// its own citation its act and not one of its references; a notice, or a
// rule's citation of another document, is not the item's act.
func TestFederalRegisterOwnAct(t *testing.T) {
	rule := frItems(t, "regulatory-document.json", nil)
	if len(rule) != 1 {
		t.Fatalf("%d items, want the one rule", len(rule))
	}
	it := rule[0]
	if it.Act == nil || it.Act.Kind != refs.KindFRDoc || it.Act.ID != "89 FR 107012" {
		t.Errorf("act %v, want us-fr-doc 89 FR 107012", it.Act)
	}
	for _, r := range it.Refs {
		if r.Kind == refs.KindFRDoc {
			t.Errorf("the rule's own citation among its references: %v", r)
		}
	}
	// the CFR part it changes, from the document's details
	if len(it.Refs) != 1 || it.Refs[0].Key() != "us-cfr:40 CFR 52" {
		t.Errorf("refs %v, want us-cfr:40 CFR 52", it.Refs)
	}
	if len(it.Dates) != 1 || it.Dates[0].Kind != refs.DateEntryIntoForce || it.Dates[0].Date != "2025-01-30" {
		t.Errorf("dates %v, want entry into force on 2025-01-30", it.Dates)
	}

	for name, c := range map[string]struct {
		edit func(map[string]any)
		act  string
	}{
		"a proposed rule": {func(d map[string]any) { d["action"] = "Proposed rule." }, "89 FR 107012"},
		"an interim final rule; correction": {func(d map[string]any) { d["action"] = "Interim final rule; correction." },
			"89 FR 107012"},
		"a notice":       {func(d map[string]any) { d["action"] = "Notice."; d["type"] = "Notice" }, ""},
		"no action said": {func(d map[string]any) { delete(d, "action") }, ""},
		// a rule whose details give no citation only cites the one in
		// its text
		"a citation in the text only": {func(d map[string]any) {
			delete(d, "citation")
			d["abstract"] = "This action corrects the final rule published at 89 FR 44144 on May 22, 2024."
		}, ""},
	} {
		t.Run(name, func(t *testing.T) {
			it := frItems(t, "regulatory-document.json", c.edit)[0]
			got := ""
			if it.Act != nil {
				got = it.Act.ID
			}
			if got != c.act {
				t.Errorf("act %q, want %q (text %q)", got, c.act, it.Content)
			}
			if c.act == "" && name == "a citation in the text only" {
				found := false
				for _, r := range it.Refs {
					found = found || r.Key() == "us-fr-doc:89 FR 44144"
				}
				if !found {
					t.Errorf("the cited rule is not among the references: %v", it.Refs)
				}
			}
		})
	}
	// the notices of the search answers: no act, no reference
	for _, file := range []string{"search-newest-page-one.json", "search-spaced-term-page-one.json"} {
		for _, it := range frItems(t, file, nil) {
			if it.Act != nil || len(it.Refs) > 0 {
				t.Errorf("%s %q: act %v refs %v, want none", file, it.Title, it.Act, it.Refs)
			}
		}
	}
}
