package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sync"

	"github.com/nogentech/veille"
)

// merge folds an incoming version of an item into the recorded one; both
// are canonical (veille.Item.Normalize) and so is the result, which is not
// normalised again.
//
// The recorded Source and FirstSeen stay: they say who saw it first and when.
// Sources is the union. The tags are veille.MergeTags's: the union when
// another source has seen the item, the incoming ones otherwise.
// Other fields take the incoming value, except that an empty incoming field
// does not erase a recorded one: a second source with a terser feed must not
// wipe the summary the first one gave.
func merge(old, in veille.Item) veille.Item {
	m := in
	m.Source = old.Source
	m.FirstSeen = old.FirstSeen
	m.Sources = veille.LeadSources(old.Source, append(append(append([]string(nil), old.Sources...), in.Sources...), in.Source))
	m.Domains, m.Competences, m.Why = veille.MergeTags(old, in)

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
