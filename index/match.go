package index

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/nogentech/veille"
)

// IDMatches is what MatchIDs found among a set of items.
type IDMatches struct {
	// Terms holds, for each item the query matches, the words of its text
	// the query asked for (lower case, in the order they first appear); an
	// item matched by its filters alone has none.
	Terms map[string][]string
	// Present lists the items the index holds, matched or not: an item it
	// does not hold yet cannot be judged.
	Present map[string]bool
}

// Matched reports whether the query matched item id.
func (m IDMatches) Matched(id string) bool {
	_, ok := m.Terms[id]
	return ok
}

// maxMatchedTerms bounds the words kept per item: they explain a match,
// they do not list the text.
const maxMatchedTerms = 20

// MatchIDs matches r's query and filters against the items ids, whatever
// their dates (r's Since and Until, sort and paging are ignored), and says
// which match and with which words. The words are those a search's
// snippet would mark, found over the whole text the index keeps for the
// item, not only the snippet's window. An alert asks it about the items a
// crawl brought, so it never has to know how the index dates an item.
func (ix *Index) MatchIDs(ctx context.Context, r veille.SearchRequest, ids []string) (IDMatches, error) {
	out := IDMatches{Terms: map[string][]string{}, Present: map[string]bool{}}
	if len(ids) == 0 {
		return out, nil
	}
	tree, err := parse(r.Query, ix.voc)
	if err != nil {
		return out, err
	}
	q, hl, err := buildQuery(tree, ix.voc)
	if err != nil {
		return out, err
	}
	r.Since, r.Until = time.Time{}, time.Time{}
	filter, err := filters(r)
	if err != nil {
		return out, err
	}
	if r.Tagged {
		filter = and(filter, taggedQuery())
	}
	la, err := analyzers()
	if err != nil {
		return out, err
	}
	byID := query.NewDocIDQuery(ids)
	present := bleve.NewSearchRequestOptions(byID, len(ids), 0, false)
	present.Score = "none"
	res, err := ix.idx.SearchInContext(ctx, present)
	if err != nil {
		return out, fmt.Errorf("index: items %d: %w", len(ids), err)
	}
	for _, dm := range res.Hits {
		out.Present[dm.ID] = true
	}
	if len(out.Present) == 0 {
		return out, nil
	}
	if _, none := q.(*query.MatchNoneQuery); none {
		return out, nil
	}
	parts := []query.Query{byID}
	if filter != nil {
		parts = append(parts, filter)
	}
	if _, all := q.(*query.MatchAllQuery); !all {
		parts = append(parts, q)
	}
	match := bleve.NewSearchRequestOptions(query.NewConjunctionQuery(parts), len(ids), 0, false)
	match.Score = "none"
	match.Fields = []string{fLang, fHighlight}
	if res, err = ix.idx.SearchInContext(ctx, match); err != nil {
		return out, fmt.Errorf("index: match %q against %d items: %w", r.Query, len(ids), err)
	}
	for _, dm := range res.Hits {
		out.Terms[dm.ID] = matchedWords(la, stringField(dm.Fields, fLang), stringField(dm.Fields, fHighlight), hl)
	}
	return out, nil
}

// matchedWords are the distinct words of text whose analysed term the
// query asked for, as snippets mark them.
func matchedWords(la *langAnalyzers, lang, text string, hl highlightTerms) []string {
	terms, words := hl.en, la.enWords
	if isFrench(lang) {
		terms, words = hl.fr, la.frWords
	}
	out := []string{}
	if len(terms) == 0 || text == "" {
		return out
	}
	seen := map[string]bool{}
	for _, m := range words.marks(text, terms, maxMarks) {
		w := strings.ToLower(text[m.start:m.end])
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
			if len(out) == maxMatchedTerms {
				break
			}
		}
	}
	return out
}
