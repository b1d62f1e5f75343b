// Package store is the record of the watch: every item, each source's fetch
// state, in one SQLite database (modernc.org/sqlite, pure Go). The search
// index is derived from it and can always be rebuilt from it. Items are
// recorded in their canonical form (veille.Item.Normalize), which
// UpsertItems applies once to what it is given; the merge of two versions
// keeps it.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// ErrNotFound is returned when a requested record does not exist.
var ErrNotFound = errors.New("not found")

// Store is the SQLite record. It is safe for concurrent use.
type Store struct {
	db   *sql.DB
	path string
	// wlock serialises this process's write transactions. SQLite has one
	// writer anyway; queueing here rather than in SQLite's busy handler keeps
	// waits fair, cancellable by context, and free of SQLITE_BUSY retries.
	wlock chan struct{}
	// now is the clock used for FirstSeen of new items; tests replace it.
	now func() time.Time
}

// busyTimeout bounds how long a statement waits for another process's lock
// (a second veille command on the same data dir) before failing.
const busyTimeout = 5 * time.Second

// maxOpenConns lets WAL readers run beside the one writer; SQLite
// connections are not cheap, and a 2-core machine gains nothing from more.
const maxOpenConns = 4

// Open opens (creating it and its parent directory if needed) the database
// at path and applies pending migrations.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("store: empty database path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o750); err != nil {
		return nil, fmt.Errorf("store: create directory for %s: %w", path, err)
	}
	db, err := sql.Open("sqlite", dsn(abs))
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	db.SetMaxOpenConns(maxOpenConns)
	db.SetMaxIdleConns(maxOpenConns)
	s := &Store{db: db, path: abs, wlock: make(chan struct{}, 1), now: time.Now}
	if err := fileFormat(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: migrate %s: %w", path, err)
	}
	return s, nil
}

// pageSize is the page size of a new database. An item is a JSON record of
// a few KB: at SQLite's default of 4 KiB it spilled onto overflow pages, and
// every page is one system call to the WAL and another at checkpoint. With
// 32 KiB pages, storing 300,000 crawled items took 24% less CPU (19-20.5
// CPU-s against 25-27) for 3% more disk (docs/BENCHMARKS.md). A database
// keeps the page size it was created with; older ones stay at 4 KiB and
// work as before.
const pageSize = 32768

// fileFormat sets what belongs to the database file rather than to a
// connection: WAL mode, and for a new file its page size. The page size
// only takes before the file's first write, which setting WAL mode is, so
// both run here, in that order, on one connection.
func fileFormat(ctx context.Context, db *sql.DB) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA page_size = %d", pageSize)); err != nil {
		return fmt.Errorf("set page size: %w", err)
	}
	var mode string
	if err := conn.QueryRowContext(ctx, "PRAGMA journal_mode = WAL").Scan(&mode); err != nil {
		return fmt.Errorf("set WAL mode: %w", err)
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("set WAL mode: the database stays in %s mode (WAL needs a local file system with shared memory)", mode)
	}
	return nil
}

// dsn builds the connection string. Every pragma here is per connection,
// so it goes in the DSN and the driver applies it to each new connection
// (WAL mode is the file's: fileFormat sets it once).
//
// synchronous=FULL, not NORMAL: with WAL, NORMAL stays consistent but a power
// cut or OS crash can roll back the last commits. Here that would be worse
// than a lost write: the Bleve index (which fsyncs every batch) and the mails
// already sent would be ahead of the record, so the index checkpoint would
// point past the store's last sequence number (new items reusing those
// numbers would never be indexed) and alerts could be sent twice. FULL costs
// one WAL fsync per commit, and we commit once per crawl batch, not per item.
//
// _txlock=immediate takes the write lock at BEGIN, so a write transaction
// never fails halfway on a lock upgrade (SQLITE_BUSY that busy_timeout
// cannot resolve); reads do not use transactions.
func dsn(abs string) string {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Set("_txlock", "immediate")
	u.RawQuery = q.Encode()
	return u.String()
}

// writerCache gives the connection that writes a page cache of 64 MiB
// instead of SQLite's 2 MiB: a batch of new items updates the id index at
// random places, and at a million items that index outgrows 2 MiB, so every
// insert went to the file for its pages. Readers keep the default, which
// keeps a serving process small. The pragma is per connection and cheap to
// repeat, so every write transaction sets it on whichever connection it got.
const writerCache = "PRAGMA cache_size = -65536"

// Close closes the database. Pending writes have committed or failed by then.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("store: close %s: %w", s.path, err)
	}
	return nil
}

// writeTx runs fn in a write transaction, committed when fn returns nil.
func (s *Store) writeTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	select {
	case s.wlock <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.wlock }()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, writerCache); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback() // the error from fn is the one worth reporting
		return err
	}
	return tx.Commit()
}

// timeFormat is RFC 3339 with a fixed width, so that comparing the stored
// text compares the instants (time.RFC3339Nano drops trailing zeros).
const timeFormat = "2006-01-02T15:04:05.000000000Z07:00"

func formatTime(t time.Time) string { return t.UTC().Format(timeFormat) }

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("bad time %q: %w", s, err)
	}
	return t.UTC(), nil
}
