package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/demo"
	"github.com/nogentech/veille/internal/mailtest"
)

// newMailbox is a real SMTP server on loopback (internal/mailtest).
func newMailbox(t *testing.T) *mailtest.Server { return mailtest.NewServer(t) }

// digestConfig is the demo config with the shipped digests and alert,
// mailing to the test server. The digests are plain ones here, sent over
// any period; the shipped environment digest is the commission's edition,
// whose commands digest_pdf_test.go walks.
func digestConfig(t *testing.T, base string, smtpPort int) string {
	t.Helper()
	cfg, err := demo.Config(base)
	if err != nil {
		t.Fatal(err)
	}
	shipped, err := veille.ParseConfig(veille.ShippedConfig, "feeds.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Digests, cfg.Alerts = shipped.Digests, shipped.Alerts
	for i := range cfg.Digests {
		cfg.Digests[i].Editorial, cfg.Digests[i].OnTimeout = false, ""
	}
	cfg.SMTP = veille.SMTP{Host: "127.0.0.1", Port: smtpPort, From: "veille@example.org", TLS: "none"}
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

func TestDigestAndAlertCommands(t *testing.T) {
	farm := newSampleFarm(t)
	box := newMailbox(t)
	cfg := digestConfig(t, farm.URL, box.Port)
	data := t.TempDir()
	g := []string{"--config", cfg, "--data", data}
	if code, _, errs := veilleCmd(t, append([]string{"crawl"}, g...)...); code != 0 {
		t.Fatalf("crawl: exit %d\n%s", code, errs)
	}
	tomorrow := time.Now().AddDate(0, 0, 1).Format(time.DateOnly)
	period := []string{"--id", "environment-weekly", "--since", "2020-01-01", "--until", tomorrow}

	code, out, errs := veilleCmd(t, append(append([]string{"digest"}, g...), append(period, "--dry-run")...)...)
	if code != 0 {
		t.Fatalf("digest --dry-run: exit %d\n%s", code, errs)
	}
	for _, want := range []string{"Subject: Veille environnement", "Environnement", "https://www.legifrance.gouv.fr/jorf/id/",
		"Couverture des sources", "dry run: nothing sent", "commission-environnement@example.org"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out[:min(len(out), 2000)])
		}
	}
	if box.Count() != 0 {
		t.Fatal("--dry-run sent mail")
	}

	html := filepath.Join(t.TempDir(), "digest.html")
	if code, _, errs := veilleCmd(t, append(append([]string{"digest"}, g...), append(period, "--out", html)...)...); code != 0 {
		t.Fatalf("digest --out: exit %d\n%s", code, errs)
	}
	if b, err := os.ReadFile(html); err != nil || !strings.Contains(string(b), "<table role=\"presentation\"") {
		t.Errorf("--out wrote %d bytes (%v)", len(b), err)
	}

	code, out, errs = veilleCmd(t, append(append([]string{"digest"}, g...), period...)...)
	if code != 0 {
		t.Fatalf("digest: exit %d\n%s\n%s", code, out, errs)
	}
	if box.Count() != 1 || !strings.Contains(out, "commission-environnement@example.org") || !strings.Contains(out, "sent") {
		t.Fatalf("digest sent %d mails:\n%s", box.Count(), out)
	}
	// The same period again sends nothing.
	code, out, _ = veilleCmd(t, append(append([]string{"digest"}, g...), period...)...)
	if code != 0 || box.Count() != 1 || !strings.Contains(out, "already in the ledger") {
		t.Errorf("second send: exit %d, %d mails\n%s", code, box.Count(), out)
	}

	code, out, errs = veilleCmd(t, append(append([]string{"alert", "test"}, g...), "--id", "medical-device-rules", "--days", "3650")...)
	if code != 0 {
		t.Fatalf("alert test: exit %d\n%s", code, errs)
	}
	if !strings.Contains(out, "rule medical-device-rules") || !strings.Contains(out, "would have matched") ||
		!strings.Contains(out, "medical-devices:") || !strings.Contains(out, "nothing was sent") {
		t.Errorf("alert test output:\n%s", out)
	}
	n := strings.Fields(out[strings.Index(out, "days): ")+len("days): "):])[0]
	if k, err := strconv.Atoi(n); err != nil || k == 0 {
		t.Errorf("alert test matched %q items over ten years of medical-device news", n)
	}

	for name, args := range map[string][]string{
		"no id":            {"digest"},
		"since alone":      {"digest", "--id", "environment-weekly", "--since", "2026-01-01"},
		"bad date":         {"digest", "--id", "environment-weekly", "--since", "01/01/2026", "--until", "2026-02-01"},
		"unknown digest":   {"digest", "--id", "nope", "--dry-run"},
		"both outputs":     {"digest", "--id", "environment-weekly", "--dry-run", "--out", "x.html"},
		"alert no sub":     {"alert"},
		"alert no id":      {"alert", "test"},
		"alert bad days":   {"alert", "test", "--id", "medical-device-rules", "--days", "0"},
		"alert unknown id": {"alert", "test", "--id", "nope"},
	} {
		args = append(args[:1:1], append(append([]string(nil), g...), args[1:]...)...)
		if args[0] == "alert" && len(args) > len(g)+1 && args[len(g)+1] == "test" {
			args = append([]string{"alert", "test"}, append(append([]string(nil), g...), args[len(g)+2:]...)...)
		}
		if code, _, errs := veilleCmd(t, args...); code != exitUsage {
			t.Errorf("%s: exit %d, want %d (%s)", name, code, exitUsage, errs)
		}
	}
}

func TestDigestDemoDryRun(t *testing.T) {
	code, out, errs := veilleCmd(t, "digest", "--demo", "--id", "environment-weekly")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	if !strings.Contains(out, "Veille environnement") || !strings.Contains(out, "## Couverture des sources") || !strings.Contains(out, "nothing sent") {
		t.Errorf("demo digest:\n%s", out[:min(len(out), 1500)])
	}
}

func TestStartDigests(t *testing.T) {
	farm := newSampleFarm(t)
	box := newMailbox(t)
	path := digestConfig(t, farm.URL, box.Port)
	cfg, err := loadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	g := &globals{data: t.TempDir(), stdout: io.Discard, stderr: io.Discard, log: slog.New(slog.DiscardHandler)}
	a, err := openApp(context.Background(), g, cfg, "test")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	n, err := newNotifier(a)
	if err != nil {
		t.Fatal(err)
	}
	s, err := startDigests(context.Background(), a, n, g.log)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, j := range s.Jobs() {
		names[j.Name()] = true
	}
	for _, want := range []string{"digest environment-weekly", "reconcile digests and alerts", "alerts"} {
		if !names[want] {
			t.Errorf("no job %q (jobs %v)", want, names)
		}
	}
	// The start-up reconcile records that the digests exist from now on.
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, ok, _ := a.store.Watermark(context.Background(), "digest-start:environment-weekly"); ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the start-up reconcile did not run")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := s.Shutdown(); err != nil {
		t.Fatal(err)
	}
	a.cfg.Digests[0].Schedule = "every monday"
	if _, err := startDigests(context.Background(), a, n, g.log); err == nil {
		t.Error("a bad schedule started")
	}
}
