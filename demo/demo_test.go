package demo_test

import (
	"context"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/crawler"
	"github.com/nogentech/veille/demo"
)

func TestHandler(t *testing.T) {
	srv := httptest.NewServer(demo.Handler())
	defer srv.Close()
	tests := map[string]struct {
		method, path string
		header       map[string]string
		status       int
		contentType  string
		bodyPrefix   string
	}{
		"Atom feed": {"GET", "/ameli-lpp/ameli_lpp.xml", nil, 200, "application/atom+xml; charset=utf-8", "<?xml"},
		"RSS feed":  {"GET", "/europarl-thinktank/thinktank_rss_2026_09_15.xml", nil, 200, "application/rss+xml; charset=utf-8", "<?xml"},
		"API JSON":  {"GET", "/federalregister-api/search-newest-page-one.json", nil, 200, "application/json; charset=utf-8", `{"description"`},
		"HTML page": {"GET", "/ansm/ansm_device.html", nil, 200, "text/html; charset=utf-8", "<!doctype html>"},
		"accented file name, escaped": {"GET", "/jorf-legifrss/48d0f9e/arrete_minist%C3%A8re-de-la-transition-%C3%A9cologique.xml",
			nil, 200, "application/atom+xml; charset=utf-8", "<?xml"},
		"attribution":   {"GET", "/SOURCES.md", nil, 200, "text/markdown; charset=utf-8", "# Where"},
		"HEAD":          {"HEAD", "/fda/fda_food_safety_recalls_slice.xml", nil, 200, "application/rss+xml; charset=utf-8", ""},
		"unknown":       {"GET", "/nothing.xml", nil, 404, "", ""},
		"no traversal":  {"GET", "/../demo.go", nil, 404, "", ""},
		"POST refused":  {"POST", "/ameli-lpp/ameli_lpp.xml", nil, 405, "", ""},
		"wrong ETag":    {"GET", "/ameli-lpp/ameli_lpp.xml", map[string]string{"If-None-Match": `"stale"`}, 200, "", "<?xml"},
		"any ETag: 304": {"GET", "/ameli-lpp/ameli_lpp.xml", map[string]string{"If-None-Match": "*"}, 304, "", ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, srv.URL+tc.path, nil)
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
			if tc.contentType != "" && resp.Header.Get("Content-Type") != tc.contentType {
				t.Errorf("Content-Type %q, want %q", resp.Header.Get("Content-Type"), tc.contentType)
			}
			if !strings.HasPrefix(string(body), tc.bodyPrefix) {
				t.Errorf("body starts %q, want %q", string(body[:min(len(body), 40)]), tc.bodyPrefix)
			}
			if tc.method == "HEAD" && len(body) != 0 {
				t.Errorf("HEAD answered %d bytes of body", len(body))
			}
		})
	}
}

func TestHandlerConditionalGET(t *testing.T) {
	srv := httptest.NewServer(demo.Handler())
	defer srv.Close()
	page := srv.URL + "/fda-medical-device-recalls/medtronic-recalls-minimed-insulin-pumps-incorrect-insulin-dosing.html"
	resp, err := http.Get(page)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	etag := resp.Header.Get("ETag")
	if !regexp.MustCompile(`^"[0-9a-f]{32}"$`).MatchString(etag) {
		t.Fatalf("ETag %q is not a strong hash tag", etag)
	}
	want, err := os.ReadFile("sample/fda-medical-device-recalls/medtronic-recalls-minimed-insulin-pumps-incorrect-insulin-dosing.html")
	if err != nil || string(body) != string(want) {
		t.Fatalf("served body differs from the sample file (%v)", err)
	}
	req, _ := http.NewRequest("GET", page, nil)
	req.Header.Set("If-None-Match", etag)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("revalidation answered %d, want 304", resp.StatusCode)
	}
	// Another file has another tag.
	other, _ := http.Get(srv.URL + "/ansm/ansm_device.html")
	other.Body.Close()
	if other.Header.Get("ETag") == etag {
		t.Error("two files share an ETag")
	}
}

func TestSources(t *testing.T) {
	const base = "http://127.0.0.1:9999"
	sources := demo.Sources(base + "/")
	idRe := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	seen := map[string]bool{}
	byPath := map[string]veille.Source{}
	for _, s := range sources {
		if !idRe.MatchString(s.ID) || seen[s.ID] {
			t.Errorf("id %q is invalid or repeated", s.ID)
		}
		seen[s.ID] = true
		if !strings.HasPrefix(s.URL, base+"/") || strings.HasPrefix(s.URL, base+"//") {
			t.Errorf("%s: URL %q is not under %s", s.ID, s.URL, base)
		}
		if s.Lang == "" || s.Jurisdiction == "" || s.Every <= 0 || s.Name == "" {
			t.Errorf("%s: incomplete %+v", s.ID, s)
		}
		if (s.Kind == veille.KindHTML) != (s.Select != nil) {
			t.Errorf("%s: kind %s with selectors %v", s.ID, s.Kind, s.Select)
		}
		byPath[strings.TrimPrefix(s.URL, base)] = s
	}
	// Every data file of the sample is a source; only the attribution is not.
	err := fs.WalkDir(os.DirFS("sample"), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || p == "SOURCES.md" {
			return err
		}
		found := false
		for path := range byPath {
			if unescaped, _ := url.PathUnescape(path); unescaped == "/"+p {
				found = true
			}
		}
		if !found {
			t.Errorf("sample file %s has no source", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	wantKinds := map[string]string{
		"ameli-lpp": veille.KindFeed, "europarl-thinktank": veille.KindFeed, "fda-food-recalls": veille.KindFeed,
		"federalregister-epa-2024-31396": crawler.KindFederalRegister, "fda-device-recall-medtronic-minimed": veille.KindHTML,
		"ansm-rappel-chloraprep": veille.KindHTML, "jorf-arrete-transition-ecologique-48d0f9e": veille.KindFeed,
	}
	for id, kind := range wantKinds {
		var s *veille.Source
		for i := range sources {
			if sources[i].ID == id {
				s = &sources[i]
			}
		}
		if s == nil || s.Kind != kind {
			t.Errorf("source %s: %+v, want kind %s", id, s, kind)
		}
	}
}

func TestConfig(t *testing.T) {
	cfg, err := demo.Config("http://127.0.0.1:8081")
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Domains) != 4 || len(cfg.Competences) != 11 {
		t.Errorf("taxonomy %d domains, %d competences", len(cfg.Domains), len(cfg.Competences))
	}
	if len(cfg.Sources) != len(demo.Sources("http://127.0.0.1:8081")) || !strings.HasPrefix(cfg.Sources[0].URL, "http://127.0.0.1:8081/") {
		t.Errorf("sources are not the demo's: %d, first %q", len(cfg.Sources), cfg.Sources[0].URL)
	}
	if !cfg.Fetch.AllowPrivateNetworks || cfg.Fetch.HostDelay.D() > 100*time.Millisecond {
		t.Errorf("fetch %+v: the demo needs loopback and a short host delay", cfg.Fetch)
	}
	if len(cfg.Digests) != 0 || len(cfg.Alerts) != 0 {
		t.Errorf("a demo must not send mail: %d digests, %d alerts", len(cfg.Digests), len(cfg.Alerts))
	}
	if cfg.Location == nil || cfg.Location.String() != "Europe/Paris" {
		t.Errorf("location %v", cfg.Location)
	}
	if _, err := veille.NewTagger(cfg.Domains, cfg.Competences); err != nil {
		t.Error(err)
	}
}

// TestDemoCrawl fetches every demo source twice through the real crawler
// with the demo config: the first crawl gets items, the second gets 304.
func TestDemoCrawl(t *testing.T) {
	srv := httptest.NewServer(demo.Handler())
	defer srv.Close()
	cfg, err := demo.Config(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	c := crawler.New(crawler.Options{
		UserAgent: cfg.Fetch.UserAgent, AllowPrivateNetworks: cfg.Fetch.AllowPrivateNetworks,
		HostDelay: cfg.Fetch.HostDelay.D(), Timeout: 10 * time.Second,
	})
	ctx := context.Background()
	total := 0
	for _, src := range cfg.Sources {
		res := c.Fetch(ctx, src, veille.FetchState{})
		if res.Err != nil || len(res.Items) == 0 {
			t.Errorf("%s: %d items, %v", src.ID, len(res.Items), res.Err)
			continue
		}
		total += len(res.Items)
		again := c.Fetch(ctx, src, res.State)
		if again.Err != nil || !again.NotModified {
			t.Errorf("%s: second fetch not modified=%v, err %v", src.ID, again.NotModified, again.Err)
		}
	}
	if total < 700 {
		t.Errorf("%d items in the whole sample, want the ~900 entries of its files", total)
	}
	t.Logf("%d sources, %d items", len(cfg.Sources), total)
}

func TestSampleSize(t *testing.T) {
	var size int64
	filepath.WalkDir("sample", func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				size += info.Size()
			}
		}
		return err
	})
	if size > 6<<20 {
		t.Errorf("the embedded sample is %d bytes; keep it under 6 MiB", size)
	}
}
