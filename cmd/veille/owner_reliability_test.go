package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nogentech/veille/internal/datadir"
)

// TestSecondProcessNamesHolder runs the real binary twice on one data dir:
// while `veille serve` holds it, every command that would write fails
// within 2 s naming the holder's process id, and search delegates to the
// running server. After the holder is SIGKILLed, the lock goes with it.
func TestSecondProcessNamesHolder(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	farm := newSampleFarm(t)
	cfgPath := writeConfig(t, farm.URL)
	data := filepath.Join(t.TempDir(), "data")
	common := []string{"--config", cfgPath, "--data", data}
	serve := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, common...)...)
	var serveLog bytes.Buffer
	serve.Stdout, serve.Stderr = &serveLog, &serveLog
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { serve.Process.Kill(); serve.Wait() }()
	var h datadir.Holder
	for deadline := time.Now().Add(60 * time.Second); h.Addr == ""; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start:\n%s", serveLog.String())
		}
		b, _ := os.ReadFile(filepath.Join(data, "veille.lock"))
		json.Unmarshal(b, &h)
	}
	if h.PID != serve.Process.Pid {
		t.Fatalf("lock names pid %d, serve is %d", h.PID, serve.Process.Pid)
	}
	// Sending a digest writes the ledger, so it needs the data dir; its
	// --dry-run asks the server instead (TestReadOnlyCommandsBesideServe).
	for _, args := range [][]string{{"crawl"}, {"reindex"}, {"serve", "--addr", "127.0.0.1:0"}, {"digest", "--id", "environment-weekly"}} {
		t.Run(args[0], func(t *testing.T) {
			cmd := exec.Command(bin, append(append([]string{args[0]}, common...), args[1:]...)...)
			start := time.Now()
			out, err := cmd.CombinedOutput()
			el := time.Since(start)
			if err == nil {
				t.Fatalf("a second %s on a held data dir succeeded:\n%s", args[0], out)
			}
			if el > 2*time.Second {
				t.Errorf("took %v to give up", el)
			}
			if want := fmt.Sprintf("in use by process %d", h.PID); !strings.Contains(string(out), want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		})
	}
	out, err := exec.Command(bin, append(append([]string{"search", "--json"}, common...), "")...).Output()
	if err != nil || !bytes.Contains(out, []byte(`"hits"`)) {
		t.Errorf("search beside serve: %v\n%s", err, out)
	}
	// a killed holder leaves no lock behind: the kernel drops it
	serve.Process.Signal(syscall.SIGKILL)
	serve.Wait()
	if out, err := exec.Command(bin, append([]string{"crawl", "--source", "europarl-thinktank"}, common...)...).CombinedOutput(); err != nil {
		t.Errorf("crawl after the holder died: %v\n%s", err, out)
	}
}
