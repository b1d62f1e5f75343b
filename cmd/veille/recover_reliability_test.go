package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
)

// copyDir copies a data dir (store and index), so each damage starts from
// the same crawled state.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.Create(target)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestDamagedIndexRebuilt damages the index of a crawled data dir in the
// ways a disk, a person or a crash can: each time the next command starts,
// moves a broken index aside, rebuilds it from the store, says so, and
// answers with every item; the command after that finds a sound index and
// rebuilds nothing (no crash loop).
func TestDamagedIndexRebuilt(t *testing.T) {
	farm := newSampleFarm(t)
	cfgPath := writeConfig(t, farm.URL)
	pristine := filepath.Join(t.TempDir(), "data")
	if code, _, errs := veilleCmd(t, "crawl", "--config", cfgPath, "--data", pristine); code != 0 {
		t.Fatalf("crawl: %s", errs)
	}
	want := searchJSON(t, "--config", cfgPath, "--data", pristine, "--limit", "1", "").Total
	if want < 100 {
		t.Fatalf("only %d items crawled", want)
	}
	t.Logf("%d items in the data dir before each damage", want)

	store := func(d string) string { return filepath.Join(indexDir(d), "store") }
	glob := func(d, pattern string) ([]string, error) {
		m, _ := filepath.Glob(filepath.Join(store(d), pattern))
		if len(m) == 0 {
			return nil, fmt.Errorf("no %s in the index", pattern)
		}
		return m, nil
	}
	tests := map[string]struct {
		damage  func(d string) error
		rebuilt bool // false: Bleve tolerates it and nothing is lost
	}{
		"stray file beside the index files": {func(d string) error {
			return os.WriteFile(filepath.Join(indexDir(d), "notes.txt"), []byte("left by someone"), 0o644)
		}, false},
		"stray segment in the store folder": {func(d string) error {
			return os.WriteFile(filepath.Join(store(d), "000000099999.zap"), []byte("not a segment"), 0o644)
		}, false},
		"index folder replaced by a file": {func(d string) error {
			if err := os.RemoveAll(indexDir(d)); err != nil {
				return err
			}
			return os.WriteFile(indexDir(d), []byte("oops"), 0o644)
		}, true},
		"metadata deleted": {func(d string) error { return os.Remove(filepath.Join(indexDir(d), "index_meta.json")) }, true},
		"metadata truncated": {func(d string) error {
			return os.Truncate(filepath.Join(indexDir(d), "index_meta.json"), 5)
		}, true},
		"root.bolt deleted":   {func(d string) error { return os.Remove(filepath.Join(store(d), "root.bolt")) }, true},
		"root.bolt truncated": {func(d string) error { return os.Truncate(filepath.Join(store(d), "root.bolt"), 100) }, true},
		"root.bolt emptied":   {func(d string) error { return os.Truncate(filepath.Join(store(d), "root.bolt"), 0) }, true},
		"root.bolt overwritten": {func(d string) error {
			return os.WriteFile(filepath.Join(store(d), "root.bolt"), []byte(strings.Repeat("\xff", 4096)), 0o644)
		}, true},
		"segments truncated": {func(d string) error {
			zaps, err := glob(d, "*.zap")
			for _, z := range zaps {
				if err := os.Truncate(z, 64); err != nil {
					return err
				}
			}
			return err
		}, true},
		"segments deleted": {func(d string) error {
			zaps, err := glob(d, "*.zap")
			for _, z := range zaps {
				if err := os.Remove(z); err != nil {
					return err
				}
			}
			return err
		}, true},
		"store folder deleted": {func(d string) error { return os.RemoveAll(store(d)) }, true},
		"checkpoint garbled (opens, then fails)": {func(d string) error {
			idx, err := bleve.Open(indexDir(d))
			if err != nil {
				return err
			}
			if err := idx.SetInternal([]byte("veille.checkpoint"), []byte("not a number")); err != nil {
				idx.Close()
				return err
			}
			return idx.Close()
		}, true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel() // each damages its own copy
			data := filepath.Join(t.TempDir(), "data")
			copyDir(t, pristine, data)
			if err := tc.damage(data); err != nil {
				t.Fatal(err)
			}
			common := []string{"--config", cfgPath, "--data", data}
			code, out, errs := veilleCmd(t, append([]string{"search", "--json", "--limit", "1"}, append(common, "")...)...)
			if code != 0 {
				t.Fatalf("search on a damaged index: exit %d\n%s", code, errs)
			}
			said := strings.Contains(errs, "index damaged") && strings.Contains(errs, "index rebuilt from the store")
			if said != tc.rebuilt {
				t.Errorf("rebuild said %v, want %v:\n%s", said, tc.rebuilt, errs)
			}
			if !strings.Contains(out, `"total":`) {
				t.Fatalf("no search JSON: %s", out)
			}
			if got := searchJSON(t, append(common, "--limit", "1", "")...).Total; got != want {
				t.Errorf("%d items after recovery, want %d", got, want)
			}
			aside, _ := filepath.Glob(indexDir(data) + ".damaged-*")
			if tc.rebuilt && len(aside) != 1 {
				t.Errorf("damaged index kept as %v, want one copy", aside)
			}
			// the next start finds a sound index: no second rebuild
			code, _, errs = veilleCmd(t, append([]string{"search", "--json"}, append(common, "chrome")...)...)
			if code != 0 || strings.Contains(errs, "index damaged") {
				t.Errorf("second start: exit %d\n%s", code, errs)
			}
		})
	}
}

// TestDamagedIndexOnHealthz starts `veille serve` on a data dir whose
// index was damaged: it serves, with every item, and /healthz says what
// it repaired.
func TestDamagedIndexOnHealthz(t *testing.T) {
	farm := newSampleFarm(t)
	cfgPath := writeConfig(t, farm.URL)
	data := filepath.Join(t.TempDir(), "data")
	if code, _, errs := veilleCmd(t, "crawl", "--config", cfgPath, "--data", data, "--source", "europarl-thinktank"); code != 0 {
		t.Fatalf("crawl: %s", errs)
	}
	want := searchJSON(t, "--config", cfgPath, "--data", data, "--limit", "1", "").Total
	if err := os.Truncate(filepath.Join(indexDir(data), "store", "root.bolt"), 100); err != nil {
		t.Fatal(err)
	}
	base := startServe(t, cfgPath, data)
	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(string(body), "ok\n") ||
		!strings.Contains(string(body), "index rebuilt from the store") || !strings.Contains(string(body), "invalid database") {
		t.Errorf("/healthz %d:\n%s", resp.StatusCode, body)
	}
	resp, err = http.Get(base + "/api/search?limit=1")
	if err != nil {
		t.Fatal(err)
	}
	var res struct{ Total uint64 }
	json.NewDecoder(resp.Body).Decode(&res)
	resp.Body.Close()
	if res.Total < want { // the scheduler may have crawled more since
		t.Errorf("%d items served after the rebuild, want at least the %d crawled before", res.Total, want)
	}
}
