// Package demo embeds a sample of real regulatory feeds and pages (see
// sample/SOURCES.md) and serves it over HTTP, so that `veille demo` shows
// the whole product — crawl, tagging, search — with no network.
package demo

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/nogentech/veille"
)

//go:embed sample
var sample embed.FS

// SampleFile is the content of a file of the sample, named relative to
// it ("europarl-thinktank/thinktank_rss_2026_09_15.xml"): the benchmark
// recombines its real text rather than keep a copy of it.
func SampleFile(name string) ([]byte, error) { return sample.ReadFile(path.Join("sample", name)) }

// sampleFile describes one file of the sample as a source.
type sampleFile struct {
	path         string // under sample/
	id, name     string
	kind         string
	contentType  string
	lang         string
	jurisdiction string
	domains      []string
	sel          *veille.Selectors
}

// jorf lists the LegiFRSS files: every one holding an item of the labelled
// development set, plus one whose name carries accents (a real quirk of
// the upstream repository).
var jorf = []struct{ commit, file string }{
	{"2602a99", "all_ministere-de-l-education-nationale-de-la-jeunesse-et-des-sports.xml"},
	{"2602a99", "arrete_all.xml"},
	{"2682603", "arrete_ministere-des-solidarites-et-de-la-sante.xml"},
	{"2682603", "decret_ministere-de-l-economie-des-finances-et-de-la-relance.xml"},
	{"2d3a598", "arrete_ministere-de-la-transition-ecologique.xml"},
	{"3aea757", "all_ministere-des-solidarites-et-de-la-sante.xml"},
	{"48d0f9e", "arrete_ministère-de-la-transition-écologique.xml"},
	{"76ebc83", "all_ministere-de-l-interieur.xml"},
	{"76ebc83", "decret_ministere-des-solidarites-et-de-la-sante.xml"},
	{"7854d0f", "arrete_ministere-de-l-agriculture-et-de-l-alimentation.xml"},
	{"7854d0f", "arrete_ministere-de-la-transition-ecologique.xml"},
	{"7854d0f", "arrete_ministere-du-travail-de-l-emploi-et-de-l-insertion.xml"},
	{"7854d0f", "decret_ministere-de-la-transition-ecologique.xml"},
	{"7854d0f", "decret_ministere-des-armees.xml"},
	{"a11e036", "all_ministere-de-l-agriculture-et-de-l-alimentation.xml"},
	{"ce92117", "arrete_ministere-de-l-agriculture-et-de-l-alimentation.xml"},
	{"ce92117", "arrete_ministere-des-armees.xml"},
}

// fdaPage reads a single FDA recall page: the page is the item, described by
// its Open Graph and canonical metadata.
var fdaPage = &veille.Selectors{
	Item:    "html",
	Title:   "meta[property='og:title']@content",
	Link:    "link[rel=canonical]@href",
	Date:    "meta[property='og:updated_time']@content",
	Summary: "meta[name=description]@content",
}

// ansmPage reads the reduced ANSM safety-information pages: heading, then
// paragraphs whose first says the kind of product and the date.
var ansmPage = &veille.Selectors{Item: "body", Title: "h1", Date: "p", Summary: "p"}

var files = sync.OnceValue(func() []sampleFile {
	var out []sampleFile
	for _, j := range jorf {
		out = append(out, sampleFile{
			path:         "jorf-legifrss/" + j.commit + "/" + j.file,
			id:           "jorf-" + slug(strings.TrimSuffix(j.file, ".xml")) + "-" + j.commit,
			name:         "JORF (LegiFRSS) – " + strings.TrimSuffix(j.file, ".xml") + " @" + j.commit,
			kind:         veille.KindFeed,
			contentType:  "application/atom+xml; charset=utf-8",
			lang:         "fr",
			jurisdiction: "FR",
		})
	}
	out = append(out,
		sampleFile{path: "ameli-lpp/ameli_lpp.xml", id: "ameli-lpp", name: "LPP – nouvelles versions (opikanoba)",
			kind: veille.KindFeed, contentType: "application/atom+xml; charset=utf-8", lang: "fr", jurisdiction: "FR",
			domains: []string{"medical-devices"}},
		sampleFile{path: "europarl-thinktank/thinktank_rss_2026_09_15.xml", id: "europarl-thinktank",
			name: "European Parliament Think Tank", kind: veille.KindFeed,
			contentType: "application/rss+xml; charset=utf-8", lang: "en", jurisdiction: "EU"},
		sampleFile{path: "fda/fda_food_safety_recalls_slice.xml", id: "fda-food-recalls",
			name: "FDA – food safety recalls", kind: veille.KindFeed,
			contentType: "application/rss+xml; charset=utf-8", lang: "en", jurisdiction: "US"},
		sampleFile{path: "federalregister-api/regulatory-document.json", id: "federalregister-epa-2024-31396",
			name: "Federal Register API – EPA rule 2024-31396", kind: veille.KindFederalRegister,
			contentType: "application/json; charset=utf-8", lang: "en", jurisdiction: "US"},
		sampleFile{path: "federalregister-api/search-newest-page-one.json", id: "federalregister-newest",
			name: "Federal Register API – newest documents", kind: veille.KindFederalRegister,
			contentType: "application/json; charset=utf-8", lang: "en", jurisdiction: "US"},
		sampleFile{path: "federalregister-api/search-spaced-term-page-one.json", id: "federalregister-clean-water",
			name: "Federal Register API – \"clean water\"", kind: veille.KindFederalRegister,
			contentType: "application/json; charset=utf-8", lang: "en", jurisdiction: "US"},
	)
	for _, f := range []struct{ id, file string }{
		{"teleflex-babiplus", "distributor-teleflex-recalls-galemed-babiplus-pressure-relief-manifolds-due-dislodged-valve"},
		{"ge-carescape", "ge-healthcare-recalls-carescape-respiratory-modules-due-incorrect-oxygen-values"},
		{"ge-carestation", "ge-healthcare-recalls-carestation-600-series-anesthesia-systems-due-loss-mechanical-ventilation"},
		{"medtronic-minimed", "medtronic-recalls-minimed-insulin-pumps-incorrect-insulin-dosing"},
	} {
		out = append(out, sampleFile{path: "fda-medical-device-recalls/" + f.file + ".html",
			id: "fda-device-recall-" + f.id, name: "FDA – medical device recall: " + f.file,
			kind: veille.KindHTML, contentType: "text/html; charset=utf-8", lang: "en", jurisdiction: "US",
			domains: []string{"medical-devices"}, sel: fdaPage})
	}
	out = append(out,
		sampleFile{path: "ansm/ansm_recall.html", id: "ansm-rappel-chloraprep",
			name: "ANSM – information de sécurité (ChloraPrep)", kind: veille.KindHTML,
			contentType: "text/html; charset=utf-8", lang: "fr", jurisdiction: "FR", sel: ansmPage},
		sampleFile{path: "ansm/ansm_device.html", id: "ansm-rappel-rapid-refill",
			name: "ANSM – information de sécurité (Rapid Refill)", kind: veille.KindHTML,
			contentType: "text/html; charset=utf-8", lang: "fr", jurisdiction: "FR", sel: ansmPage},
	)
	return out
})

// slug keeps [a-z0-9-] and shortens the LegiFRSS names ("ministere-de-l-",
// "ministere-des-") that would otherwise make every id long.
func slug(s string) string {
	s = veille.Fold(s)
	for _, long := range []string{"ministere-de-l-", "ministere-de-la-", "ministere-des-", "ministere-du-", "ministere-de-"} {
		s = strings.ReplaceAll(s, long, "")
	}
	var b strings.Builder
	dash := false
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// urlPath is the path a file is served at, each segment escaped.
func urlPath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return "/" + strings.Join(segs, "/")
}

// Sources returns one source per sample file or page, with URLs under
// baseURL (such as http://127.0.0.1:PORT, as the sample server listens).
func Sources(baseURL string) []veille.Source {
	base := strings.TrimSuffix(baseURL, "/")
	var out []veille.Source
	for _, f := range files() {
		src := veille.Source{
			ID:           f.id,
			Name:         f.name,
			Kind:         f.kind,
			URL:          base + urlPath(f.path),
			Every:        veille.Duration(time.Hour),
			Lang:         f.lang,
			Jurisdiction: f.jurisdiction,
			Domains:      append([]string(nil), f.domains...),
		}
		if f.sel != nil {
			sel := *f.sel
			src.Select = &sel
		}
		out = append(out, src)
	}
	return out
}

// Config returns the shipped config's taxonomy, time zone and members with
// the demo sources under baseURL. Private networks are allowed (the sample
// server is on loopback) and the per-host delay is short, since every
// source is on one host; digests and alerts are left out, so that a demo
// never sends mail (WithDigests adds the digests back for the pages).
func Config(baseURL string) (veille.Config, error) {
	shipped, err := veille.ParseConfig(veille.ShippedConfig, "feeds.yaml (shipped)")
	if err != nil {
		return veille.Config{}, fmt.Errorf("demo: shipped config: %w", err)
	}
	cfg := shipped
	cfg.Sources = Sources(baseURL)
	cfg.Fetch.AllowPrivateNetworks = true
	cfg.Fetch.HostDelay = veille.Duration(10 * time.Millisecond)
	cfg.Fetch.UserAgent = "veille-demo/1"
	cfg.Digests, cfg.Alerts = nil, nil
	return cfg, nil
}

// served is a sample file ready to serve.
type served struct {
	body        []byte
	etag        string
	contentType string
}

var table = sync.OnceValue(func() map[string]served {
	m := map[string]served{}
	types := map[string]string{}
	for _, f := range files() {
		types[f.path] = f.contentType
	}
	// Walk the embedded tree rather than the list so SOURCES.md is served too.
	err := fs.WalkDir(sample, "sample", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := sample.ReadFile(p)
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(p, "sample/")
		ct := types[rel]
		if ct == "" {
			ct = contentTypeByExt(rel)
		}
		sum := sha256.Sum256(body)
		m[urlPath(rel)] = served{body: body, etag: `"` + hex.EncodeToString(sum[:16]) + `"`, contentType: ct}
		return nil
	})
	if err != nil {
		// The tree is compiled into the binary: failing to read it is a
		// build defect, not a runtime condition.
		panic(fmt.Sprintf("demo: embedded sample unreadable: %v", err))
	}
	return m
})

func contentTypeByExt(p string) string {
	switch path.Ext(p) {
	case ".xml":
		return "application/xml; charset=utf-8"
	case ".json":
		return "application/json; charset=utf-8"
	case ".html":
		return "text/html; charset=utf-8"
	case ".md":
		return "text/markdown; charset=utf-8"
	}
	return "application/octet-stream"
}

// Handler serves the sample files at the paths Sources uses, with their
// content types and a strong ETag (a hash of the content) so that a second
// crawl gets 304 Not Modified. GET and HEAD only.
func Handler() http.Handler {
	t := table()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		f, ok := t[r.URL.EscapedPath()]
		if !ok {
			// Clients may escape differently (é as-is or %C3%A9): retry on
			// the canonical escaping of the decoded path.
			f, ok = t[urlPath(strings.TrimPrefix(r.URL.Path, "/"))]
		}
		if !ok {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", f.contentType)
		h.Set("ETag", f.etag)
		h.Set("Cache-Control", "no-cache")
		// ServeContent answers If-None-Match (304), If-Match and ranges
		// from the ETag set above.
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.body))
	})
}
