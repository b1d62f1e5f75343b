package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/nogentech/veille/internal/datadir"
)

// startServe runs `veille serve` in-process on a free port and returns its
// base URL once it answers HTTP; the server stops when the test ends.
func startServe(t *testing.T, cfgPath, data string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var errb bytes.Buffer
	go func() {
		done <- run(ctx, []string{"serve", "--config", cfgPath, "--data", data, "--addr", "127.0.0.1:0"}, io.Discard, &errb)
	}()
	t.Cleanup(func() {
		start := time.Now()
		cancel()
		select {
		case <-done:
			// the scheduler waits up to 30 s for crawls: reaching that
			// means a crawl ignored the cancellation
			if el := time.Since(start); el > 15*time.Second {
				t.Errorf("serve took %v to shut down", el)
			}
		case <-time.After(40 * time.Second):
			t.Error("serve did not shut down")
		}
	})
	// The lock file names the address once the port is bound, before the
	// server is built and accepts: wait for an answer too. Timings taken
	// from the first (the slow-loris cuts) would otherwise count that gap.
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		b, _ := os.ReadFile(filepath.Join(data, "veille.lock"))
		var h datadir.Holder
		if json.Unmarshal(b, &h) == nil && h.Addr != "" {
			base := "http://" + h.Addr
			if resp, err := client.Get(base + "/healthz"); err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				return base
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("serve did not start: %s", errb.String())
	return ""
}

// TestSlowLorisCutAtReadHeaderTimeout opens connections that send their
// request headers a byte every half second: the server cuts each at its
// ReadHeaderTimeout (5 s), and normal searches keep answering meanwhile.
func TestSlowLorisCutAtReadHeaderTimeout(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the server's header timeout")
	}
	farm := newSampleFarm(t)
	cfgPath := writeConfig(t, farm.URL)
	data := filepath.Join(t.TempDir(), "data")
	if code, _, errs := veilleCmd(t, "crawl", "--config", cfgPath, "--data", data, "--source", "europarl-thinktank"); code != 0 {
		t.Fatalf("crawl: %s", errs)
	}
	base := startServe(t, cfgPath, data)
	addr := base[len("http://"):]

	const lorises = 64
	cut := make(chan time.Duration, lorises)
	var wg sync.WaitGroup
	start := time.Now()
	for range lorises {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(2)
		go func() { // trickle
			defer wg.Done()
			for _, b := range []byte("GET /api/search?q=chrome HTTP/1.1\r\nHost: veille\r\nUser-Agent: loris\r\nX-Padding: " + string(bytes.Repeat([]byte("a"), 200))) {
				if _, err := c.Write([]byte{b}); err != nil {
					return
				}
				time.Sleep(500 * time.Millisecond)
			}
		}()
		go func() { // wait for the server to hang up
			defer wg.Done()
			defer c.Close()
			c.SetReadDeadline(time.Now().Add(30 * time.Second))
			io.Copy(io.Discard, c)
			cut <- time.Since(start)
		}()
	}

	// normal searches during the attack
	client := &http.Client{Timeout: 2 * time.Second}
	var worst time.Duration
	ok := 0
	for time.Since(start) < 6*time.Second {
		t0 := time.Now()
		resp, err := client.Get(base + "/api/search?q=parliament&limit=5")
		if err != nil {
			t.Fatalf("a search failed during the slow-loris attack: %v", err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("search answered %d during the attack", resp.StatusCode)
		}
		worst = max(worst, time.Since(t0))
		ok++
		time.Sleep(200 * time.Millisecond)
	}
	wg.Wait()
	close(cut)
	var last time.Duration
	n := 0
	for d := range cut {
		n++
		last = max(last, d)
		if d < 4*time.Second || d > 7*time.Second {
			t.Errorf("a slow connection was cut after %v, ReadHeaderTimeout is 5s", d)
		}
	}
	if n != lorises {
		t.Errorf("%d of %d slow connections ended", n, lorises)
	}
	t.Logf("%d slow-loris connections all cut by %v; %d searches answered meanwhile, slowest %v", n, last.Round(time.Millisecond), ok, worst.Round(time.Millisecond))
}
