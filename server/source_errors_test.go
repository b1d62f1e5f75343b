package server

import (
	"html"
	"strings"
	"testing"
)

func TestSourceProblemInWords(t *testing.T) {
	tests := []struct {
		status int
		err    string
		fr, en string
	}{
		{404, "source x: fetch https://example.org/feed: 404 Not Found", "n'existe plus (HTTP 404)", "no longer exists (HTTP 404)"},
		{503, "source x: fetch https://example.org/feed: 503 Service Unavailable", "en panne (HTTP 503)", "is failing (HTTP 503)"},
		{0, `source x: fetch https://example.org/feed: timed out after 30s: context deadline exceeded`, "n'a pas répondu à temps", "did not answer in time"},
		{0, "source x: fetch https://nope.example/feed: dial tcp: lookup nope.example: no such host", "introuvable", "cannot be found"},
		{0, "source x: fetch https://example.org/: tls: failed to verify certificate: x509: certificate has expired", "certificat", "certificate"},
		{0, `source x: parse https://example.org/: no items found: select.item ".news" matched nothing on the page`, "mise en page", "layout"},
		{0, "source x: parse https://example.org/: expected a feed, got an HTML page: not a feed", "page web au lieu d'un flux", "web page instead of a feed"},
		{0, "something nobody foresaw", "la récupération a échoué", "the fetch failed"},
		{200, "", "", ""},
	}
	for _, tc := range tests {
		if got := (tr{lang: langFR}).sourceProblem(tc.status, tc.err); !strings.Contains(got, tc.fr) || (tc.fr == "" && got != "") {
			t.Errorf("%d %q in French: %q, want %q", tc.status, tc.err, got, tc.fr)
		}
		if got := (tr{lang: langEN}).sourceProblem(tc.status, tc.err); !strings.Contains(got, tc.en) || (tc.en == "" && got != "") {
			t.Errorf("%d %q in English: %q, want %q", tc.status, tc.err, got, tc.en)
		}
	}
}

// TestSourcesPageSaysErrorsInWords: the failing source of the fixture
// (its feed answers 404) is explained in the reader's language, with the
// technical text behind a disclosure.
func TestSourcesPageSaysErrorsInWords(t *testing.T) {
	f := sharedFixture(t)
	for lang, want := range map[string]string{"fr": "la page de la source n'existe plus (HTTP 404)", "en": "the source's page no longer exists (HTTP 404)"} {
		_, body := get(t, f.ts.URL+"/sources?ui="+lang)
		text := html.UnescapeString(string(body))
		i := strings.Index(text, `id="source-`+brokenSource+`"`)
		if i < 0 {
			t.Fatalf("no row for %s", brokenSource)
		}
		row := text[i:min(len(text), i+1500)]
		if !strings.Contains(row, want) || !strings.Contains(row, "<details") {
			t.Errorf("%s: the broken source's row does not say %q in words:\n%s", lang, want, row)
		}
	}
}
