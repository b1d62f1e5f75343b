package server

import (
	"html"
	"strings"
	"testing"
)

// TestSourcesPageSaysErrorsInWords: the failing source of the fixture
// (its feed answers 404) is explained in the reader's language, with the
// technical text behind a disclosure.
func TestSourcesPageSaysErrorsInWords(t *testing.T) {
	f := sharedFixture(t)
	for lang, want := range map[string]string{"fr": "la page n'existe plus sur le site (HTTP 404)", "en": "the page no longer exists on the site (HTTP 404)"} {
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
