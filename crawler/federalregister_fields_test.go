package crawler

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/nogentech/veille"
)

// TestFederalRegisterFieldsSuffice: the real document cut down to the
// fields FederalRegisterFields names makes the same item as the whole
// document, so a search asking for those fields loses nothing the parser
// reads; cut down further (without the citation), it does not.
func TestFederalRegisterFieldsSuffice(t *testing.T) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(readTestdata(t, "sample/federalregister-api/regulatory-document.json"), &doc); err != nil {
		t.Fatal(err)
	}
	keep := func(fields []string) []byte {
		cut := map[string]json.RawMessage{}
		for _, f := range fields {
			if v, ok := doc[f]; ok {
				cut[f] = v
			}
		}
		b, err := json.Marshal(cut)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	src := veille.Source{ID: "fr", Kind: KindFederalRegister}
	now := time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)
	parse := func(b []byte) veille.Item {
		t.Helper()
		items, err := ParseFederalRegister(b, src, now)
		if err != nil || len(items) != 1 {
			t.Fatalf("items %d, err %v", len(items), err)
		}
		return items[0]
	}
	whole, _ := json.Marshal(doc)
	want := parse(whole)
	fields := FederalRegisterFields()
	if got := parse(keep(fields)); !reflect.DeepEqual(got, want) {
		t.Errorf("with fields %v only:\n got %+v\nwant %+v", fields, got, want)
	}
	if got := parse(keep(slices.DeleteFunc(slices.Clone(fields), func(f string) bool { return f == "citation" }))); got.Content == want.Content {
		t.Errorf("without the citation the content is unchanged: %q", got.Content)
	}
}

func TestFederalRegisterMissingFields(t *testing.T) {
	all := "https://www.federalregister.gov/api/v1/documents.json?conditions%5Btype%5D%5B%5D=RULE&order=newest"
	for _, f := range FederalRegisterFields() {
		all += "&fields%5B%5D=" + f
	}
	for name, c := range map[string]struct {
		url  string
		want []string
	}{
		"every field asked": {all, nil},
		"the same, brackets unescaped": {
			"https://www.federalregister.gov/api/v1/documents.json?fields[]=title&fields[]=type&fields[]=abstract&fields[]=action" +
				"&fields[]=dates&fields[]=document_number&fields[]=citation&fields[]=cfr_references&fields[]=html_url" +
				"&fields[]=pdf_url&fields[]=publication_date&fields[]=excerpts&fields[]=topics&fields[]=agencies", nil},
		"a search with the default fields": {"https://www.federalregister.gov/api/v1/documents.json?conditions%5Btype%5D%5B%5D=RULE",
			[]string{"action", "dates", "citation", "cfr_references", "topics"}},
		"the search path without .json": {"https://www.federalregister.gov/api/v1/documents?format=json",
			[]string{"action", "dates", "citation", "cfr_references", "topics"}},
		"fields asked, citation left out": {"https://www.federalregister.gov/api/v1/documents.json?fields%5B%5D=title&fields%5B%5D=dates",
			[]string{"type", "abstract", "action", "document_number", "citation", "cfr_references", "html_url", "pdf_url",
				"publication_date", "excerpts", "topics", "agencies"}},
		"one document answers with all its fields": {"https://www.federalregister.gov/api/v1/documents/2024-31396.json", nil},
		"another server's path":                    {"http://127.0.0.1:8080/federalregister-api/search-newest-page-one.json", nil},
		"not a URL":                                {"http://%zz", nil},
	} {
		t.Run(name, func(t *testing.T) {
			if got := FederalRegisterMissingFields(c.url); !slices.Equal(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}
