package datadir

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"time"
)

// The local socket lets commands run beside the process that holds the
// data dir (`veille digest --dry-run` beside `veille serve`) without a
// token: it lives in a directory only the data dir's owner can enter, and
// the socket itself is the owner's alone, so whoever connects is that
// user (or root).
const (
	socketDir  = "run"
	socketName = "veille.sock"
)

// SocketPath is where the holder of dir listens for local commands.
func SocketPath(dir string) string { return filepath.Join(dir, socketDir, socketName) }

// ListenLocal opens the local socket of dir. Call it only while holding
// dir's lock: a socket left by a process that died is removed.
func ListenLocal(dir string) (net.Listener, error) {
	run := filepath.Join(dir, socketDir)
	if err := os.MkdirAll(run, 0o700); err != nil {
		return nil, fmt.Errorf("local socket: %w", err)
	}
	// MkdirAll keeps the mode of a directory that exists: enforce it, so
	// no one else can reach the socket even before it is chmod-ed below.
	if err := os.Chmod(run, 0o700); err != nil {
		return nil, fmt.Errorf("local socket: %w", err)
	}
	path := SocketPath(dir)
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("local socket: remove a stale one: %w", err)
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		// A data dir path too long for a socket address (about 100 bytes)
		// ends here: the caller serves without it.
		return nil, fmt.Errorf("local socket %s: %w", path, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("local socket: %w", err)
	}
	return ln, nil
}

// DialLocal connects to the local socket of dir, failing at once when no
// process listens there.
func DialLocal(ctx context.Context, dir string) (net.Conn, error) {
	d := net.Dialer{Timeout: 2 * time.Second}
	return d.DialContext(ctx, "unix", SocketPath(dir))
}
