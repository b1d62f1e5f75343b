package server

import (
	"html"
	"net/url"
	"strings"
	"testing"
)

// A search that finds few items says what would find more, in the user's
// language, with links that run those searches.
func TestSearchHintsPage(t *testing.T) {
	f := sharedFixture(t)
	tests := map[string]struct {
		path string
		want []string
	}{
		"some of the words": {"/?q=" + url.QueryEscape("incinération zzzqqq"),
			[]string{`class="hint"`, "Résultats avec une partie des mots seulement (1) :", `href="/?q=` + url.QueryEscape("incinération OR zzzqqq") + `"`}},
		"some of the words, English": {"/?ui=en&q=" + url.QueryEscape("incinération zzzqqq"),
			[]string{"Results with only some of the words (1):"}},
		"spelling": {"/?q=" + url.QueryEscape("incinératoin"),
			[]string{"Vouliez-vous dire", `href="/?q=incineration"`}},
		"without the filters": {"/?q=" + url.QueryEscape("incinération") + "&lang=en",
			[]string{"Sans les filtres (", `href="/?q=` + url.QueryEscape("incinération") + `"`, "Dans l'autre langue (", `lang=fr`}},
		"nothing to offer": {"/?q=zzzqqq",
			[]string{"Aucun élément ne contient tous les mots"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			resp, body := get(t, f.ts.URL+tc.path)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d", resp.StatusCode)
			}
			page := html.UnescapeString(string(body))
			for _, w := range tc.want {
				if !strings.Contains(page, w) {
					i := strings.Index(page, `class="hint"`)
					t.Errorf("page lacks %s: %s", w, page[max(0, i):min(len(page), max(0, i)+300)])
				}
			}
		})
	}
	// A search with enough results offers nothing.
	if _, body := get(t, f.ts.URL+"/?q=arr%C3%AAt%C3%A9"); strings.Contains(string(body), `class="hint"`) {
		t.Error("hints on a search with many results")
	}
}

// Field names and values are accepted in French; a value that does not
// exist is refused with the list of those that do (issue 12).
func TestFrenchFieldValues(t *testing.T) {
	f := sharedFixture(t)
	en := apiSearch(t, f, url.Values{"q": {"domain:environment"}})
	fr := apiSearch(t, f, url.Values{"q": {"domaine:environnement"}})
	if en.Total == 0 || fr.Total != en.Total {
		t.Errorf("domaine:environnement found %d items, domain:environment %d", fr.Total, en.Total)
	}
	resp, body := get(t, f.ts.URL+"/?q="+url.QueryEscape("domaine:finance"))
	page := html.UnescapeString(string(body))
	if resp.StatusCode != 400 || !strings.Contains(page, "aucune valeur «\u00a0finance\u00a0»") || !strings.Contains(page, "environment (Environnement, Environment)") {
		t.Errorf("status %d; the page does not list the domains: %s", resp.StatusCode, page[strings.Index(page, "<main"):])
	}
}
