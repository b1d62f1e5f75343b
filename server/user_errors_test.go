package server

import (
	"go/ast"
	"go/parser"
	"go/token"
	"html"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/nogentech/veille/internal/i18n"
)

// TestErrorCatalogueComplete reads the sources that make users' errors
// and checks that every message format has its French translation in the
// catalogue (internal/i18n/msg_errors.go), with the same verbs in the same
// order.
func TestErrorCatalogueComplete(t *testing.T) {
	// Every source of server and index: a format added to a new file is
	// checked too.
	server, _ := filepath.Glob("*.go")
	index, _ := filepath.Glob(filepath.Join("..", "index", "*.go"))
	var files []string
	for _, f := range append(server, index...) {
		if !strings.HasSuffix(f, "_test.go") {
			files = append(files, f)
		}
	}
	verbs := regexp.MustCompile(`%[a-z]`)
	seen := 0
	for _, f := range files {
		file, err := parser.ParseFile(token.NewFileSet(), f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			id, ok := call.Fun.(*ast.Ident)
			if !ok || (id.Name != "userErrorf" && id.Name != "queryErrorf") {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok {
				t.Errorf("%s: %s with a format that is not a literal cannot be translated", f, id.Name)
				return true
			}
			format, _ := strconv.Unquote(lit.Value)
			seen++
			m, ok := i18n.Lookup(format)
			if !ok {
				t.Errorf("%s: no French for %q (add it to internal/i18n/msg_errors.go)", f, format)
				return true
			}
			fr := m.FR
			if m.EN != format {
				t.Errorf("%q: the English is %q, want the format itself (the API says it)", format, m.EN)
			}
			if a, b := strings.Join(verbs.FindAllString(format, -1), ""), strings.Join(verbs.FindAllString(fr, -1), ""); a != b {
				t.Errorf("%q: verbs %s, French %q has %s", format, a, fr, b)
			}
			return true
		})
	}
	if seen < 10 {
		t.Errorf("found only %d error formats: the test no longer reads the sources", seen)
	}
}

// TestSearchErrorsInFrench: a mistake in the search is said in French on
// the French page, with French quotes and no escaping, and in English on
// the English page; the API keeps its English message.
func TestSearchErrorsInFrench(t *testing.T) {
	f := sharedFixture(t)
	tests := []struct{ query, fr, en, api string }{
		{`q="chrome+VI`, "guillemet non refermé : «\u00a0\"chrome VI\u00a0»", "unbalanced quote: \u201c\"chrome VI\u201d", "unbalanced quote"},
		{"since=demain", "since : une date AAAA-MM-JJ est attendue, pas «\u00a0demain\u00a0»", "since: want a date as YYYY-MM-DD, got \u201cdemain\u201d", "since: want a date"},
		{"q=-", "«\u00a0-\u00a0» doit être suivi d'un mot ou d'une « phrase »", "\u201c-\u201d must be followed by a word or a \u201cphrase\u201d", "must be followed"},
	}
	for _, tc := range tests {
		for lang, want := range map[string]string{"fr": tc.fr, "en": tc.en} {
			resp, body := get(t, f.ts.URL+"/?"+tc.query+"&ui="+lang)
			text := html.UnescapeString(string(body))
			if resp.StatusCode != 400 || !strings.Contains(text, want) {
				i := strings.Index(text, "error-box")
				t.Errorf("%s (%s): %d, want the message %q; page says: %s", tc.query, lang, resp.StatusCode, want, text[max(i, 0):min(len(text), max(i, 0)+300)])
			}
			if strings.Contains(text, `\"`) || strings.Contains(text, "bad query") {
				t.Errorf("%s (%s): the page shows an escaped quote or the English prefix", tc.query, lang)
			}
		}
		q, _ := url.ParseQuery(tc.query)
		resp, body := get(t, f.ts.URL+"/api/search?"+q.Encode())
		if resp.StatusCode != 400 || !strings.Contains(string(body), tc.api) {
			t.Errorf("API %s: %d %s", tc.query, resp.StatusCode, body)
		}
	}
}

// TestMessageKeysExist: every key the templates and the Go code ask for
// is in the catalogue, so that no page shows a bare key.
func TestMessageKeysExist(t *testing.T) {
	tmpl := regexp.MustCompile(`\.T "([a-z0-9_.]+)"`)
	code := regexp.MustCompile(`\bl\.T\("([a-z0-9_.]+)"[,)]`)
	files, _ := filepath.Glob("templates/*.html")
	goFiles, _ := filepath.Glob("*.go")
	n := 0
	for _, f := range append(files, goFiles...) {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		re := code
		if strings.HasSuffix(f, ".html") {
			re = tmpl
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			n++
			if !i18n.Has(m[1]) {
				t.Errorf("%s asks for %q, which the catalogue lacks", f, m[1])
			}
		}
	}
	if n < 50 {
		t.Errorf("found only %d keys: the test no longer reads the sources", n)
	}
}
