package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nogentech/veille/digest"
	"github.com/nogentech/veille/internal/datadir"
)

// The read-only commands give the same output beside a running `veille
// serve` as on a free data dir: they ask the serve over the data dir's
// local socket instead of failing with "data dir in use".
func TestReadOnlyCommandsBesideServe(t *testing.T) {
	farm := newSampleFarm(t)
	box := newMailbox(t)
	cfg := digestConfig(t, farm.URL, box.Port)
	data := filepath.Join(t.TempDir(), "data")
	g := []string{"--config", cfg, "--data", data}
	if code, _, errs := veilleCmd(t, append([]string{"crawl"}, g...)...); code != 0 {
		t.Fatalf("crawl: exit %d\n%s", code, errs)
	}
	tomorrow := time.Now().AddDate(0, 0, 1).Format(time.DateOnly)
	period := []string{"--id", "environment-weekly", "--since", "2020-01-01", "--until", tomorrow}
	htmlOut := filepath.Join(t.TempDir(), "digest.html")
	cmds := map[string][]string{
		"digest --dry-run":        append([]string{"digest"}, append(append([]string(nil), g...), append(period, "--dry-run")...)...),
		"digest --dry-run --json": append([]string{"digest"}, append(append([]string(nil), g...), append(period, "--dry-run", "--json")...)...),
		"digest member cut in English": append([]string{"digest"}, append(append([]string(nil), g...),
			append(period, "--dry-run", "--member", "forge-exemple", "--lang", "en")...)...),
		"digest --out":          append([]string{"digest"}, append(append([]string(nil), g...), append(period, "--out", htmlOut)...)...),
		"alert test":            append([]string{"alert", "test"}, append(append([]string(nil), g...), "--id", "medical-device-rules", "--days", "3650")...),
		"search":                append([]string{"search"}, append(append([]string(nil), g...), "--limit", "1000", "")...),
		"search --json":         append([]string{"search", "--json"}, append(append([]string(nil), g...), "--limit", "1000", "déchets")...),
		"search bad query":      append([]string{"search"}, append(append([]string(nil), g...), "\"unbalanced")...),
		"digest unknown id":     append([]string{"digest"}, append(append([]string(nil), g...), "--id", "nope", "--dry-run")...),
		"alert test unknown id": append([]string{"alert", "test"}, append(append([]string(nil), g...), "--id", "nope")...),
	}
	type result struct {
		code           int
		stdout, stderr string
		html           string
	}
	runAll := func() map[string]result {
		out := map[string]result{}
		for name, args := range cmds {
			os.Remove(htmlOut)
			code, stdout, stderr := veilleCmd(t, args...)
			// The time a search took is the one thing that may differ.
			stdout = tookMS.ReplaceAllString(stdout, "${1}0${2}")
			r := result{code: code, stdout: stdout, stderr: stderr}
			if b, err := os.ReadFile(htmlOut); err == nil {
				r.html = string(b)
			}
			out[name] = r
		}
		return out
	}
	free := runAll()
	for _, name := range []string{"digest --dry-run", "digest --dry-run --json", "digest --out", "alert test", "search", "search --json"} {
		if free[name].code != 0 {
			t.Fatalf("%s on a free data dir: exit %d\n%s", name, free[name].code, free[name].stderr)
		}
	}
	if !strings.Contains(free["digest --out"].html, "<table role=\"presentation\"") {
		t.Fatalf("digest --out wrote no digest")
	}
	// The JSON is the contract's "Digest as data".
	var d struct {
		ID     string `json:"id"`
		Period struct {
			Since, Until string
		} `json:"period"`
		Items []struct {
			ID, Title, Link, Source string
		} `json:"items"`
		Coverage []struct {
			Source, Status string
			Checks         int
			LastCheck      *time.Time `json:"last_check"`
			Error          string
		} `json:"coverage"`
	}
	if err := json.Unmarshal([]byte(free["digest --dry-run --json"].stdout), &d); err != nil {
		t.Fatalf("digest --json: %v\n%s", err, free["digest --dry-run --json"].stdout)
	}
	if d.ID != "environment-weekly" || d.Period.Since != "2020-01-01" || d.Period.Until != tomorrow || len(d.Items) == 0 || len(d.Coverage) == 0 {
		t.Errorf("digest JSON: %+v", d)
	}
	for _, c := range d.Coverage {
		if c.Status != digest.CoverageOK || c.Checks != 1 || c.LastCheck == nil {
			t.Errorf("coverage of %s after one crawl: %+v", c.Source, c)
		}
	}

	startServe(t, cfg, data)
	// Held: a command that writes still refuses.
	if code, _, errs := veilleCmd(t, append([]string{"crawl"}, g...)...); code == 0 || !strings.Contains(errs, "in use by process") {
		t.Errorf("crawl beside serve: exit %d %s", code, errs)
	}
	held := runAll()
	for name, want := range free {
		got := held[name]
		if got.code != want.code || got.stdout != want.stdout || got.html != want.html || got.stderr != want.stderr {
			t.Errorf("%s beside serve differs from a free data dir:\nexit %d / %d\nstdout:\n%s\n----- free:\n%s\nstderr: %q / %q",
				name, got.code, want.code, clip(got.stdout), clip(want.stdout), got.stderr, want.stderr)
		}
	}

	// Only the data dir's owner can reach the socket.
	for path, mode := range map[string]os.FileMode{filepath.Dir(datadir.SocketPath(data)): 0o700, datadir.SocketPath(data): 0o600} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != mode {
			t.Errorf("%s has mode %v, want %v", path, fi.Mode().Perm(), mode)
		}
	}
}

var tookMS = regexp.MustCompile(`("took_ms": |\()\d+( ms\))?`)

func clip(s string) string { return s[:min(len(s), 1500)] }

// Over TCP the local routes need the admin token: anonymous requests get
// 403 when no token is configured (the default of this config).
func TestLocalRouteNeedsTokenOverTCP(t *testing.T) {
	farm := newSampleFarm(t)
	box := newMailbox(t)
	cfg := digestConfig(t, farm.URL, box.Port)
	data := filepath.Join(t.TempDir(), "data")
	base := startServe(t, cfg, data)
	for _, path := range []string{"/api/admin/local/digest?id=environment-weekly", "/api/admin/local/alert-test?id=medical-device-rules&days=30"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden || strings.Contains(string(body), "subject") {
			t.Errorf("anonymous GET %s over TCP: %d %s", path, resp.StatusCode, body)
		}
	}
}
