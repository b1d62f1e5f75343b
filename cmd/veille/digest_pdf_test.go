package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/digest"
)

// TestDigestPDFCommand crawls the sample with the environment digest made
// editorial, and writes this week's edition as a PDF: nothing is sent.
func TestDigestPDFCommand(t *testing.T) {
	farm := newSampleFarm(t)
	box := newMailbox(t)
	path := digestConfig(t, farm.URL, box.Port)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cfg veille.Config
	if err := yaml.Unmarshal(b, &cfg); err != nil {
		t.Fatal(err)
	}
	cfg.Digests[0].Editorial = true
	cfg.Digests[0].OnTimeout = veille.OnTimeoutHold
	cfg.Staff = []string{"equipe@example.org"}
	if b, err = yaml.Marshal(cfg); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	g := []string{"--config", path, "--data", data}
	if code, _, errs := veilleCmd(t, append([]string{"crawl"}, g...)...); code != 0 {
		t.Fatalf("crawl: exit %d\n%s", code, errs)
	}
	loc, _ := time.LoadLocation(cfg.Timezone)
	week := digest.WeekOf(time.Now(), loc).Key
	pdf := filepath.Join(t.TempDir(), "edition.pdf")
	code, out, errs := veilleCmd(t, append(append([]string{"digest"}, g...), "--id", "environment-weekly", "--period", week, "--pdf", pdf)...)
	if code != 0 {
		t.Fatalf("digest --pdf: exit %d\n%s\n%s", code, out, errs)
	}
	got, err := os.ReadFile(pdf)
	if err != nil || !bytes.HasPrefix(got, []byte("%PDF-")) || len(got) < 1000 {
		t.Fatalf("--pdf wrote %d bytes (%v)", len(got), err)
	}
	if !strings.Contains(out, "environment-weekly, "+week) {
		t.Errorf("output %q: want the edition's week", out)
	}
	// A plain digest over a range prints the items the rules select.
	tomorrow := time.Now().AddDate(0, 0, 1).Format(time.DateOnly)
	code, out, errs = veilleCmd(t, append(append([]string{"digest"}, g...), "--id", "members-weekly", "--since", "2020-01-01",
		"--until", tomorrow, "--pdf", pdf, "--lang", "en")...)
	if code != 0 {
		t.Fatalf("digest --pdf: exit %d\n%s\n%s", code, out, errs)
	}
	if got, err = os.ReadFile(pdf); err != nil || !bytes.HasPrefix(got, []byte("%PDF-")) || len(got) < 10000 {
		t.Fatalf("--pdf wrote %d bytes (%v)", len(got), err)
	}
	if strings.Contains(out, " 0 items") {
		t.Errorf("output %q", out)
	}
	t.Logf("%s: %d bytes", strings.TrimSpace(out), len(got))
	if box.Count() != 0 {
		t.Error("--pdf sent mail")
	}
	// The edition goes out per week: a range is refused; the week is
	// approved and goes through the ledger once. (The sample's texts are
	// all older than this week, so its edition is empty and not mailed.)
	if code, _, errs := veilleCmd(t, append(append([]string{"digest"}, g...), "--id", "environment-weekly", "--since", "2020-01-01",
		"--until", tomorrow)...); code == 0 || !strings.Contains(errs, "ISO week") {
		t.Errorf("sending the edition over a range: exit %d\n%s", code, errs)
	}
	for _, want := range []string{"empty: not sent", "already in the ledger"} {
		code, out, errs := veilleCmd(t, append(append([]string{"digest"}, g...), "--id", "environment-weekly", "--period", week)...)
		if code != 0 || !strings.Contains(out, "commission-environnement@example.org") || !strings.Contains(out, want) {
			t.Errorf("digest --period %s: exit %d, want %q\n%s\n%s", week, code, want, out, errs)
		}
	}
	if box.Count() != 0 {
		t.Errorf("an empty edition was mailed (%d mails)", box.Count())
	}
	for name, args := range map[string][]string{
		"bad period":       {"--id", "environment-weekly", "--period", "2026-48", "--pdf", pdf},
		"period and since": {"--id", "environment-weekly", "--period", week, "--since", "2026-01-01", "--until", "2026-01-02"},
		"pdf and dry run":  {"--id", "environment-weekly", "--period", week, "--pdf", pdf, "--dry-run"},
	} {
		if code, _, errs := veilleCmd(t, append(append([]string{"digest"}, g...), args...)...); code != exitUsage {
			t.Errorf("%s: exit %d, want %d (%s)", name, code, exitUsage, errs)
		}
	}
}
