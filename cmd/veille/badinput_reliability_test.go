package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCLIBadInput gives the commands what users get wrong: each answers
// with a non-zero exit and a message saying what was wrong, quickly, and
// never a panic.
func TestCLIBadInput(t *testing.T) {
	farm := newSampleFarm(t)
	cfgPath := writeConfig(t, farm.URL)
	data := filepath.Join(t.TempDir(), "data")
	common := []string{"--config", cfgPath, "--data", data}
	if code, _, errs := veilleCmd(t, append([]string{"crawl", "--source", "europarl-thinktank"}, common...)...); code != 0 {
		t.Fatalf("crawl: %s", errs)
	}
	aFile := filepath.Join(t.TempDir(), "not-a-dir")
	os.WriteFile(aFile, []byte("x"), 0o644)

	tests := map[string]struct {
		args []string
		code int
		want string
	}{
		"unbalanced quote":        {[]string{"search", `"chrome hexavalent`}, exitUsage, "quote"},
		"negative limit":          {[]string{"search", "--limit", "-5", "x"}, exitUsage, "limit must be a positive integer"},
		"zero limit":              {[]string{"search", "--limit", "0", "x"}, exitUsage, "limit must be a positive integer"},
		"limit overflows":         {[]string{"search", "--limit", "99999999999999999999", "x"}, exitUsage, "invalid value"},
		"limit not a number":      {[]string{"search", "--limit", "ten", "x"}, exitUsage, "invalid value"},
		"negative offset":         {[]string{"search", "--offset", "-1", "x"}, exitUsage, "offset must be a non-negative integer"},
		"huge offset":             {[]string{"search", "--offset", "100000000", "x"}, exitUsage, "offset must be at most"},
		"impossible date":         {[]string{"search", "--since", "2026-13-45", "x"}, exitUsage, "since: want a date as YYYY-MM-DD"},
		"date in words":           {[]string{"search", "--until", "yesterday", "x"}, exitUsage, "until: want a date as YYYY-MM-DD"},
		"french date order":       {[]string{"search", "--since", "28/11/2026", "x"}, exitUsage, "since: want a date as YYYY-MM-DD"},
		"until before since":      {[]string{"search", "--since", "2026-11-20", "--until", "2026-11-01", "x"}, exitUsage, "is before since"},
		"unknown sort":            {[]string{"search", "--sort", "random", "x"}, exitUsage, "sort must be relevance or date"},
		"unknown flag":            {[]string{"search", "--colour", "blue", "x"}, exitUsage, "flag provided but not defined: -colour"},
		"two queries":             {[]string{"search", "chrome", "hexavalent"}, exitUsage, "one query expected"},
		"unknown command":         {[]string{"serach", "x"}, exitUsage, `unknown command "serach"`},
		"crawl unknown source":    {[]string{"crawl", "--source", "no-such-source"}, exitUsage, `unknown source "no-such-source"`},
		"crawl stray argument":    {[]string{"crawl", "everything"}, exitUsage, `unexpected argument "everything"`},
		"missing config":          {[]string{"check", "--config", filepath.Join(t.TempDir(), "nope.yaml")}, exitUsage, "nope.yaml"},
		"data dir is a file":      {[]string{"search", "--config", cfgPath, "--data", aFile, "x"}, 1, "not-a-dir"},
		"query of 100k words":     {[]string{"search", strings.Repeat("chrome ", 100000)}, exitUsage, "query"},
		"field of an unknown key": {[]string{"search", "nosuchfield:x"}, exitUsage, "nosuchfield"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			args := tc.args
			if args[0] != "check" && !strings.HasPrefix(name, "data dir") && args[0] != "serach" {
				args = append([]string{args[0]}, append(common, args[1:]...)...)
			}
			start := time.Now()
			code, _, errs := veilleCmd(t, args...)
			if el := time.Since(start); el > 5*time.Second {
				t.Errorf("took %v", el)
			}
			if code != tc.code || !strings.Contains(errs, tc.want) {
				t.Errorf("exit %d, want %d with %q; stderr:\n%s", code, tc.code, tc.want, errs)
			}
			if strings.Contains(errs, "panic") || strings.Contains(errs, "goroutine ") {
				t.Errorf("panicked:\n%s", errs)
			}
		})
	}
}
