package crawler

import (
	"net/url"
	"reflect"
	"slices"
	"strings"
)

// frSearchDefaultFields are the fields a documents search answers with
// when its URL asks for none (fields[]): the API's default set, as its
// recorded answers show. A single document answers with all its fields.
var frSearchDefaultFields = []string{"title", "type", "abstract", "document_number", "html_url", "pdf_url",
	"public_inspection_pdf_url", "publication_date", "agencies", "excerpts"}

// frFields are the fields frDocument reads, in its order, taken from its
// json tags so that a field added to the parser is asked for by the check
// and the shipped URL's test without a second list to keep in step.
var frFields = func() []string {
	t := reflect.TypeFor[frDocument]()
	out := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}()

// FederalRegisterFields are the fields of a Federal Register API document
// that the federalregister kind reads; a search URL must ask for each
// (fields%5B%5D=citation…) for its items to carry them.
func FederalRegisterFields() []string { return slices.Clone(frFields) }

// FederalRegisterMissingFields are the fields the parser reads that a
// federalregister source's URL leaves out of the answer: those its
// fields[] does not name, or, for a documents search without fields[],
// those outside the search's default set (the citation, the dates, the
// action, the CFR parts, the topics). A URL that is not a documents search
// (one document, another server's path) misses none.
func FederalRegisterMissingFields(rawURL string) []string {
	u, err := url.Parse(rawURL)
	if err != nil || !frSearchPath(u.Path) {
		return nil
	}
	asked := u.Query()["fields[]"]
	if len(asked) == 0 {
		asked = frSearchDefaultFields
	}
	var missing []string
	for _, f := range frFields {
		if !slices.Contains(asked, f) {
			missing = append(missing, f)
		}
	}
	return missing
}

// frSearchPath tells a documents search (/api/v1/documents.json, or
// /api/v1/documents with format=json) from a single document
// (/api/v1/documents/2024-31396.json).
func frSearchPath(p string) bool {
	p = strings.TrimSuffix(p, "/")
	return strings.HasSuffix(p, "/api/v1/documents.json") || strings.HasSuffix(p, "/api/v1/documents")
}
