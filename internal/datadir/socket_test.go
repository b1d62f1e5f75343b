package datadir

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"testing"
)

// The socket lives in an owner-only directory, is the owner's only, and a
// socket left by a dead process does not stop the next one.
func TestListenLocal(t *testing.T) {
	dir := t.TempDir()
	// A run/ directory left open to others is closed again.
	if err := os.MkdirAll(filepath.Join(dir, "run"), 0o777); err != nil {
		t.Fatal(err)
	}
	os.Chmod(filepath.Join(dir, "run"), 0o777)
	// A stale socket (its process gone) is in the way.
	stale, err := net.Listen("unix", SocketPath(dir))
	if err != nil {
		t.Fatal(err)
	}
	stale.(*net.UnixListener).SetUnlinkOnClose(false)
	stale.Close()
	if _, err := DialLocal(context.Background(), dir); err == nil {
		t.Fatal("a closed socket answered")
	}

	ln, err := ListenLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	for path, want := range map[string]os.FileMode{filepath.Join(dir, "run"): 0o700, SocketPath(dir): 0o600} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", path, fi.Mode().Perm(), want)
		}
	}
	go func() {
		if c, err := ln.Accept(); err == nil {
			c.Write([]byte("ok"))
			c.Close()
		}
	}()
	c, err := DialLocal(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	buf := make([]byte, 2)
	if _, err := c.Read(buf); err != nil || string(buf) != "ok" {
		t.Errorf("read %q, %v", buf, err)
	}
}
