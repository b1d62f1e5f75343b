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
