// Package index is the full-text index of veille items: a Bleve index with
// French and English analysis, keyword facets and dates. It is derived
// data: the store is the record, and the index keeps a checkpoint (the store
// sequence number of the last item indexed) so that whatever the store holds
// beyond it can be indexed again after a crash.
package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/internal/text"
)

var (
	// ErrVersion means the index was built with another mapping version.
	ErrVersion = errors.New("index mapping version mismatch")
	// ErrLocked means another process holds the index open.
	ErrLocked = errors.New("index locked")
)

// Internal (non-document) keys.
var (
	keyMappingVersion = []byte("veille.mapping_version")
	keyCheckpoint     = []byte("veille.checkpoint")
)

// Options configures Open.
type Options struct {
	// BoltTimeout is how long Open waits for another process to release
	// the index before failing with ErrLocked. Default 1s.
	BoltTimeout time.Duration
	Logger      *slog.Logger
	// Vocabulary is the glossary and taxonomy queries are read with
	// (NewVocabulary of the config); nil means the shipped feeds.yaml's.
	Vocabulary *Vocabulary
}

// Index is an open Bleve index of items. Its methods are safe for
// concurrent use; writes are expected from one goroutine.
type Index struct {
	dir       string
	idx       bleve.Index
	log       *slog.Logger
	maxBatch  int // bytes of text per Bleve batch, maxBatchBytes but in tests
	cols      *columns
	voc       *Vocabulary
	closeOnce sync.Once
	closeErr  error
}

// metaFile is the file Bleve writes first when it creates an index.
const metaFile = "index_meta.json"

// Open opens the index in dir, creating it (and its parent directories)
// when absent. It fails with ErrVersion when the index was built with
// another mapping, and with ErrLocked when another process holds it.
func Open(dir string, o Options) (*Index, error) {
	if o.BoltTimeout <= 0 {
		o.BoltTimeout = time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	// Without bolt_timeout a second opener waits forever on the file lock.
	cfg := func() map[string]interface{} {
		return map[string]interface{}{"bolt_timeout": o.BoltTimeout.String()}
	}

	exists, err := indexExists(dir)
	if err != nil {
		return nil, err
	}
	if !exists {
		ix, err := create(dir, cfg(), o)
		if !errors.Is(err, bleve.ErrorIndexPathExists) {
			return ix, err
		}
		// Another process created it between our check and our create.
	}

	start := time.Now()
	idx, err := bleve.OpenUsing(dir, cfg())
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil, fmt.Errorf("%w: index at %s is held by another process (waited %s)", ErrLocked, dir, o.BoltTimeout)
		}
		return nil, fmt.Errorf("open index %s: %w", dir, err)
	}
	v, err := idx.GetInternal(keyMappingVersion)
	if err != nil {
		idx.Close()
		return nil, fmt.Errorf("open index %s: read mapping version: %w", dir, err)
	}
	got, _ := strconv.Atoi(string(v)) // absent or garbled counts as version 0
	if got != MappingVersion {
		idx.Close()
		return nil, fmt.Errorf("%w: index at %s was built with mapping version %d, this binary needs %d: run `veille reindex`",
			ErrVersion, dir, got, MappingVersion)
	}
	o.Logger.Debug("index opened", "dir", dir, "took", time.Since(start))
	return newIndex(dir, idx, o), nil
}

func newIndex(dir string, idx bleve.Index, o Options) *Index {
	voc := o.Vocabulary
	if voc == nil {
		voc = shippedVocabulary()
	}
	return &Index{dir: dir, idx: idx, log: o.Logger, maxBatch: maxBatchBytes, cols: newColumns(o.Logger), voc: voc}
}

// indexExists says whether dir holds a Bleve index; an absent or empty
// directory does not, and a non-empty directory without one is an error
// rather than a place to write over.
func indexExists(dir string) (bool, error) {
	if _, err := os.Stat(filepath.Join(dir, metaFile)); err == nil {
		return true, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return false, fmt.Errorf("open index %s: %w", dir, err)
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("open index %s: %w", dir, err)
	}
	if len(entries) > 0 {
		return false, fmt.Errorf("open index %s: directory is not empty and holds no index (%s missing)", dir, metaFile)
	}
	return false, nil
}

func create(dir string, cfg map[string]interface{}, o Options) (*Index, error) {
	m, err := buildMapping()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return nil, fmt.Errorf("create index %s: %w", dir, err)
	}
	idx, err := bleve.NewUsing(dir, m, scorch.Name, bleve.Config.DefaultKVStore, cfg)
	if err != nil {
		if errors.Is(err, bleve.ErrorIndexPathExists) {
			return nil, err
		}
		return nil, fmt.Errorf("create index %s: %w", dir, err)
	}
	if err := idx.SetInternal(keyMappingVersion, []byte(strconv.Itoa(MappingVersion))); err != nil {
		idx.Close()
		return nil, fmt.Errorf("create index %s: record mapping version: %w", dir, err)
	}
	o.Logger.Info("index created", "dir", dir, "mapping_version", MappingVersion)
	return newIndex(dir, idx, o), nil
}

// Remove deletes the index in dir, for a rebuild. It refuses a directory
// that does not hold a Bleve index, so a wrong path cannot wipe data. The
// index must not be open (Open it first to learn whether someone holds it).
func Remove(dir string) error {
	exists, err := indexExists(dir)
	if err != nil {
		return err
	}
	if !exists {
		return nil
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("remove index %s: %w", dir, err)
	}
	return nil
}

// Close closes the index; later calls return the first result.
func (ix *Index) Close() error {
	ix.closeOnce.Do(func() {
		ix.cols.close()
		if err := ix.idx.Close(); err != nil {
			ix.closeErr = fmt.Errorf("close index %s: %w", ix.dir, err)
		}
	})
	return ix.closeErr
}

// maxBatchBytes bounds the text held in memory by one Bleve batch. A reindex
// may hand Upsert everything at once; JORF acts run to 100 KB each.
const maxBatchBytes = 64 << 20

// Upsert indexes items and records checkpoint. Ids are deterministic, so
// every write replaces the previous version of the document. Items and
// checkpoint go in one Bleve batch, so the checkpoint is on disk only if
// the documents are. Very large inputs are split into several batches and
// the checkpoint rides with the last one: an interruption then leaves
// documents ahead of the checkpoint, which indexing again repairs.
func (ix *Index) Upsert(ctx context.Context, items []veille.Item, checkpoint int64) error {
	for i := range items {
		if strings.TrimSpace(items[i].ID) == "" {
			return fmt.Errorf("upsert: item %d (%q) has no id", i, items[i].Title)
		}
	}
	start := time.Now()
	b := ix.idx.NewBatch()
	size, batches := 0, 1
	for i := range items {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("upsert: %w", err)
		}
		doc, n, err := document(&items[i])
		if err != nil {
			return fmt.Errorf("upsert %s: %w", items[i].ID, err)
		}
		if err := b.Index(items[i].ID, doc); err != nil {
			return fmt.Errorf("upsert %s: %w", items[i].ID, err)
		}
		size += n
		if size >= ix.maxBatch && i < len(items)-1 {
			if err := ix.idx.Batch(b); err != nil {
				return fmt.Errorf("upsert batch: %w", err)
			}
			b.Reset()
			size = 0
			batches++
		}
	}
	b.SetInternal(keyCheckpoint, []byte(strconv.FormatInt(checkpoint, 10)))
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("upsert: %w", err)
	}
	if err := ix.idx.Batch(b); err != nil {
		return fmt.Errorf("upsert batch: %w", err)
	}
	ix.cols.written(ix.idx)
	ix.log.Debug("index upsert", "items", len(items), "batches", batches, "checkpoint", checkpoint, "took", time.Since(start))
	return nil
}

// Checkpoint is the checkpoint recorded by the last Upsert, 0 when none.
func (ix *Index) Checkpoint() (int64, error) {
	v, err := ix.idx.GetInternal(keyCheckpoint)
	if err != nil {
		return 0, fmt.Errorf("read checkpoint: %w", err)
	}
	if len(v) == 0 {
		return 0, nil
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("read checkpoint: stored value %q: %w", v, err)
	}
	return n, nil
}

// Count is the number of documents in the index.
func (ix *Index) Count() (uint64, error) {
	n, err := ix.idx.DocCount()
	if err != nil {
		return 0, fmt.Errorf("count documents: %w", err)
	}
	return n, nil
}

// Batches is the number of Bleve batches this Index wrote since Open:
// every Upsert and every internal write is one (or more, when split). The
// server's result cache keys on it; the benchmark checks that a re-crawl
// of unchanged feeds writes none.
func (ix *Index) Batches() uint64 {
	m, _ := ix.idx.StatsMap()["index"].(map[string]interface{})
	n, _ := m["TotBatches"].(uint64)
	return n
}

// highlightBytes is how much of the text is stored for snippets: enough
// for the summary and the first articles of an act, not the 100 KB of the
// act. At 2,500 bytes, 6 of the first ten hits of the judged queries
// (testdata/search-judgments.json) showed no word of the query, the words
// being further in a long act; at 6,000, 2 of 100; at 12,000, none, but a
// broad highlighted search took 3 to 4 times as long.
const highlightBytes = 6000

// document is the Bleve document of an item; n is its text size. The item
// is canonical (veille.Item.Normalize: the store hands them so), and is
// not normalised again: Sources already lead with Source, the tag lists are
// distinct. Keyword values go through normalizeKeyword, the index's term
// form, which the query side applies to typed values too.
func document(it *veille.Item) (map[string]interface{}, int, error) {
	title := text.Fold(it.Title)
	body := strings.TrimSpace(it.Summary + "\n\n" + it.Content)
	doc := map[string]interface{}{
		fID:        it.ID,
		fTitle:     it.Title,
		fLink:      it.Link,
		fHighlight: highlightText(title, it.Summary, it.Content),
	}
	if isFrench(it.Lang) {
		doc[fTitleFr], doc[fTextFr] = title, body
	} else {
		doc[fTitleEn], doc[fTextEn] = title, body
	}
	doc[fTitleExact], doc[fTextExact] = title, body
	if ex := exactTerms(title, body); len(ex) > 0 {
		doc[fExact] = ex
	}

	sources := keywords(fSources, it.Sources)
	if src := normalizeKeyword(fSource, it.Source); src != "" {
		doc[fSource] = src
	}
	if len(sources) > 0 {
		doc[fSources] = sources
	}
	if l := normalizeKeyword(fLang, it.Lang); l != "" {
		doc[fLang] = l
	}
	if j := normalizeKeyword(fJurisdiction, it.Jurisdiction); j != "" {
		doc[fJurisdiction] = j
	}
	if d := keywords(fDomains, it.Domains); len(d) > 0 {
		doc[fDomains] = d
	}
	if c := keywords(fCompetences, it.Competences); len(c) > 0 {
		doc[fCompetences] = c
	}
	if err := addRefs(doc, it); err != nil {
		return nil, 0, err
	}
	if len(it.Why) > 0 {
		why, err := json.Marshal(it.Why)
		if err != nil {
			return nil, 0, fmt.Errorf("encode why: %w", err)
		}
		doc[fWhy] = string(why)
	}
	if t := it.DisplayDate(); !t.IsZero() {
		doc[fPublishedAt] = t.Format(time.RFC3339Nano)
		if indexableDate(t) {
			doc[fPublished] = t
		}
	}
	return doc, len(title) + len(body), nil
}

// indexableDate: Bleve stores datetimes as int64 nanoseconds.
func indexableDate(t time.Time) bool {
	return t.Year() > 1677 && t.Year() < 2262
}

// keywords normalises, de-duplicates and drops empty values, keeping order.
func keywords(field string, in []string) []string {
	out := make([]string, 0, len(in))
	seen := make(map[string]bool, len(in))
	for _, v := range in {
		v = normalizeKeyword(field, v)
		if v == "" || seen[v] {
			continue
		}
		seen[v] = true
		out = append(out, v)
	}
	return out
}

// highlightText is the stored text snippets are cut from: the title on its
// own line, then the summary and the start of the content.
func highlightText(title, summary, content string) string {
	body := text.Fold(summary)
	if len(body) < highlightBytes {
		c := text.Fold(text.CutBytes(content, 2*highlightBytes))
		if c != "" && !strings.HasPrefix(c, body) {
			if body != "" {
				body += " "
			}
			body += c
		} else if c != "" {
			body = c // the summary is the start of the content
		}
	}
	body = text.CutBytes(body, highlightBytes)
	if body == "" {
		return title
	}
	return title + "\n" + body
}
