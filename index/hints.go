package index

import (
	"context"
	"fmt"
	"strings"

	bleveindex "github.com/blevesearch/bleve_index_api"

	"github.com/nogentech/veille"
)

// FewResults is the count below which a search page offers Hints.
const FewResults = 5

// Hints help a search that found few items or none, as a legal search
// does: how many items hold some of the words rather than all, a spelling
// the index knows, what the query finds without its filters, and in the
// other language. Each query text is ready for the q parameter; a zero
// count means no hint of that kind.
type Hints struct {
	// AnyQuery joins the query's words with OR; AnyTotal counts its items.
	AnyQuery string
	AnyTotal uint64
	// Spelling is the query with its unknown words replaced by the
	// closest words of the index.
	Spelling      string
	SpellingTotal uint64
	// Unfiltered is the query without its field:value clauses, to be
	// asked without the request's filters either.
	Unfiltered      string
	UnfilteredTotal uint64
	// OtherLang is the language the request's one language filter
	// becomes, and what the search finds there.
	OtherLang      string
	OtherLangTotal uint64
}

// Hints computes the hints for a request that found total items. The
// spelling, filter and language hints are only looked for when total is 0.
func (ix *Index) Hints(ctx context.Context, r veille.SearchRequest, total uint64) (*Hints, error) {
	tree, err := parse(r.Query, ix.voc)
	if err != nil || tree == nil {
		return &Hints{}, err
	}
	h := &Hints{}
	count := func(q string, rr veille.SearchRequest) (uint64, error) {
		rr.Query, rr.Limit, rr.Offset, rr.NoFacets, rr.NoHighlight, rr.Sort = q, 1, 0, true, true, "date"
		res, err := ix.Search(ctx, rr)
		if err != nil {
			return 0, err
		}
		return res.Total, nil
	}
	if any := ix.anyWords(tree); any != "" {
		if h.AnyTotal, err = count(any, r); err != nil {
			return nil, fmt.Errorf("hints: %w", err)
		}
		if h.AnyTotal > total {
			h.AnyQuery = any
		} else {
			h.AnyTotal = 0
		}
	}
	if total > 0 {
		return h, nil
	}
	if sp, err := ix.spelling(ctx, tree); err != nil {
		return nil, fmt.Errorf("hints: %w", err)
	} else if sp != "" {
		if h.SpellingTotal, err = count(sp, r); err != nil {
			return nil, fmt.Errorf("hints: %w", err)
		}
		if h.SpellingTotal > 0 {
			h.Spelling = sp
		}
	}
	bare := withoutFields(tree)
	if filtered(r) || bare.query() != tree.query() {
		q := bare.query()
		if q == "" {
			q = "*"
		}
		if h.UnfilteredTotal, err = count(q, veille.SearchRequest{}); err != nil {
			return nil, fmt.Errorf("hints: %w", err)
		}
		if h.UnfilteredTotal > 0 {
			h.Unfiltered = q
		}
	}
	if len(r.Langs) == 1 {
		other := map[string]string{"fr": "en", "en": "fr"}[strings.ToLower(r.Langs[0])]
		if other != "" {
			rr := r
			rr.Langs = []string{other}
			if h.OtherLangTotal, err = count(r.Query, rr); err != nil {
				return nil, fmt.Errorf("hints: %w", err)
			}
			if h.OtherLangTotal > 0 {
				h.OtherLang = other
			}
		}
	}
	return h, nil
}

func filtered(r veille.SearchRequest) bool {
	return len(r.Domains)+len(r.Competences)+len(r.Sources)+len(r.Langs)+len(r.Jurisdictions) > 0 ||
		!r.Since.IsZero() || !r.Until.IsZero()
}

// anyWords is the query with OR between its terms, when it is a plain
// list of two terms or more (words, phrases, prefixes); a glossary term or
// category name of several words stays one term, and the query's filters
// and exclusions stay as they are. "" when there is nothing to relax.
func (ix *Index) anyWords(n *node) string {
	if n.kind != nAnd {
		return ""
	}
	var terms, rest []string
	var run []string
	flush := func() {
		i := 0
		for _, u := range ix.voc.units(run) {
			terms = append(terms, strings.Join(run[i:i+u.n], " "))
			i += u.n
		}
		run = run[:0]
	}
	for _, k := range n.kids {
		switch k.kind {
		case nWord:
			run = append(run, k.query())
			continue
		case nPhrase, nPrefix:
			flush()
			terms = append(terms, k.query())
		default:
			flush()
			rest = append(rest, k.query())
		}
	}
	flush()
	if len(terms) < 2 {
		return ""
	}
	for i, t := range terms {
		if strings.Contains(t, " ") && !strings.HasPrefix(t, `"`) {
			terms[i] = "(" + t + ")"
		}
	}
	any := strings.Join(terms, " OR ")
	if len(rest) > 0 {
		any = "(" + any + ") " + strings.Join(rest, " ")
	}
	return any
}

// maxSpellingCandidates bounds the words of the index weighed for one
// misspelt word.
const maxSpellingCandidates = 50

// spelling replaces each word the index does not hold by the most
// frequent word of the index within one edit (two for words of more than
// five letters), "" when no word needs it or none has a replacement.
func (ix *Index) spelling(ctx context.Context, n *node) (string, error) {
	adv, err := ix.idx.Advanced()
	if err != nil {
		return "", err
	}
	r, err := adv.Reader()
	if err != nil {
		return "", err
	}
	defer r.Close()
	fz, ok := r.(bleveindex.IndexReaderFuzzy)
	if !ok {
		return "", nil
	}
	la, err := analyzers()
	if err != nil {
		return "", err
	}
	changed := false
	var fix func(n *node) (*node, error)
	fix = func(n *node) (*node, error) {
		c := *n
		if n.kind == nWord && !n.acronym && !isNumberRef(n.text) {
			toks := la.exact.Analyze([]byte(n.text))
			if len(toks) != 1 {
				return &c, nil
			}
			term := string(toks[0].Term)
			fuzziness := 1
			if len([]rune(term)) > 5 {
				fuzziness = 2
			}
			d, err := fz.FieldDictFuzzy(fTextExact, term, fuzziness, "")
			if err != nil {
				return nil, err
			}
			// The fuzzy dictionary gives no counts: each candidate's is
			// read apart, for the first few candidates.
			var candidates []string
			known := false
			for len(candidates) < maxSpellingCandidates {
				e, err := d.Next()
				if err != nil || e == nil {
					break
				}
				if e.Term == term {
					known = true
					break
				}
				candidates = append(candidates, e.Term)
			}
			d.Close()
			best, bestCount := "", uint64(0)
			for _, cand := range candidates {
				if known {
					break
				}
				tfr, err := r.TermFieldReader(ctx, []byte(cand), fTextExact, false, false, false)
				if err != nil {
					return nil, err
				}
				if n := tfr.Count(); n > bestCount || n == bestCount && cand < best {
					best, bestCount = cand, n
				}
				tfr.Close()
			}
			if !known && best != "" {
				c.text, changed = best, true
			}
			return &c, nil
		}
		c.kids = make([]*node, len(n.kids))
		for i, k := range n.kids {
			var err error
			if c.kids[i], err = fix(k); err != nil {
				return nil, err
			}
		}
		return &c, nil
	}
	fixed, err := fix(n)
	if err != nil || !changed {
		return "", err
	}
	return fixed.query(), nil
}

// withoutFields is the tree without its field:value clauses.
func withoutFields(n *node) *node {
	if n.kind == nField {
		return nil
	}
	c := *n
	c.kids = nil
	for _, k := range n.kids {
		if w := withoutFields(k); w != nil {
			c.kids = append(c.kids, w)
		}
	}
	if (n.kind == nAnd || n.kind == nOr || n.kind == nNot) && len(c.kids) == 0 {
		return nil
	}
	return &c
}

// fieldNames gives each keyword field the name queries write it with.
var fieldNames = map[string]string{fID: "id", fSources: "source", fLang: "lang", fJurisdiction: "jurisdiction",
	fDomains: "domain", fCompetences: "competence"}

// query writes the tree back as query text that parses to the same tree.
func (n *node) query() string {
	if n == nil {
		return ""
	}
	switch n.kind {
	case nWord:
		return n.text
	case nPhrase:
		return `"` + n.text + `"`
	case nPrefix:
		return n.text + "*"
	case nField:
		return fieldNames[n.field] + `:"` + n.text + `"`
	case nNot:
		return "NOT " + n.kids[0].groupQuery()
	}
	op := " "
	if n.kind == nOr {
		op = " OR "
	}
	parts := make([]string, len(n.kids))
	for i, k := range n.kids {
		parts[i] = k.groupQuery()
	}
	return strings.Join(parts, op)
}

// groupQuery is query() in parentheses when it holds several terms.
func (n *node) groupQuery() string {
	if n.kind == nAnd || n.kind == nOr {
		return "(" + n.query() + ")"
	}
	return n.query()
}
