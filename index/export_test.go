package index

import (
	"context"
	"errors"
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/nogentech/veille"
)

// Helpers for this package's tests only: the code searches through
// Search and parses queries with a Vocabulary.

// ParseQuery turns the query text into a Bleve query over the per-language
// fields and the keyword fields, with the shipped glossary and taxonomy.
// It returns a *QueryError for malformed text. An empty query, or "*",
// matches every item.
func ParseQuery(s string) (query.Query, error) {
	return shippedVocabulary().ParseQuery(s)
}

// Hit is the stored fields of one document, with the start of its text as
// snippet; ErrNotFound when no document has that id.
func (ix *Index) Hit(ctx context.Context, id string) (veille.Hit, error) {
	req := bleve.NewSearchRequestOptions(query.NewDocIDQuery([]string{id}), 1, 0, false)
	req.Fields = append(append([]string(nil), storedFields...), fHighlight)
	req.Score = "none"
	res, err := ix.idx.SearchInContext(ctx, req)
	if err != nil {
		return veille.Hit{}, fmt.Errorf("get %s: %w", id, err)
	}
	if len(res.Hits) == 0 {
		return veille.Hit{}, fmt.Errorf("get %s: %w", id, ErrNotFound)
	}
	la, err := analyzers()
	if err != nil {
		return veille.Hit{}, err
	}
	dm := res.Hits[0]
	h := hitFromFields(dm.ID, dm.Fields)
	h.Snippet = snippet(la, h.Lang, stringField(dm.Fields, fHighlight), highlightTerms{})
	return h, nil
}

// ErrNotFound means no document has that id.
var ErrNotFound = errors.New("item not found")
