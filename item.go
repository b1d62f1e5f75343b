package veille

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Item is one piece of news from a source, normalised and tagged. It is the
// unit the store records, the index searches and the digests send.
type Item struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	// Link is the canonical alternate link (tracking parameters and fragment removed).
	Link string `json:"link"`
	GUID string `json:"guid,omitempty"`
	// Source is the source that first saw the item; Sources lists every source that has.
	Source       string    `json:"source"`
	Sources      []string  `json:"sources"`
	Published    time.Time `json:"published"`
	FirstSeen    time.Time `json:"first_seen"`
	Updated      time.Time `json:"updated"`
	Lang         string    `json:"lang"`
	Jurisdiction string    `json:"jurisdiction,omitempty"`
	Authors      []string  `json:"authors,omitempty"`
	Categories   []string  `json:"categories,omitempty"`
	// Summary and Content are plain text; HTML keeps the publisher's markup,
	// unsanitised, for a page that sanitises it before display.
	Summary string `json:"summary,omitempty"`
	Content string `json:"content,omitempty"`
	HTML    string `json:"html,omitempty"`

	Domains     []string `json:"domains"`
	Competences []string `json:"competences"`
	// Why maps each domain and competence to the terms that earned it.
	Why map[string][]string `json:"why"`

	// Refs, Dates and Act are what the item cites, the dates it sets and the
	// act it is (REFS.md), extracted from its title and text by package refs.
	// Left out of the JSON when empty, so that the stored record (and its
	// fingerprint) of an item that cites nothing is what it was before.
	Refs  []Ref     `json:"refs,omitempty"`
	Dates []KeyDate `json:"dates,omitempty"`
	Act   *ActID    `json:"act,omitempty"`
}

// Ref is one reference an item cites: its kind ("eu-act", "fr-code"…), its
// id written the one way REFS.md writes it, so that two items citing the
// same act carry the same id, and one occurrence as the item wrote it. Rel
// says what the item does to it when its title says so (amends, repeals,
// transposes, implements).
type Ref struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
	Text string `json:"text"`
	Rel  string `json:"rel,omitempty"`
}

// Key is the reference as the index and the ref= filter hold it: "kind:id".
func (r Ref) Key() string { return RefKey(r.Kind, r.ID) }

// RefKey joins a reference kind and id the way the index stores them.
func RefKey(kind, id string) string { return kind + ":" + id }

// KeyDate is a date an item sets (entry-into-force, application, deadline,
// comment-deadline), as YYYY-MM-DD, with the words that set it.
type KeyDate struct {
	Kind string `json:"kind"`
	Date string `json:"date"`
	Text string `json:"text"`
}

// ActID names the act an item is (a JORF décret, an EU regulation…), in the
// same kinds and ids as Ref.
type ActID struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
}

// ItemID derives a stable document id from a key (the canonical link, or a
// source-scoped GUID or title+date). The same key always gives the same id,
// so every write is an idempotent upsert.
func ItemID(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:12])
}

// FetchState is what the watch remembers about a source between crawls.
type FetchState struct {
	Source       string    `json:"id"`
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	LastAttempt  time.Time `json:"last_attempt"`
	LastSuccess  time.Time `json:"last_success"`
	Status       int       `json:"http_status"`
	Error        string    `json:"error"`
	Failures     int       `json:"consecutive_failures"`
	NextAttempt  time.Time `json:"next_attempt"`
	ItemCount    int       `json:"item_count"`
}
