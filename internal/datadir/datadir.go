// Package datadir makes one process the owner of a data directory. Bleve
// and SQLite each lock their own files, but a second Bleve open would hang
// on its lock; a lock of our own, taken first and without waiting, lets a
// second command fail at once and name the process that holds the data.
package datadir

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// Holder describes the process that owns a data directory.
type Holder struct {
	PID     int       `json:"pid"`
	Command string    `json:"command"`
	Addr    string    `json:"addr,omitempty"` // where its HTTP server listens, if any
	Since   time.Time `json:"since"`
}

// HeldError is returned when another process owns the directory.
type HeldError struct {
	Dir    string
	Holder Holder
}

func (e *HeldError) Error() string {
	h := e.Holder
	if h.PID == 0 {
		return fmt.Sprintf("data dir %s is in use by another veille process", e.Dir)
	}
	msg := fmt.Sprintf("data dir %s is in use by process %d (veille %s, since %s)", e.Dir, h.PID, h.Command, h.Since.Format(time.RFC3339))
	if h.Addr != "" {
		msg += ", serving http://" + h.Addr
	}
	return msg
}

// Lock is an acquired ownership; Release gives it up.
type Lock struct {
	f    *os.File
	path string
}

const lockName = "veille.lock"

// Acquire creates dir if needed and takes its lock without waiting.
func Acquire(dir string, h Holder) (*Lock, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	path := filepath.Join(dir, lockName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			held, _ := ReadHolder(dir)
			return nil, &HeldError{Dir: dir, Holder: held}
		}
		return nil, fmt.Errorf("lock data dir %s: %w", dir, err)
	}
	l := &Lock{f: f, path: path}
	if err := l.Update(h); err != nil {
		l.Release()
		return nil, err
	}
	return l, nil
}

// Update rewrites the holder record (e.g. once the server's address is known).
func (l *Lock) Update(h Holder) error {
	if h.PID == 0 {
		h.PID = os.Getpid()
	}
	if h.Since.IsZero() {
		h.Since = time.Now().UTC()
	}
	b, _ := json.Marshal(h)
	if err := l.f.Truncate(0); err != nil {
		return fmt.Errorf("write lock file: %w", err)
	}
	if _, err := l.f.WriteAt(append(b, '\n'), 0); err != nil {
		return fmt.Errorf("write lock file: %w", err)
	}
	return nil
}

// Release gives up the lock. The file stays: removing it would race with a
// process that has just opened it.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	l.f.Truncate(0)
	err := l.f.Close() // closing drops the flock
	l.f = nil
	return err
}

// ReadHolder reads who holds dir, as its owner last wrote it.
func ReadHolder(dir string) (Holder, error) {
	var h Holder
	b, err := os.ReadFile(filepath.Join(dir, lockName))
	if err != nil {
		return h, err
	}
	if len(b) == 0 {
		return h, errors.New("no holder recorded")
	}
	return h, json.Unmarshal(b, &h)
}
