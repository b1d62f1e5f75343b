package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/nogentech/veille"
)

// smallConfig has comments inside and after the sources list, which the
// import must keep where they are.
const smallConfig = `# Watch of the environment commission.
timezone: Europe/Paris

domains:
  - id: environment
    label: {fr: Environnement, en: Environment}
    keywords: [REACH, déchets]

sources:
  # --- France ---
  - id: ansm-dm
    name: ANSM – dispositifs médicaux   # the one the quality managers read
    kind: feed
    url: https://ansm.sante.fr/rss/dm
    every: 2h
    lang: fr
    jurisdiction: FR

  # EU chemicals
  - id: echa-news-old
    name: ECHA
    url: https://echa.europa.eu/other/rss
    every: 6h
    lang: en

# ---------------------------------------------------------------
# Server
# ---------------------------------------------------------------
server:
  addr: 127.0.0.1:8080
`

func runImport(t *testing.T, cfgPath string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	all := append([]string{"import-opml", "--config", cfgPath}, args...)
	code = run(context.Background(), all, &out, &errb)
	return code, out.String(), errb.String()
}

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// isSubsequence reports whether every line of a appears in b, in order.
func isSubsequence(a, b []string) bool {
	j := 0
	for _, l := range a {
		for j < len(b) && b[j] != l {
			j++
		}
		if j == len(b) {
			return false
		}
		j++
	}
	return true
}

func TestImportOPMLAppendsKeepingCommentsAndOrder(t *testing.T) {
	cfgPath := writeTemp(t, "feeds.yaml", smallConfig)
	code, out, errs := runImport(t, cfgPath, filepath.Join("testdata", "opml", "reader-export.opml"))
	if code != 0 {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
	got, _ := os.ReadFile(cfgPath)
	text := string(got)

	// Nothing of the original is lost or moved.
	if !isSubsequence(strings.Split(smallConfig, "\n"), strings.Split(text, "\n")) {
		t.Errorf("original lines not kept in order:\n%s", text)
	}
	// The new entries sit at the end of the sources list, before the
	// comment block that introduces server.
	last := strings.Index(text, "lang: en\n") // end of the last original entry
	banner := strings.Index(text, "# ---------------------------------------------------------------\n# Server")
	for _, id := range []string{"inrs-actualites", "echa-news", "oeuvres-procedes-l-usine-1"} {
		i := strings.Index(text, "- id: "+id+"\n")
		if i < 0 {
			t.Fatalf("no entry %s in:\n%s", id, text)
		}
		if i < last || i > banner {
			t.Errorf("entry %s at %d, want between %d and %d:\n%s", id, i, last, banner, text)
		}
	}
	cfg, err := veille.LoadConfig(cfgPath)
	if err != nil {
		t.Fatalf("edited config invalid: %v\n%s", err, text)
	}
	want := []struct{ id, name, url, lang string }{
		{"ansm-dm", "ANSM – dispositifs médicaux", "https://ansm.sante.fr/rss/dm", "fr"},
		{"echa-news-old", "ECHA", "https://echa.europa.eu/other/rss", "en"},
		{"inrs-actualites", "INRS – Actualités", "https://www.inrs.fr/rss/?feed=actualites", "fr"},
		{"echa-news", "ECHA: news", "https://echa.europa.eu/news/rss", "en"},
		{"oeuvres-procedes-l-usine-1", "Œuvres & procédés: l'usine #1", "https://example.org/usine/feed.xml", "fr"},
	}
	if len(cfg.Sources) != len(want) {
		t.Fatalf("%d sources, want %d: %+v", len(cfg.Sources), len(want), cfg.Sources)
	}
	for i, w := range want {
		s := cfg.Sources[i]
		if s.ID != w.id || s.Name != w.name || s.URL != w.url || s.Lang != w.lang || s.Kind != veille.KindFeed {
			t.Errorf("source %d = %s %q %s %s %s, want %s %q %s %s feed", i, s.ID, s.Name, s.URL, s.Lang, s.Kind, w.id, w.name, w.url, w.lang)
		}
	}
	if cfg.Sources[2].Every.D().String() != "6h0m0s" {
		t.Errorf("every = %s, want the default 6h", cfg.Sources[2].Every.D())
	}
	// The feed already configured (other case, same URL) and the unusable
	// entries are reported, not added.
	for _, w := range []string{"already in the config as ansm-dm", "mailto:veille@example.org: not an absolute http(s) URL"} {
		if !strings.Contains(errs, w) {
			t.Errorf("stderr lacks %q: %s", w, errs)
		}
	}
	if !strings.Contains(out, "3 source(s) appended") {
		t.Errorf("stdout: %s", out)
	}

	// A second import finds nothing new and leaves the file as it is.
	code, out, _ = runImport(t, cfgPath, filepath.Join("testdata", "opml", "reader-export.opml"))
	again, _ := os.ReadFile(cfgPath)
	if code != 0 || !strings.Contains(out, "nothing to add") || !bytes.Equal(again, got) {
		t.Errorf("second import: exit %d, %s; file changed: %v", code, out, !bytes.Equal(again, got))
	}
}

func TestImportOPMLIntoShippedConfig(t *testing.T) {
	orig, err := os.ReadFile(filepath.Join("..", "..", "feeds.yaml"))
	if err != nil {
		t.Skipf("no shipped feeds.yaml: %v", err)
	}
	before, err := veille.ParseConfig(orig, "feeds.yaml")
	if err != nil {
		t.Fatalf("shipped config invalid: %v", err)
	}
	cfgPath := writeTemp(t, "feeds.yaml", string(orig))
	code, out, errs := runImport(t, cfgPath, "--jurisdiction", "FR", filepath.Join("testdata", "opml", "reader-export.opml"))
	if code != 0 {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
	got, _ := os.ReadFile(cfgPath)
	if !isSubsequence(strings.Split(string(orig), "\n"), strings.Split(string(got), "\n")) {
		t.Error("lines of the shipped config were lost or reordered")
	}
	after, err := veille.ParseConfig(got, "feeds.yaml")
	if err != nil {
		t.Fatalf("edited config invalid: %v", err)
	}
	if len(after.Sources) <= len(before.Sources) {
		t.Fatalf("%d sources after, %d before", len(after.Sources), len(before.Sources))
	}
	for i, s := range before.Sources {
		if after.Sources[i].ID != s.ID {
			t.Fatalf("source %d is %s, was %s", i, after.Sources[i].ID, s.ID)
		}
	}
	for _, s := range after.Sources[len(before.Sources):] {
		if s.Jurisdiction != "FR" {
			t.Errorf("%s: jurisdiction %q, want FR from the flag", s.ID, s.Jurisdiction)
		}
	}
	// Members, digests and the rest are untouched.
	if len(after.Members) != len(before.Members) || len(after.Digests) != len(before.Digests) || !reflect.DeepEqual(after.Server, before.Server) {
		t.Error("sections after sources changed")
	}
}

func TestImportOPMLEdgeCases(t *testing.T) {
	const opml = `<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>
<outline text="Feed A" type="rss" xmlUrl="https://a.example.org/feed"/></body></opml>`
	tests := map[string]struct {
		config   string
		opml     string
		args     []string
		wantCode int
		wantErr  string
		check    func(t *testing.T, before, after string)
	}{
		"no sources key yet": {
			config: "timezone: Europe/Paris\n# the end\n",
			opml:   opml,
			check: func(t *testing.T, before, after string) {
				if !strings.HasPrefix(after, before) || !strings.Contains(after, "sources:\n  # imported") {
					t.Errorf("got:\n%s", after)
				}
			},
		},
		"empty flow list": {
			config: "timezone: Europe/Paris\nsources: []\nserver:\n  addr: 127.0.0.1:8080\n",
			opml:   opml,
			check: func(t *testing.T, before, after string) {
				if !strings.Contains(after, "sources:\n  # imported") || !strings.Contains(after, "  - id: feed-a\n") || !strings.HasSuffix(after, "server:\n  addr: 127.0.0.1:8080\n") {
					t.Errorf("got:\n%s", after)
				}
			},
		},
		"sources key without a value": {
			config: "sources:\n# none yet\nserver:\n  addr: 127.0.0.1:8080\n",
			opml:   opml,
			check: func(t *testing.T, before, after string) {
				if !strings.HasPrefix(after, "sources:\n  # imported") || !strings.HasSuffix(after, "# none yet\nserver:\n  addr: 127.0.0.1:8080\n") {
					t.Errorf("got:\n%s", after)
				}
			},
		},
		"entries at column zero": {
			config: "sources:\n- id: one\n  url: https://one.example.org/rss\n",
			opml:   opml,
			check: func(t *testing.T, before, after string) {
				if !strings.Contains(after, "\n- id: feed-a\n  name: Feed A\n") {
					t.Errorf("indentation not followed:\n%s", after)
				}
			},
		},
		"dry run changes nothing": {
			config: smallConfig,
			opml:   opml,
			args:   []string{"--dry-run"},
			check: func(t *testing.T, before, after string) {
				if before != after {
					t.Error("dry run wrote the file")
				}
			},
		},
		"not opml": {
			config: smallConfig, opml: "<rss version=\"2.0\"><channel/></rss>",
			wantCode: 1, wantErr: "not a valid OPML file",
		},
		"no feeds": {
			config: smallConfig, opml: `<opml version="2.0"><body><outline text="empty folder"/></body></opml>`,
			wantCode: 1, wantErr: "nothing to import",
		},
		"broken config": {
			config: "sources:\n  - id: Bad Id\n    url: x\n", opml: opml,
			wantCode: exitUsage, wantErr: "fix them before importing",
		},
		"bad lang flag": {
			config: smallConfig, opml: opml, args: []string{"--lang", "de"},
			wantCode: exitUsage, wantErr: "--lang must be fr or en",
		},
		// A flow list was refused before the edit followed the syntax
		// tree; it now takes the new entries in its own style.
		"inline list": {
			config: "sources: [{id: a, url: \"https://a.example.org/x\"}]\n", opml: opml,
			check: func(t *testing.T, before, after string) {
				if !strings.HasPrefix(after, `sources: [{id: a, url: "https://a.example.org/x"},`) ||
					!strings.HasSuffix(after, `{id: feed-a, name: "Feed A", kind: feed, url: "https://a.example.org/feed", every: 6h}]`+"\n") {
					t.Errorf("got:\n%s", after)
				}
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			cfgPath := writeTemp(t, "feeds.yaml", tc.config)
			opmlPath := writeTemp(t, "in.opml", tc.opml)
			code, out, errs := runImport(t, cfgPath, append(tc.args, opmlPath)...)
			after, _ := os.ReadFile(cfgPath)
			if code != tc.wantCode {
				t.Fatalf("exit %d, want %d: %s %s", code, tc.wantCode, out, errs)
			}
			if tc.wantErr != "" {
				if !strings.Contains(errs, tc.wantErr) {
					t.Errorf("stderr %q lacks %q", errs, tc.wantErr)
				}
				if string(after) != tc.config {
					t.Error("config changed on error")
				}
			}
			if tc.check != nil {
				tc.check(t, tc.config, string(after))
			}
			if code == 0 {
				if _, err := veille.ParseConfig(after, "feeds.yaml"); err != nil {
					t.Errorf("result invalid: %v\n%s", err, after)
				}
			}
		})
	}
}

// flowConfig writes sources as a flow list with comments around and
// inside it, and the last entry followed by a comment on its line.
const flowConfig = `# Watch written in flow style.
timezone: Europe/Paris   # Paris time
domains: [{id: environment, keywords: [REACH]}]
sources: [
  # the agencies
  {id: echa, name: ECHA, url: "https://echa.europa.eu/rss"},
  {id: ansm, url: "https://ansm.sante.fr/rss/dm"}   # the last one
  ]
# The server comes next.
server: {addr: "127.0.0.1:8080"}
`

// TestImportOPMLIntoFlowList: the import follows the syntax tree, so a
// flow list takes the new feeds in flow style, every comment stays, and
// the result is a valid config with the old sources first.
func TestImportOPMLIntoFlowList(t *testing.T) {
	cfgPath := writeTemp(t, "feeds.yaml", flowConfig)
	code, out, errs := runImport(t, cfgPath, filepath.Join("testdata", "opml", "reader-export.opml"))
	if code != 0 {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
	got, _ := os.ReadFile(cfgPath)
	text := string(got)
	for _, l := range strings.Split(flowConfig, "\n") {
		if i := strings.Index(l, "#"); i >= 0 && !strings.Contains(text, l[i:]+"\n") {
			t.Errorf("comment %q lost:\n%s", l[i:], text)
		}
	}
	if !strings.Contains(text, `{id: ansm, url: "https://ansm.sante.fr/rss/dm"},   # the last one`) {
		t.Errorf("the last entry did not get its comma before its comment:\n%s", text)
	}
	cfg, err := veille.ParseConfig(got, "feeds.yaml")
	if err != nil {
		t.Fatalf("edited config invalid: %v\n%s", err, text)
	}
	var ids []string
	for _, s := range cfg.Sources {
		ids = append(ids, s.ID)
	}
	want := []string{"echa", "ansm", "inrs-actualites", "echa-news", "oeuvres-procedes-l-usine-1"}
	if !reflect.DeepEqual(ids, want) {
		t.Errorf("sources %v, want %v\n%s", ids, want, text)
	}
	if n := cfg.Sources[4].Name; n != "Œuvres & procédés: l'usine #1" {
		t.Errorf("name read back as %q", n)
	}
}

func TestSlug(t *testing.T) {
	tests := map[string]string{
		"ANSM – Dispositifs médicaux":   "ansm-dispositifs-medicaux",
		"Œuvres & procédés":             "oeuvres-procedes",
		"  --  ":                        "",
		"FDA: 510(k) clearances":        "fda-510-k-clearances",
		strings.Repeat("abcdefghij", 8): "abcdefghijabcdefghijabcdefghijabcdefghij",
	}
	for in, want := range tests {
		if got := slug(in); got != want {
			t.Errorf("slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestYAMLStringRoundTrips(t *testing.T) {
	for _, s := range []string{
		"https://www.inrs.fr/rss/?feed=actualites", "ECHA: news", "Œuvres & procédés: l'usine #1", "# not a comment",
		"- dash", "yes", "2024", "a \"quoted\" name", `back\slash`, "ends with colon:", " padded ", "tab\there", "[brackets]",
		"ANSM – Dispositifs médicaux", "a #hash", "100%", "@handle",
	} {
		var got struct {
			V string `yaml:"v"`
		}
		line := "v: " + yamlString(s) + "\n"
		if err := yaml.Unmarshal([]byte(line), &got); err != nil || got.V != s {
			t.Errorf("%q written as %q reads back as %q (%v)", s, line, got.V, err)
		}
	}
	if got := yamlString("https://example.org/feed.xml"); got != "https://example.org/feed.xml" {
		t.Errorf("a plain URL is quoted: %s", got)
	}
}

// TestImportOPMLSaysWhatLinksItSkips: OPML 2.0 type="link" outlines point
// to web pages, not feeds; they are not imported (an html source needs
// selectors), and the import says so for each, even when nothing else is
// left to import.
func TestImportOPMLSaysWhatLinksItSkips(t *testing.T) {
	const mixed = `<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>
<outline text="Feed A" type="rss" xmlUrl="https://a.example.org/feed"/>
<outline text="Folder"><outline text="Page B" type="link" url="https://b.example.org/actualites"/></outline>
</body></opml>`
	cfgPath := writeTemp(t, "feeds.yaml", smallConfig)
	code, out, errs := runImport(t, cfgPath, writeTemp(t, "in.opml", mixed))
	if code != 0 {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
	if want := `skip https://b.example.org/actualites: a link (type="link"), not a feed`; !strings.Contains(errs, want) {
		t.Errorf("stderr %q lacks %q", errs, want)
	}
	if !strings.Contains(out, "added feed-a: https://a.example.org/feed") || !strings.Contains(out, "(1 skipped)") {
		t.Errorf("stdout %q", out)
	}
	after, _ := os.ReadFile(cfgPath)
	if strings.Contains(string(after), "b.example.org") {
		t.Errorf("the link was imported:\n%s", after)
	}

	const linksOnly = `<opml version="2.0"><body><outline text="Page B" type="link" url="https://b.example.org/actualites"/></body></opml>`
	code, _, errs = runImport(t, cfgPath, writeTemp(t, "links.opml", linksOnly))
	if code != 1 || !strings.Contains(errs, "skip https://b.example.org/actualites: a link") || !strings.Contains(errs, "nothing to import") {
		t.Errorf("links only: exit %d, stderr %q", code, errs)
	}
}
