package index

import (
	"strings"

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
	// lang is the query's language, "" when unknown (queryLang).
	lang string
}

// queryLang is the language of the words typed that the glossary knows in
// one language only: "fr" or "en" when one has more, else "".
func (b *builder) queryLang(n *node) string {
	votes := map[string]int{}
	vote := func(words []string) {
		for _, u := range b.voc.units(words) {
			if u.entry != nil && u.typed.lang != "" {
				votes[u.typed.lang]++
			}
		}
	}
	var walk func(n *node)
	walk = func(n *node) {
		switch n.kind {
		case nWord:
			vote([]string{n.text})
		case nAnd:
			var run []string
			for _, k := range n.kids {
				if k.kind == nWord {
					run = append(run, k.text)
					continue
				}
				vote(run)
				run = run[:0]
				walk(k)
			}
			vote(run)
		default:
			for _, k := range n.kids {
				walk(k)
			}
		}
	}
	walk(n)
	switch {
	case votes["fr"] > votes["en"]:
		return "fr"
	case votes["en"] > votes["fr"]:
		return "en"
	}
	return ""
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
	b.lang = b.queryLang(n)
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
// category name or lone word (nil for a stop word).
//
// A unit is one flat disjunction: the typed words in French, the typed
// words in English, each expansion in its own language, the acronyms and
// numbers as written, the categories named. Bleve scales a disjunction by
// the share of its clauses that match, so every clause has the same shape
// (title or text of one language), and an item matching the words typed
// and one matching a translation differ only by the weights: the
// translation's is lower, so of two items equally relevant the one in the
// query's language ranks first.
func (b *builder) words(run []*node, positive bool) []query.Query {
	texts := make([]string, len(run))
	for i, w := range run {
		texts[i] = w.text
	}
	var out []query.Query
	i := 0
	for _, u := range b.voc.units(texts) {
		e, typed, cats, n := u.entry, u.typed, u.cats, u.n
		clauses := b.self(run[i:i+n], positive)
		if e != nil {
			for _, t := range e.terms {
				if t.key == typed.key || e.redundant(t) {
					continue
				}
				boost := sameLangBoost
				if typed.lang != "" && t.lang != "" && t.lang != typed.lang {
					boost = otherLangBoost
				}
				if q := b.term(t, positive, boost); q != nil {
					clauses = append(clauses, q)
				}
			}
		}
		// An entry that stands for an act (glossary "ref") also finds the
		// items citing it or being it: "MDR" finds an item that only
		// writes "règlement (UE) 2017/745".
		if e != nil && e.ref != "" {
			if k := keywords(fRefs, []string{e.ref}); len(k) == 1 {
				tq := query.NewTermQuery(k[0])
				tq.SetField(fRefs)
				tq.SetBoost(categoryBoost)
				clauses = append(clauses, tq)
			}
		}
		// Words that name a category of the taxonomy also find the items
		// tagged with it: an FDA device recall is about a medical device
		// though its text never says so.
		for _, c := range cats {
			tq := query.NewTermQuery(c.id)
			tq.SetField(c.field)
			tq.SetBoost(categoryBoost)
			clauses = append(clauses, tq)
		}
		switch len(clauses) {
		case 0:
			out = append(out, nil)
		case 1:
			out = append(out, clauses[0])
		default:
			out = append(out, query.NewDisjunctionQuery(clauses))
		}
		i += n
	}
	return out
}

// self is what the typed words match: an acronym or a number as written;
// else the words, each with its inflections, all in the French fields or
// all in the English ones. A word that either language drops as a stop
// word ("de", "the") is dropped from both, so "de" is not looked for in
// English text.
func (b *builder) self(words []*node, positive bool) []query.Query {
	var exact, out []query.Query
	for _, lang := range []string{"fr", "en"} {
		var parts []query.Query
		for _, w := range words {
			switch {
			case w.acronym || isNumberRef(w.text):
				if lang == "fr" { // once: the exact field has no language
					exact = append(exact, b.exact(w.text, positive, exactBoost))
				}
			case len(b.la.fr.Analyze([]byte(w.text))) == 0 || len(b.la.en.Analyze([]byte(w.text))) == 0:
			default:
				boost := 1.0
				if b.lang != "" && lang != b.lang {
					// The words typed, found in an item of the other
					// language: of two items equally relevant, the one
					// in the query's language comes first.
					boost = otherLangBoost
				}
				parts = append(parts, b.text(w.text, lang, positive, boost))
			}
		}
		switch len(parts) {
		case 0:
		case 1:
			out = append(out, parts[0])
		default:
			out = append(out, query.NewConjunctionQuery(parts))
		}
	}
	switch {
	case len(exact) == 0:
		return out
	case len(out) == 0 && len(exact) == 1:
		return exact
	case len(out) > 0:
		// Words and an acronym or number: all are required.
		out = []query.Query{query.NewDisjunctionQuery(out)}
	}
	return []query.Query{query.NewConjunctionQuery(append(exact, out...))}
}

// term is a glossary term the query expands to.
func (b *builder) term(t glossTerm, positive bool, boost float64) query.Query {
	if t.acronym || isNumberRef(t.text) {
		return b.exact(t.text, positive, boost)
	}
	// A phrase scores about the sum of its words: divide, so that a long
	// expansion does not outweigh the words the user typed.
	words := strings.Fields(t.text)
	boost /= float64(len(words))
	if len(words) <= maxPhraseWords {
		return b.text(t.text, t.lang, positive, boost)
	}
	// A long spelled-out form ("installations classées pour la protection
	// de l'environnement") is distinctive by its words together; checking
	// their positions tripled the time of a two-word search.
	var all []query.Query
	for _, w := range words {
		if q := b.text(w, t.lang, positive, boost); q != nil {
			all = append(all, q)
		}
	}
	if len(all) == 0 {
		return nil
	}
	return query.NewConjunctionQuery(all)
}

// maxPhraseWords is the longest expansion searched as a phrase.
const maxPhraseWords = 3

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
// fields of one language, analysed by its analyser. A word the analyser
// splits ("510(k)", "L.541-10") becomes a phrase over its parts. It
// returns nil when nothing is left to search.
func (b *builder) text(text, lang string, positive bool, boost float64) query.Query {
	a, title, body, analyzer, terms := b.la.fr, fTitleFr, fTextFr, analyzerFr, b.hl.fr
	if lang == "en" {
		a, title, body, analyzer, terms = b.la.en, fTitleEn, fTextEn, analyzerEn, b.hl.en
	}
	tokens := a.Analyze([]byte(text))
	if len(tokens) == 0 {
		return nil
	}
	if positive {
		for _, t := range tokens {
			terms[string(t.Term)] = true
		}
	}
	var alts []query.Query
	for _, f := range []string{title, body} {
		fb := boost
		if f == title {
			fb = titleBoost * boost
		}
		if len(tokens) == 1 {
			tq := query.NewTermQuery(string(tokens[0].Term))
			tq.SetField(f)
			tq.SetBoost(fb)
			alts = append(alts, tq)
			continue
		}
		pq := query.NewMatchPhraseQuery(text)
		pq.SetField(f)
		pq.Analyzer = analyzer
		pq.SetBoost(fb)
		alts = append(alts, pq)
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
