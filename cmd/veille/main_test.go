package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/demo"
)

// sampleFarm serves the embedded sample of real feeds and counts the
// answers, so tests can see how many requests were conditional hits.
type sampleFarm struct {
	*httptest.Server
	requests, notModified atomic.Int64
}

func newSampleFarm(t *testing.T) *sampleFarm {
	t.Helper()
	f := &sampleFarm{}
	h := demo.Handler()
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &codeRecorder{ResponseWriter: w}
		h.ServeHTTP(rec, r)
		f.requests.Add(1)
		if rec.code == http.StatusNotModified {
			f.notModified.Add(1)
		}
	}))
	t.Cleanup(f.Close)
	return f
}

type codeRecorder struct {
	http.ResponseWriter
	code int
}

func (c *codeRecorder) WriteHeader(code int) { c.code = code; c.ResponseWriter.WriteHeader(code) }

// writeConfig writes the demo config (shipped taxonomy, sample sources)
// plus extra sources to a feeds.yaml in a temp dir.
func writeConfig(t *testing.T, base string, extra ...veille.Source) string {
	t.Helper()
	cfg, err := demo.Config(base)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Sources = append(cfg.Sources, extra...)
	b, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "feeds.yaml")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func veilleCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	code = run(ctx, args, &out, &errb)
	return code, out.String(), errb.String()
}

func searchJSON(t *testing.T, args ...string) veille.SearchResult {
	t.Helper()
	code, out, errs := veilleCmd(t, append([]string{"search", "--json"}, args...)...)
	if code != 0 {
		t.Fatalf("search %v: exit %d: %s", args, code, errs)
	}
	var res veille.SearchResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("search %v: bad JSON: %v\n%s", args, err, out)
	}
	return res
}

func TestCrawlSearchEndToEnd(t *testing.T) {
	farm := newSampleFarm(t)
	broken := veille.Source{ID: "broken-source", Name: "Broken", Kind: "feed", URL: farm.URL + "/no-such-feed.xml",
		Every: veille.Duration(time.Hour), Lang: "fr"}
	cfgPath := writeConfig(t, farm.URL, broken)
	data := filepath.Join(t.TempDir(), "data")
	common := []string{"--config", cfgPath, "--data", data}

	code, out, errs := veilleCmd(t, append([]string{"crawl"}, common...)...)
	if code != 0 {
		t.Fatalf("crawl exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errs)
	}
	if !strings.Contains(errs, "broken-source") || !strings.Contains(out, "broken-source") {
		t.Errorf("the broken source is not named in the summary or on stderr:\n%s\n%s", out, errs)
	}

	// Every distinct item once: the index holds as many documents as the store.
	all := searchJSON(t, append(common, "--limit", "5000", "")...)
	if all.Total < 500 {
		t.Fatalf("only %d items indexed from the sample", all.Total)
	}
	seen := map[string]bool{}
	for _, h := range all.Hits {
		if seen[h.ID] {
			t.Fatalf("item %s returned twice", h.ID)
		}
		seen[h.ID] = true
	}
	for i := 1; i < len(all.Hits); i++ {
		if all.Hits[i].Published.After(all.Hits[i-1].Published) {
			t.Fatalf("empty query not newest first at %d", i)
		}
	}

	// A second crawl adds nothing and its requests are conditional.
	before := farm.requests.Load()
	beforeNM := farm.notModified.Load()
	code, out, errs = veilleCmd(t, append([]string{"crawl"}, common...)...)
	if code != 0 {
		t.Fatalf("second crawl exit %d: %s", code, errs)
	}
	if !strings.Contains(out, " 0 new, 0 updated") {
		t.Errorf("second crawl changed something:\n%s", out)
	}
	reqs, nm := farm.requests.Load()-before, farm.notModified.Load()-beforeNM
	// The broken source answers 404 every time; every other request must be a 304.
	if float64(nm) < 0.95*float64(reqs-1) {
		t.Errorf("second crawl: %d of %d requests answered 304", nm, reqs)
	}
	again := searchJSON(t, append(common, "--limit", "1", "")...)
	if again.Total != all.Total {
		t.Errorf("second crawl changed the item count: %d → %d", all.Total, again.Total)
	}

	// French and English queries, accents or not.
	for _, q := range []string{"dechets", "déchets", "dispositifs médicaux", "dispositif medical", "emissions trading", "implants"} {
		if res := searchJSON(t, append(common, q)...); res.Total == 0 {
			t.Errorf("query %q found nothing", q)
		}
	}
	// Filters and the why of each tag.
	md := searchJSON(t, append(common, "--domain", "medical-devices", "--limit", "100", "")...)
	if md.Total == 0 {
		t.Fatal("no medical-devices items")
	}
	for _, h := range md.Hits {
		if !contains(h.Domains, "medical-devices") || len(h.Why["medical-devices"]) == 0 {
			t.Fatalf("hit %q lacks the domain or its why: %v %v", h.Title, h.Domains, h.Why)
		}
	}
	fr := searchJSON(t, append(common, "--lang", "en", "--source", "europarl-thinktank", "")...)
	for _, h := range fr.Hits {
		if h.Lang != "en" || h.Source != "europarl-thinktank" {
			t.Fatalf("filter leak: %+v", h)
		}
	}
	if fr.Total == 0 {
		t.Error("no English think-tank items")
	}

	// The readable list shows the tags and why.
	code, out, _ = veilleCmd(t, append([]string{"search"}, append(common, "--competence", "medical-implants", "implant")...)...)
	if code != 0 || !strings.Contains(out, "why: ") || !strings.Contains(out, "medical-implants") {
		t.Errorf("readable search output lacks tags or why (exit %d):\n%s", code, out)
	}

	// The crawl read each item's references: --ref finds the items that cite
	// an act, and only them.
	mdr := searchJSON(t, append(common, "--ref", "eu-act:Regulation (EU) 528/2012", "--limit", "100", "")...)
	if mdr.Total == 0 {
		t.Error("--ref found no item citing Regulation (EU) 528/2012")
	}
	for _, h := range mdr.Hits {
		cites := false
		for _, r := range h.Refs {
			cites = cites || r.Key() == "eu-act:Regulation (EU) 528/2012"
		}
		if !cites {
			t.Errorf("--ref hit %q does not cite the act: %v", h.Title, h.Refs)
		}
	}

	// reindex rebuilds the same documents from the store.
	code, out, errs = veilleCmd(t, append([]string{"reindex"}, common...)...)
	if code != 0 {
		t.Fatalf("reindex exit %d: %s", code, errs)
	}
	if after := searchJSON(t, append(common, "--limit", "1", "")...); after.Total != all.Total {
		t.Errorf("reindex changed the count: %d → %d", all.Total, after.Total)
	}
	if after := searchJSON(t, append(common, "--ref", "eu-act:Regulation (EU) 528/2012", "--limit", "1", "")...); after.Total != mdr.Total {
		t.Errorf("reindex changed what --ref finds: %d → %d", mdr.Total, after.Total)
	}

	// A bad query is a usage error, not a crash.
	if code, _, errs := veilleCmd(t, append([]string{"search"}, append(common, `"unbalanced`)...)...); code != exitUsage {
		t.Errorf("bad query: exit %d (%s)", code, errs)
	}
}

func TestCheckReportsLines(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "feeds.yaml")
	os.WriteFile(bad, []byte("timezone: Europe/Paris\nsources:\n  - id: a\n    kind: feed\n    url: ftp://example.org/x\n    colour: blue\n"), 0o644)
	code, _, errs := veilleCmd(t, "check", "--config", bad)
	if code != exitUsage {
		t.Fatalf("check of a bad config: exit %d", code)
	}
	for _, want := range []string{"feeds.yaml:5", "feeds.yaml:6", "colour"} {
		if !strings.Contains(errs, want) {
			t.Errorf("check output lacks %q:\n%s", want, errs)
		}
	}
	code, out, errs := veilleCmd(t, "check", "--config", filepath.Join("..", "..", "feeds.yaml"))
	if code != 0 {
		t.Fatalf("shipped feeds.yaml does not check: %s", errs)
	}
	if !strings.Contains(out, "ok") {
		t.Errorf("check output: %s", out)
	}
}

func TestSecondProcessFailsFast(t *testing.T) {
	farm := newSampleFarm(t)
	cfgPath := writeConfig(t, farm.URL)
	data := filepath.Join(t.TempDir(), "data")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int)
	var out, errb bytes.Buffer
	go func() {
		done <- run(ctx, []string{"serve", "--config", cfgPath, "--data", data, "--addr", "127.0.0.1:0"}, &out, &errb)
	}()
	// Wait for the server to record its address.
	deadline := time.Now().Add(30 * time.Second)
	for {
		b, _ := os.ReadFile(filepath.Join(data, "veille.lock"))
		if bytes.Contains(b, []byte(`"addr"`)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start: %s", errb.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	start := time.Now()
	code, _, errs := veilleCmd(t, "crawl", "--config", cfgPath, "--data", data)
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("second process took %v to give up", el)
	}
	if code == 0 || !strings.Contains(errs, "in use by process") {
		t.Errorf("crawl on a held data dir: exit %d, %s", code, errs)
	}
	// search delegates to the running server.
	code, out2, errs := veilleCmd(t, "search", "--json", "--config", cfgPath, "--data", data, "")
	if code != 0 || !strings.Contains(out2, `"hits"`) {
		t.Errorf("search on a served data dir: exit %d, %s %s", code, out2, errs)
	}
	cancel()
	select {
	case c := <-done:
		if c != 0 {
			t.Errorf("serve exit %d: %s", c, errb.String())
		}
	case <-time.After(40 * time.Second):
		t.Fatal("serve did not shut down")
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
