package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/internal/text"
)

// normalize puts an item in the one form the store keeps, so that the same
// content always has the same fingerprint: times in UTC, tag lists sorted
// and without duplicates, Sources led by Source, empty optional lists nil
// and the lists the JSON always carries ([] rather than null) non-nil.
func normalize(it *veille.Item) error {
	if it.ID == "" {
		return errors.New("item has no id")
	}
	if it.Source == "" {
		return errors.New("item has no source")
	}
	it.Published = utc(it.Published)
	it.FirstSeen = utc(it.FirstSeen)
	it.Updated = utc(it.Updated)
	it.Sources = orderSources(it.Source, it.Sources)
	it.Domains = sortedSet(it.Domains)
	it.Competences = sortedSet(it.Competences)
	if len(it.Authors) == 0 {
		it.Authors = nil
	}
	if len(it.Categories) == 0 {
		it.Categories = nil
	}
	why := make(map[string][]string, len(it.Why))
	for k, terms := range it.Why {
		why[k] = text.Dedupe(terms)
	}
	it.Why = why
	return nil
}

func utc(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}

// merge folds an incoming version of an item into the recorded one.
//
// The recorded Source and FirstSeen stay: they say who saw it first and when.
// Sources is the union. Tags are the union when another source than the
// incoming one has seen the item (each source's tagger rules, such as
// source-level domains, contribute), and the incoming tags otherwise (a
// re-crawl of the same source with better rules replaces its old tags).
// Other fields take the incoming value, except that an empty incoming field
// does not erase a recorded one: a second source with a terser feed must not
// wipe the summary the first one gave.
func merge(old, in veille.Item) veille.Item {
	m := in
	m.Source = old.Source
	m.FirstSeen = old.FirstSeen

	incoming := map[string]bool{in.Source: true}
	for _, s := range in.Sources {
		incoming[s] = true
	}
	shared := false
	for _, s := range old.Sources {
		if !incoming[s] {
			shared = true
			break
		}
	}
	m.Sources = orderSources(old.Source, append(append([]string(nil), old.Sources...), in.Sources...))
	if !slices.Contains(m.Sources, in.Source) {
		m.Sources = orderSources(old.Source, append(m.Sources, in.Source))
	}
	if shared {
		m.Domains = sortedSet(append(append([]string(nil), old.Domains...), in.Domains...))
		m.Competences = sortedSet(append(append([]string(nil), old.Competences...), in.Competences...))
		why := make(map[string][]string, len(old.Why)+len(in.Why))
		for k, v := range old.Why {
			why[k] = append([]string(nil), v...)
		}
		for k, v := range in.Why {
			why[k] = text.Dedupe(append(why[k], v...))
		}
		m.Why = why
	}

	keep := func(dst *string, prev string) {
		if *dst == "" {
			*dst = prev
		}
	}
	keep(&m.Title, old.Title)
	keep(&m.Link, old.Link)
	keep(&m.GUID, old.GUID)
	keep(&m.Lang, old.Lang)
	keep(&m.Jurisdiction, old.Jurisdiction)
	keep(&m.Summary, old.Summary)
	keep(&m.Content, old.Content)
	keep(&m.HTML, old.HTML)
	if m.Published.IsZero() {
		m.Published = old.Published
	}
	if m.Updated.IsZero() {
		m.Updated = old.Updated
	}
	if len(m.Authors) == 0 {
		m.Authors = old.Authors
	}
	if len(m.Categories) == 0 {
		m.Categories = old.Categories
	}
	return m
}

// encode returns the stored JSON of a normalised item and its fingerprint.
// encoding/json writes struct fields in declaration order and map keys
// sorted, so equal items give equal bytes.
func encode(it veille.Item) (data string, fingerprint string, err error) {
	enc := encoders.Get().(*encoder)
	defer encoders.Put(enc)
	enc.buf.Reset()
	if err := enc.json.Encode(it); err != nil {
		return "", "", err
	}
	// Encode ends with a newline that Marshal, which wrote the records
	// before, did not: the fingerprints must not change.
	b := bytes.TrimSuffix(enc.buf.Bytes(), []byte("\n"))
	sum := sha256.Sum256(b)
	return string(b), hex.EncodeToString(sum[:16]), nil
}

// encoder is a reusable JSON encoder: a crawl encodes every item once, and
// a fresh buffer each time was a sizeable share of its allocations.
type encoder struct {
	buf  bytes.Buffer
	json *json.Encoder
}

var encoders = sync.Pool{New: func() any {
	e := &encoder{}
	e.json = json.NewEncoder(&e.buf)
	return e
}}

// orderSources returns the distinct sources with first in front and the
// others sorted.
func orderSources(first string, all []string) []string {
	rest := make([]string, 0, len(all))
	for _, s := range all {
		if s != "" && s != first {
			rest = append(rest, s)
		}
	}
	return append([]string{first}, sortedSet(rest)...)
}

// sortedSet returns the distinct non-empty values sorted, never nil.
func sortedSet(v []string) []string {
	out := make([]string, 0, len(v))
	for _, s := range v {
		if s != "" {
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}
