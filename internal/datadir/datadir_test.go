package datadir

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

func TestSecondAcquireFailsAndNamesHolder(t *testing.T) {
	dir := t.TempDir()
	l, err := Acquire(dir, Holder{Command: "serve", Addr: "127.0.0.1:8080"})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = Acquire(dir, Holder{Command: "crawl"})
	if time.Since(start) > 2*time.Second {
		t.Fatalf("second acquire took %v", time.Since(start))
	}
	var held *HeldError
	if !errors.As(err, &held) {
		t.Fatalf("want HeldError, got %v", err)
	}
	if held.Holder.PID != os.Getpid() || held.Holder.Addr != "127.0.0.1:8080" {
		t.Fatalf("holder = %+v", held.Holder)
	}
	if !strings.Contains(err.Error(), "serve") {
		t.Fatalf("message does not name the command: %v", err)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	l2, err := Acquire(dir, Holder{Command: "crawl"})
	if err != nil {
		t.Fatalf("acquire after release: %v", err)
	}
	l2.Release()
}
