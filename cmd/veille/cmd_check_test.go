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
