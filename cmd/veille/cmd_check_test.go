package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckWarnsWhenNothingIsWatched: a config without sources, or with
// every source disabled, is valid but watches nothing; check says so.
func TestCheckWarnsWhenNothingIsWatched(t *testing.T) {
	tests := map[string]string{
		"empty file":   "",
		"no sources":   "timezone: Europe/Paris\n",
		"empty list":   "sources: []\n",
		"all disabled": "sources:\n  - id: a\n    url: https://a.example.org/feed\n    disabled: true\n",
	}
	for name, cfg := range tests {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "feeds.yaml")
			if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
				t.Fatal(err)
			}
			code, out, errs := veilleCmd(t, "check", "--config", path)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			if !strings.Contains(errs, "warning: ") || !strings.Contains(errs, "nothing will be watched") {
				t.Errorf("no warning: stdout %q stderr %q", out, errs)
			}
		})
	}
	code, _, errs := veilleCmd(t, "check", "--config", filepath.Join("..", "..", "feeds.yaml"))
	if code != 0 || strings.Contains(errs, "warning") {
		t.Errorf("shipped config: exit %d, stderr %q", code, errs)
	}
}

// TestCheckWarnsOfFederalRegisterFields: a Federal Register search that
// does not ask for the fields the parser reads is valid, but its rules
// would get no act: check names the fields left out; a search asking for
// them all (the shipped one, checked above) and a single document do not
// warn.
func TestCheckWarnsOfFederalRegisterFields(t *testing.T) {
	src := func(url string) string {
		return "sources:\n  - id: fr\n    kind: federalregister\n    url: " + url + "\n"
	}
	for name, c := range map[string]struct {
		cfg  string
		want string // "" for no warning
	}{
		"default fields": {src("https://www.federalregister.gov/api/v1/documents.json?conditions%5Btype%5D%5B%5D=RULE"),
			"source fr: the Federal Register search does not ask for action, dates, citation, cfr_references, topics"},
		"citation left out": {src("https://www.federalregister.gov/api/v1/documents.json?fields%5B%5D=title&fields%5B%5D=type" +
			"&fields%5B%5D=abstract&fields%5B%5D=action&fields%5B%5D=dates&fields%5B%5D=document_number&fields%5B%5D=cfr_references" +
			"&fields%5B%5D=html_url&fields%5B%5D=pdf_url&fields%5B%5D=publication_date&fields%5B%5D=excerpts&fields%5B%5D=topics" +
			"&fields%5B%5D=agencies"),
			"source fr: the Federal Register search does not ask for citation, so"},
		"one document":           {src("https://www.federalregister.gov/api/v1/documents/2024-31396.json"), ""},
		"disabled":               {src("https://www.federalregister.gov/api/v1/documents.json") + "    disabled: true\n  - id: a\n    url: https://a.example.org/feed\n", ""},
		"kind feed, not the API": {"sources:\n  - id: a\n    url: https://www.federalregister.gov/api/v1/documents.json\n", ""},
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "feeds.yaml")
			if err := os.WriteFile(path, []byte(c.cfg), 0o644); err != nil {
				t.Fatal(err)
			}
			code, out, errs := veilleCmd(t, "check", "--config", path)
			if code != 0 || !strings.Contains(out, ": ok") {
				t.Fatalf("exit %d: stdout %q stderr %q", code, out, errs)
			}
			switch {
			case c.want == "" && errs != "":
				t.Errorf("stderr %q, want no warning", errs)
			case c.want != "" && !strings.Contains(errs, "warning: "+c.want):
				t.Errorf("stderr %q, want the warning %q", errs, c.want)
			}
		})
	}
}
