package index

import (
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search/query"
)

// highlightTerms are the analysed terms to mark in snippets, per language.
type highlightTerms struct{ fr, en map[string]bool }

func (h highlightTerms) empty() bool { return len(h.fr) == 0 && len(h.en) == 0 }

// Weights of the glossary's expansions: below the words the user typed,
// and lower in the other language than in the query's, so that of two
// items equally relevant the one in the query's language ranks first.
const (
	sameLangBoost  = 0.8
	otherLangBoost = 0.5
)

// categoryBoost weighs an item's tag named by the query's words: below
// the words themselves, which say more than a tag.
const categoryBoost = otherLangBoost

// exactBoost weighs an acronym or a number typed as written: the exact
// field mixes title and text, so it gets the title's weight; a spelled-out
// expansion matching a title must not outrank the acronym itself.
const exactBoost = titleBoost

// builder turns a parsed query into a Bleve query, collecting the terms
// snippets mark.
type builder struct {
	la  *langAnalyzers
	voc *Vocabulary
	hl  highlightTerms
}

// buildQuery assembles the tree. Every word is required, with its
// inflections (the language analysers) and its glossary synonyms and
// translations; field:value restricts like a filter of the request and
// leaves the scores to the words (values of one field are OR-ed, like the
// filters of a request). The highlight terms are also how Search tells a
// text query (sorted by relevance by default) from a filter-only one
// (sorted by date).
func buildQuery(n *node, voc *Vocabulary) (query.Query, highlightTerms, error) {
	la, err := analyzers()
	if err != nil {
		return nil, highlightTerms{}, err
	}
	b := &builder{la: la, voc: voc, hl: highlightTerms{fr: map[string]bool{}, en: map[string]bool{}}}
	if n == nil {
		return query.NewMatchAllQuery(), b.hl, nil
	}
	q := b.build(n, true)
	if q == nil {
		// Only stop words or punctuation: nothing can match them.
		return query.NewMatchNoneQuery(), b.hl, nil
	}
	return q, b.hl, nil
}

// build is the query of one node, nil when nothing is left to search (stop
// words). positive is false under a NOT: its words are not highlighted.
func (b *builder) build(n *node, positive bool) query.Query {
	switch n.kind {
	case nWord:
		return b.words([]*node{n}, positive)[0]
	case nPhrase:
		return b.phrase(n.text, positive)
	case nPrefix:
		return b.prefix(n.text)
	case nField:
		tq := query.NewTermQuery(n.text)
		tq.SetField(n.field)
		return tq
	case nNot:
		inner := b.build(n.kids[0], !positive)
		if inner == nil {
			return nil
		}
		bq := query.NewBooleanQuery(nil, nil, nil)
		bq.AddMustNot(inner) // Bleve starts from every item
		return bq
	case nOr:
		var qs []query.Query
		for _, k := range n.kids {
			if q := b.build(k, positive); q != nil {
				qs = append(qs, q)
			}
		}
		switch len(qs) {
		case 0:
			return nil
		case 1:
			return qs[0]
		}
		return query.NewDisjunctionQuery(qs)
	}
	return b.and(n.kids, positive)
}

// and requires every kid. Consecutive words are read together, so that
// "medical device" is looked up in the glossary as one term.
func (b *builder) and(kids []*node, positive bool) query.Query {
	var must, mustNot []query.Query
	fieldValues := map[string][]string{}
	var fieldOrder []string
	var run []*node
	flush := func() {
		for _, q := range b.words(run, positive) {
			if q != nil {
				must = append(must, q)
			}
		}
		run = run[:0]
	}
	for _, k := range kids {
		if k.kind == nWord {
			run = append(run, k)
			continue
		}
		flush()
		switch k.kind {
		case nNot:
			if q := b.build(k.kids[0], !positive); q != nil {
				mustNot = append(mustNot, q)
			}
		case nField:
			if _, seen := fieldValues[k.field]; !seen {
				fieldOrder = append(fieldOrder, k.field)
			}
			fieldValues[k.field] = append(fieldValues[k.field], k.text)
		default:
			if q := b.build(k, positive); q != nil {
				must = append(must, q)
			}
		}
	}
	flush()
	var filters []query.Query
	for _, f := range fieldOrder {
		filters = append(filters, termsQuery(f, fieldValues[f]))
	}
	if len(must) == 0 && len(mustNot) == 0 && len(filters) == 0 {
		return nil
	}
	if len(must) == 1 && len(mustNot) == 0 && len(filters) == 0 {
		return must[0]
	}
	bq := query.NewBooleanQuery(nil, nil, nil)
	if len(must) > 0 {
		bq.AddMust(must...)
	}
	if len(mustNot) > 0 {
		bq.AddMustNot(mustNot...)
	}
	// Bleve starts from every item when a boolean has only a filter or
	// only exclusions.
	switch len(filters) {
	case 0:
	case 1:
		bq.AddFilter(filters[0])
	default:
		bq.AddFilter(query.NewConjunctionQuery(filters))
	}
	return bq
}

// words are the queries of consecutive words, one per glossary term,
// category name or lone word (nil for a stop word). A glossary term is the words as typed
// or any other term of its entry: the expansions form one clause, since
// Bleve scales a disjunction by the share of its clauses that match, and
// an item matching several expansions must not outrank one holding the
// words themselves.
func (b *builder) words(run []*node, positive bool) []query.Query {
	texts := make([]string, len(run))
	for i, w := range run {
		texts[i] = w.text
	}
	var out []query.Query
	for i := 0; i < len(run); {
		e, typed, n := b.voc.lookup(texts[i:])
		var cats []catRef
		if e != nil {
			keys := make([]string, len(e.terms))
			for j, t := range e.terms {
				keys[j] = t.key
			}
			cats = b.voc.categories(keys...)
		} else if cats, n = b.voc.lookupCategory(texts[i:]); n == 0 {
			out = append(out, b.word(run[i], positive))
			i++
			continue
		}
		var self []query.Query
		for _, w := range run[i : i+n] {
			if q := b.word(w, positive); q != nil {
				self = append(self, q)
			}
		}
		var alts []query.Query
		if e != nil {
			for _, t := range e.terms {
				if t.key == typed.key {
					continue
				}
				boost := sameLangBoost
				if typed.lang != "" && t.lang != "" && t.lang != typed.lang {
					boost = otherLangBoost
				}
				if q := b.term(t, positive, boost); q != nil {
					alts = append(alts, q)
				}
			}
		}
		// Words that name a category of the taxonomy also find the items
		// tagged with it: an FDA device recall is about a medical device
		// though its text never says so.
		for _, c := range cats {
			tq := query.NewTermQuery(c.id)
			tq.SetField(c.field)
			tq.SetBoost(categoryBoost)
			alts = append(alts, tq)
		}
		var unit query.Query
		switch len(self) {
		case 0:
		case 1:
			unit = self[0]
		default:
			unit = query.NewConjunctionQuery(self)
		}
		switch {
		case len(alts) == 0:
		case unit == nil:
			unit = query.NewDisjunctionQuery(alts)
		default:
			unit = query.NewDisjunctionQuery([]query.Query{unit, query.NewDisjunctionQuery(alts)})
		}
		out = append(out, unit)
		i += n
	}
	return out
}

// word is one typed word: an acronym or a number as written, else the word
// with its inflections in both languages.
func (b *builder) word(w *node, positive bool) query.Query {
	if w.acronym || isNumberRef(w.text) {
		return b.exact(w.text, positive, exactBoost)
	}
	return b.text(w.text, "", positive, 1)
}

// term is a glossary term the query expands to.
func (b *builder) term(t glossTerm, positive bool, boost float64) query.Query {
	if t.acronym || isNumberRef(t.text) {
		return b.exact(t.text, positive, boost)
	}
	// A phrase scores about the sum of its words: divide, so that a long
	// expansion does not outweigh the words the user typed.
	return b.text(t.text, t.lang, positive, boost/float64(len(strings.Fields(t.text))))
}

// exact looks a term up as written in the exact field.
func (b *builder) exact(term string, positive bool, boost float64) query.Query {
	if positive {
		b.mark(term)
	}
	tq := query.NewTermQuery(term)
	tq.SetField(fExact)
	tq.SetBoost(boost)
	return tq
}

// mark adds the analysed terms of text to the highlight terms.
func (b *builder) mark(text string) {
	for _, t := range b.la.fr.Analyze([]byte(text)) {
		b.hl.fr[string(t.Term)] = true
	}
	for _, t := range b.la.en.Analyze([]byte(text)) {
		b.hl.en[string(t.Term)] = true
	}
}

// phrase is "exact words": unstemmed, in order, in the title or the text.
func (b *builder) phrase(text string, positive bool) query.Query {
	if len(b.la.exact.Analyze([]byte(text))) == 0 {
		return nil
	}
	if positive {
		b.mark(text)
	}
	var alts []query.Query
	for _, f := range []string{fTitleExact, fTextExact} {
		pq := query.NewMatchPhraseQuery(text)
		pq.SetField(f)
		pq.Analyzer = analyzerExact
		if f == fTitleExact {
			pq.SetBoost(titleBoost)
		}
		alts = append(alts, pq)
	}
	return query.NewDisjunctionQuery(alts)
}

// prefix is word*: the unstemmed words that start so.
func (b *builder) prefix(text string) query.Query {
	toks := b.la.exact.Analyze([]byte(text))
	if len(toks) == 0 {
		return nil
	}
	var alts []query.Query
	for _, f := range []string{fTitleExact, fTextExact} {
		pq := query.NewPrefixQuery(string(toks[len(toks)-1].Term))
		pq.SetField(f)
		if f == fTitleExact {
			pq.SetBoost(titleBoost)
		}
		alts = append(alts, pq)
	}
	q := query.Query(query.NewDisjunctionQuery(alts))
	if len(toks) > 1 { // "L.541*": the words before the last are required as typed
		before := query.NewMatchPhraseQuery(text[:toks[len(toks)-1].Start])
		before.SetField(fTextExact)
		before.Analyzer = analyzerExact
		q = query.NewConjunctionQuery([]query.Query{before, q})
	}
	return q
}

// text searches a word or several (as a phrase) in the title and text
// fields of lang ("" for both), each analysed by its own analyser. A word
// the analyser splits ("510(k)", "L.541-10") becomes a phrase over its
// parts. A word that either language drops as a stop word ("de", "the") is
// dropped from both, so "de" is not looked for in English text. It returns
// nil when nothing is left to search.
func (b *builder) text(text, lang string, positive bool, boost float64) query.Query {
	frTokens, enTokens := b.la.fr.Analyze([]byte(text)), b.la.en.Analyze([]byte(text))
	switch lang {
	case "fr":
		enTokens = nil
		if len(frTokens) == 0 {
			return nil
		}
	case "en":
		frTokens = nil
		if len(enTokens) == 0 {
			return nil
		}
	default:
		if len(frTokens) == 0 || len(enTokens) == 0 {
			return nil
		}
	}
	var alts []query.Query
	for _, l := range []struct {
		tokens      analysis.TokenStream
		title, body string
		analyzer    string
		terms       map[string]bool
	}{
		{frTokens, fTitleFr, fTextFr, analyzerFr, b.hl.fr},
		{enTokens, fTitleEn, fTextEn, analyzerEn, b.hl.en},
	} {
		if len(l.tokens) == 0 {
			continue
		}
		if positive {
			for _, t := range l.tokens {
				l.terms[string(t.Term)] = true
			}
		}
		for _, f := range []string{l.title, l.body} {
			fb := boost
			if f == l.title {
				fb = titleBoost * boost
			}
			if len(l.tokens) == 1 {
				tq := query.NewTermQuery(string(l.tokens[0].Term))
				tq.SetField(f)
				tq.SetBoost(fb)
				alts = append(alts, tq)
				continue
			}
			pq := query.NewMatchPhraseQuery(text)
			pq.SetField(f)
			pq.Analyzer = l.analyzer
			pq.SetBoost(fb)
			alts = append(alts, pq)
		}
	}
	return query.NewDisjunctionQuery(alts)
}

func termsQuery(field string, values []string) query.Query {
	if len(values) == 1 {
		tq := query.NewTermQuery(values[0])
		tq.SetField(field)
		return tq
	}
	qs := make([]query.Query, 0, len(values))
	for _, v := range values {
		tq := query.NewTermQuery(v)
		tq.SetField(field)
		qs = append(qs, tq)
	}
	return query.NewDisjunctionQuery(qs)
}
