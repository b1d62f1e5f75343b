package digest

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/internal/i18n"
)

// TestMessageKeysExist: every key the mail templates and the Go code ask
// the catalogue for is in it, so that no mail shows a bare key.
func TestMessageKeysExist(t *testing.T) {
	tmpl := regexp.MustCompile(`\.T "([a-z0-9_.-]+)"`)
	// A literal key passed to T (one followed by + is a prefix,
	// "datekind."+kind, checked below), the two nouns of Count, the keys
	// of ErrorWords' table.
	code := []*regexp.Regexp{
		regexp.MustCompile(`\.T\("([a-z0-9_.-]+)"[,)]`),
		regexp.MustCompile(`\.Count\([^,]+, "([a-z0-9_.-]+)", "([a-z0-9_.-]+)"\)`),
		regexp.MustCompile(`\{"(fetch\.[a-z_]+)", `),
		// A key held in a variable first (key := "mail.edition_count").
		regexp.MustCompile(`"((?:mail|fetch|schedule|period|digest)\.[a-z0-9_.-]*[a-z0-9])"[^+]`),
	}
	templates, _ := filepath.Glob("templates/*.tmpl")
	goFiles, _ := filepath.Glob("*.go")
	n := 0
	for _, f := range append(templates, goFiles...) {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		res := code
		if strings.HasSuffix(f, ".tmpl") {
			res = []*regexp.Regexp{tmpl}
		}
		var keys []string
		for _, re := range res {
			for _, m := range re.FindAllStringSubmatch(string(b), -1) {
				keys = append(keys, m[1:]...)
			}
		}
		for _, k := range keys {
			n++
			if !i18n.Has(k) {
				t.Errorf("%s asks for %q, which the catalogue (internal/i18n) lacks", f, k)
			}
		}
	}
	if n < 80 {
		t.Errorf("found only %d keys: the test no longer reads the sources", n)
	}
	for _, kind := range []string{"entry-into-force", "application", "deadline", "comment-deadline"} {
		if !i18n.Has("datekind." + kind) {
			t.Errorf("no message for the date kind %q", kind)
		}
	}
}

// TestAlertWords: an alert mail says why in the reader's language, with
// the mail's words (not a page's message of the same name) and no
// unfilled verb.
func TestAlertWords(t *testing.T) {
	cfg := veille.Config{Location: time.UTC}
	rule := veille.Alert{ID: "chrome"}
	ms := []Match{{Item: veille.Item{ID: "x", Title: "Chrome VI", Published: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)}, Terms: []string{"chrome"}}}
	for lang, want := range map[i18n.Lang][]string{
		i18n.FR: {"Pourquoi\u00a0: règle chrome", "termes trouvés\u00a0: chrome", "2 novembre 2026"},
		i18n.EN: {"Why: rule chrome", "matched terms: chrome", "2 November 2026"},
	} {
		r, err := RenderAlert(cfg, rule, ms, lang, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			if !strings.Contains(r.Text, w) {
				t.Errorf("%s: the alert lacks %q:\n%s", lang, w, r.Text)
			}
		}
		if strings.Contains(r.Text+r.HTML, "%!") || strings.Contains(r.Text+r.HTML, "%s") {
			t.Errorf("%s: an unfilled verb in the alert:\n%s", lang, r.Text)
		}
	}
}
