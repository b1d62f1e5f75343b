package main

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A read-only command in a fresh folder says the data dir is new and how
// to fill it, and creates nothing (it used to create ./data and answer "no
// items match").
func TestReadCommandsOnMissingDataDir(t *testing.T) {
	cfg := writeConfig(t, "http://127.0.0.1:1")
	data := filepath.Join(t.TempDir(), "data")
	for name, args := range map[string][]string{
		"search":           {"search", "--config", cfg, "--data", data, "chrome"},
		"search --json":    {"search", "--json", "--config", cfg, "--data", data, ""},
		"alert test":       {"alert", "test", "--config", cfg, "--data", data, "--id", "x"},
		"digest --dry-run": {"digest", "--config", cfg, "--data", data, "--id", "x", "--dry-run"},
	} {
		code, out, errs := veilleCmd(t, args...)
		if code != 1 || !strings.Contains(errs, "does not exist yet") || !strings.Contains(errs, "veille crawl") ||
			!strings.Contains(errs, "veille serve") || strings.Contains(out, "no items match") {
			t.Errorf("%s on a missing data dir: exit %d\nstdout %s\nstderr %s", name, code, out, errs)
		}
		if _, err := os.Stat(data); !os.IsNotExist(err) {
			t.Fatalf("%s created the data dir (%v)", name, err)
		}
	}
	// An existing but empty folder is called empty.
	if err := os.Mkdir(data, 0o750); err != nil {
		t.Fatal(err)
	}
	code, _, errs := veilleCmd(t, "search", "--config", cfg, "--data", data, "chrome")
	if code != 1 || !strings.Contains(errs, "is empty") {
		t.Errorf("search on an empty data dir: exit %d %s", code, errs)
	}
	if entries, _ := os.ReadDir(data); len(entries) != 0 {
		t.Errorf("search wrote into the empty data dir: %v", entries)
	}
}

// `veille demo -h` offers only what the demo uses.
func TestDemoHelpOmitsIgnoredFlags(t *testing.T) {
	code, _, errs := veilleCmd(t, "demo", "-h")
	if code != 0 || !strings.Contains(errs, "-addr") || strings.Contains(errs, "-config") || strings.Contains(errs, "-data") {
		t.Errorf("demo -h: exit %d\n%s", code, errs)
	}
	// The flags are still accepted, as by every command.
	code, _, errs = veilleCmd(t, "demo", "--config", "x.yaml", "--data", "d", "-h")
	if code != 0 {
		t.Errorf("demo --config --data -h: exit %d %s", code, errs)
	}
}

// A demo whose port is taken (an earlier demo still serving) fails at
// once, naming the port, instead of crawling every sample source first.
func TestDemoChecksPortFirst(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	start := time.Now()
	code, _, errs := veilleCmd(t, "demo", "--addr", ln.Addr().String())
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("demo took %v to give up on a taken port", el)
	}
	if code == 0 || !strings.Contains(errs, ln.Addr().String()+" is already in use") || strings.Contains(errs, "crawling") {
		t.Errorf("demo on a taken port: exit %d\n%s", code, errs)
	}
}
