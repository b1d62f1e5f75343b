package veille

import "time"

// SearchRequest is a search as the CLI and the HTTP API express it. Each
// filter slice is OR within itself and AND with the others.
type SearchRequest struct {
	Query         string
	Domains       []string
	Competences   []string
	Sources       []string
	Langs         []string
	Jurisdictions []string
	// Refs are "kind:id" references (REFS.md): items whose refs or act hold one.
	Refs         []string
	Since, Until time.Time // Until is exclusive; zero means unbounded
	// IDs, when not empty, keeps only the items with these ids: the
	// members' space counts which of the items the store first saw since
	// a moment a search matches (unread counts) without a date filter
	// over the whole index. Never read from a URL.
	IDs           []string
	Limit, Offset int
	// Sort is "relevance" (default for a text query) or "date" (newest first,
	// default for an empty query).
	Sort string
	// Tagged keeps only the items with at least one domain or competence:
	// the HTML home page, where the untagged majority of a crawl buries
	// what concerns the cluster. The API and the CLI never set it.
	Tagged bool
	// NoFacets and NoHighlight skip work callers do not need (digests, feeds).
	NoFacets    bool
	NoHighlight bool
}

// SearchResult is the search JSON of the contract.
type SearchResult struct {
	Query  string                  `json:"query"`
	Total  uint64                  `json:"total"`
	TookMS int64                   `json:"took_ms"`
	Hits   []Hit                   `json:"hits"`
	Facets map[string][]FacetCount `json:"facets"`
}

// Hit is one search result.
type Hit struct {
	ID           string              `json:"id"`
	Title        string              `json:"title"`
	Link         string              `json:"link"`
	Source       string              `json:"source"`
	Sources      []string            `json:"sources"`
	Published    time.Time           `json:"published"`
	Lang         string              `json:"lang"`
	Jurisdiction string              `json:"jurisdiction,omitempty"`
	Domains      []string            `json:"domains"`
	Competences  []string            `json:"competences"`
	Why          map[string][]string `json:"why"`
	Refs         []Ref               `json:"refs"`
	Dates        []KeyDate           `json:"dates"`
	Act          *ActID              `json:"act,omitempty"`
	Score        float64             `json:"score"`
	Snippet      string              `json:"snippet"`
}

// FacetCount is one term of a facet with its number of matching items.
type FacetCount struct {
	Term  string `json:"term"`
	Count int    `json:"count"`
}
