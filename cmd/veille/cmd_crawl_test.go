package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/demo"
)

// hangingCrawl writes a config of two sources: "quick", a real feed, and
// "hang", whose server holds the request until the client gives up.
// arrived is signalled when hang's request comes in.
func hangingCrawl(t *testing.T) (cfgPath string, arrived chan struct{}) {
	t.Helper()
	arrived = make(chan struct{}, 1)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	h := demo.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/hang" {
			select {
			case arrived <- struct{}{}:
			default:
			}
			select {
			case <-r.Context().Done():
			case <-release:
			}
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	cfg, err := demo.Config(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	// Another host name, so the polite per-host queue does not hold the
	// quick source behind the hanging one.
	hangURL := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1) + "/hang"
	cfg.Sources = []veille.Source{aFeed(t, srv.URL, "quick", time.Hour),
		{ID: "hang", Name: "Hangs", Kind: veille.KindFeed, URL: hangURL, Every: veille.Duration(time.Hour), Lang: "fr"}}
	return writeCfg(t, cfg), arrived
}

// TestCrawlInterruptedExits130: Ctrl-C (the context main cancels on
// SIGINT) during a crawl exits 130 and calls the sources it stopped
// "cancelled", not "failed"; what finished before is reported as done.
func TestCrawlInterruptedExits130(t *testing.T) {
	cfgPath, arrived := hangingCrawl(t)
	data := filepath.Join(t.TempDir(), "data")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out bytes.Buffer
	errb := &watchedBuffer{want: "quick: ", seen: make(chan struct{})}
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"crawl", "--config", cfgPath, "--data", data}, &out, errb) }()
	for _, ch := range []chan struct{}{arrived, errb.seen} {
		select {
		case <-ch:
		case <-time.After(30 * time.Second):
			t.Fatalf("the crawl did not reach both sources: %s", errb.String())
		}
	}
	cancel()
	var code int
	select {
	case code = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("crawl did not stop after the interrupt")
	}
	stdout, stderr := out.String(), errb.String()
	if code != exitInterrupted {
		t.Errorf("exit %d, want %d", code, exitInterrupted)
	}
	var hangRow, quickRow string
	for _, l := range strings.Split(stdout, "\n") {
		switch {
		case strings.HasPrefix(l, "hang "):
			hangRow = l
		case strings.HasPrefix(l, "quick "):
			quickRow = l
		}
	}
	if !strings.HasSuffix(hangRow, "cancelled") || !strings.HasSuffix(quickRow, " ok") {
		t.Errorf("rows %q and %q, want hang cancelled and quick ok:\n%s", hangRow, quickRow, stdout)
	}
	if !strings.Contains(stdout, "2 sources, 0 failed, 1 cancelled;") {
		t.Errorf("summary:\n%s", stdout)
	}
	if strings.Contains(stderr, "failed") || !strings.Contains(stderr, "veille crawl: interrupted: 1 source(s) cancelled") {
		t.Errorf("stderr:\n%s", stderr)
	}
}

// watchedBuffer is a buffer safe for concurrent use that closes seen once
// what is written contains want.
type watchedBuffer struct {
	mu   sync.Mutex
	b    bytes.Buffer
	want string
	seen chan struct{}
	once sync.Once
}

func (w *watchedBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, err := w.b.Write(p)
	if strings.Contains(w.b.String(), w.want) {
		w.once.Do(func() { close(w.seen) })
	}
	return n, err
}

func (w *watchedBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// TestCrawlUnknownSource: --source with an id the config lacks is a usage
// error, said once, with no report (it printed "in -2562047h47m16.85s").
func TestCrawlUnknownSource(t *testing.T) {
	farm := newSampleFarm(t)
	cfgPath := writeConfig(t, farm.URL)
	data := filepath.Join(t.TempDir(), "data")
	code, out, errs := veilleCmd(t, "crawl", "--config", cfgPath, "--data", data, "--source", "nope")
	if code != exitUsage {
		t.Errorf("exit %d, want %d", code, exitUsage)
	}
	if out != "" {
		t.Errorf("stdout %q, want nothing", out)
	}
	if !strings.Contains(errs, `unknown source "nope"`) || strings.Contains(errs, "-2562047h") {
		t.Errorf("stderr %q", errs)
	}
	if farm.requests.Load() != 0 {
		t.Errorf("%d requests for an unknown source", farm.requests.Load())
	}
	if _, err := os.Stat(data); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the data dir was created for an unknown source (stat: %v)", err)
	}
}

// TestCrawlSIGINT sends a real SIGINT to the built binary in the middle of
// a crawl: exit 130, the hanging source "cancelled".
func TestCrawlSIGINT(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	cfgPath, arrived := hangingCrawl(t)

	var out bytes.Buffer
	errb := &watchedBuffer{want: "quick: ", seen: make(chan struct{})}
	cmd := exec.Command(bin, "crawl", "--config", cfgPath, "--data", filepath.Join(t.TempDir(), "data"))
	cmd.Stdout, cmd.Stderr = &out, errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for _, ch := range []chan struct{}{arrived, errb.seen} {
		select {
		case <-ch:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("the crawl did not reach both sources: %s", errb.String())
		}
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != exitInterrupted {
		t.Errorf("exit %d (%v), want %d", code, err, exitInterrupted)
	}
	if !strings.Contains(out.String(), "2 sources, 0 failed, 1 cancelled;") || !strings.Contains(errb.String(), "interrupted: 1 source(s) cancelled") {
		t.Errorf("stdout:\n%s\nstderr:\n%s", out.String(), errb.String())
	}
}
