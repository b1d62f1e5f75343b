package index

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search/query"
)

// QueryError is a mistake in the user's query text or filters: the HTTP
// layer answers 400 with its message.
// Format and Args are the message before formatting, so that a page can
// say it in the reader's language (server/user_errors.go translates each
// format).
type QueryError struct {
	Msg    string
	Format string
	Args   []any
}

func (e *QueryError) Error() string { return "bad query: " + e.Msg }

func queryErrorf(format string, args ...any) *QueryError {
	return &QueryError{Msg: fmt.Sprintf(format, args...), Format: format, Args: args}
}

// Bounds on the query text, so that a pasted document or a hostile URL
// parameter cannot build a query with thousands of clauses.
const (
	maxQueryBytes   = 2000
	maxQueryClauses = 64
)

// titleBoost makes a match in the title count more than one in the text.
const titleBoost = 2.5

// allWordsBoost weighs the extra clause matching items that hold every
// plain word. Bleve's coord factor alone (score × words matched / words)
// let short items with two of three words outrank long acts holding all
// three: on 2,000 real JORF/Parliament items and 11 queries of 2–3 words,
// only 76% of the all-words items came before the others (boost 10: 93%,
// 30: 97%, 100: 100%).
const allWordsBoost = 100

type occur int

const (
	occurShould  occur = iota // plain word: helps ranking, one of them must match
	occurMust                 // +word, "phrase", field:value
	occurMustNot              // -word, -"phrase", -field:value
)

type clauseKind int

const (
	kindWord clauseKind = iota
	kindPhrase
	kindField
)

type clause struct {
	kind  clauseKind
	occur occur
	text  string // the word, the phrase, or the field value
	field string // index field, for kindField
}

// queryFields maps what users type before ':' to keyword fields. French
// spellings are accepted: the members write French.
var queryFields = map[string]string{
	"id":           fID,
	"source":       fSources,
	"sources":      fSources,
	"lang":         fLang,
	"langue":       fLang,
	"jurisdiction": fJurisdiction,
	"juridiction":  fJurisdiction,
	"domain":       fDomains,
	"domains":      fDomains,
	"domaine":      fDomains,
	"competence":   fCompetences,
	"competences":  fCompetences,
	"compétence":   fCompetences,
	"compétences":  fCompetences,
	"ref":          fRefs,
}

const knownFields = "domain, competence, source, lang, jurisdiction, id, ref"

// normalizeKeyword puts a filter value in the form keyword fields are
// indexed in: jurisdictions upper case (FR, EU, US), everything else lower.
func normalizeKeyword(field, v string) string {
	v = strings.TrimSpace(v)
	if field == fJurisdiction {
		return strings.ToUpper(v)
	}
	return strings.ToLower(v)
}

// parse splits the query text into clauses. Grammar, by whitespace:
//
//	word | "a phrase" | field:value | field:"a value"
//
// each optionally prefixed by - (exclude) or + (require). "*" alone stands
// for every item.
func parse(s string) ([]clause, error) {
	if !utf8.ValidString(s) {
		return nil, queryErrorf("query is not valid UTF-8")
	}
	if len(s) > maxQueryBytes {
		return nil, queryErrorf("query is too long (%d bytes, at most %d)", len(s), maxQueryBytes)
	}
	var out []clause
	i := 0
	for {
		for i < len(s) {
			r, n := utf8.DecodeRuneInString(s[i:])
			if !unicode.IsSpace(r) {
				break
			}
			i += n
		}
		if i >= len(s) {
			break
		}
		oc := occurShould
		if s[i] == '-' || s[i] == '+' {
			sign := s[i]
			if sign == '-' {
				oc = occurMustNot
			} else {
				oc = occurMust
			}
			i++
			if i >= len(s) || startsWithSpace(s[i:]) || s[i] == '-' || s[i] == '+' {
				return nil, queryErrorf("%q must be followed by a word or a \"phrase\"", string(sign))
			}
		}
		if startsWithQuote(s[i:]) {
			text, next, err := quoted(s, i)
			if err != nil {
				return nil, err
			}
			i = next
			if oc == occurShould {
				oc = occurMust // quoting asks for exactly this
			}
			if strings.TrimSpace(text) != "" {
				out = append(out, clause{kind: kindPhrase, occur: oc, text: text})
			}
		} else {
			start := i
			for i < len(s) && !startsWithQuote(s[i:]) && !startsWithSpace(s[i:]) {
				_, n := utf8.DecodeRuneInString(s[i:])
				i += n
			}
			word := s[start:i]
			c, next, err := wordOrField(s, word, i, oc)
			if err != nil {
				return nil, err
			}
			i = next
			if c != nil {
				out = append(out, *c)
			}
		}
		if len(out) > maxQueryClauses {
			return nil, queryErrorf("query has too many terms (at most %d)", maxQueryClauses)
		}
	}
	return out, nil
}

func startsWithSpace(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}

// isQuote: besides ", French text and keyboards give « », “ ” and „.
// Any of them opens a phrase and any closes it.
func isQuote(r rune) bool {
	switch r {
	case '"', '«', '»', '“', '”', '„':
		return true
	}
	return false
}

func startsWithQuote(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return isQuote(r)
}

// quoted reads the phrase opened by the quote at s[at] and returns it with
// the index after the closing quote.
func quoted(s string, at int) (string, int, error) {
	_, n := utf8.DecodeRuneInString(s[at:])
	start := at + n
	end := strings.IndexFunc(s[start:], isQuote)
	if end < 0 {
		return "", 0, queryErrorf("unbalanced quote: %q has no closing quote", s[at:])
	}
	_, m := utf8.DecodeRuneInString(s[start+end:])
	return s[start : start+end], start + end + m, nil
}

// wordOrField finishes a bare word that may be field:value or
// field:"quoted value"; next is where the word stopped.
func wordOrField(s, word string, next int, oc occur) (*clause, int, error) {
	name, value, isField := strings.Cut(word, ":")
	if !isField || name == "" || !isFieldName(name) || strings.HasPrefix(value, "//") {
		// Not field syntax: "ISO 13485:2016", a URL, a stray colon.
		if word == "*" {
			if oc != occurShould {
				return nil, 0, queryErrorf("%q cannot be excluded or required", word)
			}
			return nil, next, nil
		}
		return &clause{kind: kindWord, occur: oc, text: word}, next, nil
	}
	field, known := queryFields[strings.ToLower(name)]
	if value == "" && next < len(s) && startsWithQuote(s[next:]) {
		v, after, err := quoted(s, next)
		if err != nil {
			return nil, 0, err
		}
		value, next = v, after
	}
	if !known {
		return nil, 0, queryErrorf("unknown field %q (known fields: %s)", name, knownFields)
	}
	value = normalizeKeyword(field, value)
	if value == "" {
		return nil, 0, queryErrorf("%s: needs a value", name)
	}
	if oc == occurShould {
		oc = occurMust
	}
	return &clause{kind: kindField, occur: oc, text: value, field: field}, next, nil
}

func isFieldName(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) && r != '_' {
			return false
		}
	}
	return true
}

// ParseQuery turns the query text into a Bleve query over the per-language
// fields and the keyword fields. It returns a *QueryError for malformed
// text. An empty query, or "*", matches every item.
func ParseQuery(s string) (query.Query, error) {
	clauses, err := parse(s)
	if err != nil {
		return nil, err
	}
	q, _, err := buildQuery(clauses)
	return q, err
}

// highlightTerms are the analysed terms to mark in snippets, per language.
type highlightTerms struct{ fr, en map[string]bool }

func (h highlightTerms) empty() bool { return len(h.fr) == 0 && len(h.en) == 0 }

// buildQuery assembles the clauses. Plain words are "should" clauses with
// at least one required, plus a heavily boosted clause requiring them all,
// so items with every word rank first while an item missing one word still
// shows up; when a phrase or a +word is required,
// plain words only raise the score. field:value acts as a filter; values of
// one field are OR-ed, like the filters of a request.
// The highlight terms are also how Search tells a text query (sorted by
// relevance by default) from a filter-only one (sorted by date).
func buildQuery(clauses []clause) (query.Query, highlightTerms, error) {
	la, err := analyzers()
	if err != nil {
		return nil, highlightTerms{}, err
	}
	hl := highlightTerms{fr: map[string]bool{}, en: map[string]bool{}}
	var must, should, mustNot []query.Query
	var shouldWords []string
	fieldValues := map[string][]string{}
	var fieldOrder []string
	positiveText := 0
	for _, c := range clauses {
		switch c.kind {
		case kindField:
			tq := query.NewTermQuery(c.text)
			tq.SetField(c.field)
			if c.occur == occurMustNot {
				mustNot = append(mustNot, tq)
				continue
			}
			if _, seen := fieldValues[c.field]; !seen {
				fieldOrder = append(fieldOrder, c.field)
			}
			fieldValues[c.field] = append(fieldValues[c.field], c.text)
		default:
			if c.occur != occurMustNot {
				positiveText++
			}
			q := textQuery(la, c.text, c.kind == kindPhrase, c.occur != occurMustNot, 1, &hl)
			if q == nil {
				continue // only stop words or punctuation
			}
			switch c.occur {
			case occurShould:
				should = append(should, q)
				shouldWords = append(shouldWords, c.text)
			case occurMust:
				must = append(must, q)
			case occurMustNot:
				mustNot = append(mustNot, q)
			}
		}
	}
	var fieldFilters []query.Query
	for _, f := range fieldOrder {
		fieldFilters = append(fieldFilters, termsQuery(f, fieldValues[f]))
	}
	if positiveText > 0 && len(must) == 0 && len(should) == 0 && len(mustNot) == 0 && len(fieldFilters) == 0 {
		// Only stop words were typed: nothing can match them. Alongside
		// other clauses they are simply dropped.
		return query.NewMatchNoneQuery(), hl, nil
	}
	if len(must) == 0 && len(should) == 0 && len(mustNot) == 0 && len(fieldFilters) == 0 {
		return query.NewMatchAllQuery(), hl, nil
	}
	if len(shouldWords) > 1 {
		all := make([]query.Query, 0, len(shouldWords))
		for _, w := range shouldWords {
			all = append(all, textQuery(la, w, false, false, allWordsBoost, &hl))
		}
		should = append(should, query.NewConjunctionQuery(all))
	}
	bq := query.NewBooleanQuery(nil, nil, nil)
	switch {
	case len(must) == 0 && len(should) > 0:
		d := query.NewDisjunctionQuery(should)
		d.SetMin(1)
		bq.AddMust(d)
	default:
		bq.AddMust(must...)
		if len(should) > 0 {
			bq.AddShould(should...)
		}
	}
	if len(mustNot) > 0 {
		bq.AddMustNot(mustNot...)
	}
	// field:value restricts like a filter of the request and leaves the
	// scores to the words. Bleve starts from every item when a boolean
	// has only a filter or only exclusions.
	switch len(fieldFilters) {
	case 0:
	case 1:
		bq.AddFilter(fieldFilters[0])
	default:
		bq.AddFilter(query.NewConjunctionQuery(fieldFilters))
	}
	return bq, hl, nil
}

// textQuery searches a word or phrase in both languages' title and text
// fields, each analysed by its own analyzer. A word the analyzer splits
// ("510(k)", "2017/745", "541-10") becomes a phrase over its parts. A word
// that either language drops as a stop word ("de", "the", "L.") is dropped
// from both, so "de" is not looked for in English text. It returns nil when
// nothing is left to search.
func textQuery(la *langAnalyzers, text string, phrase, positive bool, boost float64, hl *highlightTerms) query.Query {
	q := wordQuery(la, text, phrase, positive, boost, hl)
	if phrase || q == nil {
		return q
	}
	// The expansions form one clause: Bleve scales a disjunction by the
	// share of its clauses that match, so an item matching several
	// expansions must not outrank one holding the word itself.
	var alts []query.Query
	for _, e := range expansions(text) {
		// A phrase scores about the sum of its words: divide so a long
		// expansion does not outweigh the word the user typed.
		b := boost * synonymBoost / float64(len(strings.Fields(e)))
		if eq := wordQuery(la, e, false, positive, b, hl); eq != nil {
			alts = append(alts, eq)
		}
	}
	switch len(alts) {
	case 0:
		return q
	case 1:
		return query.NewDisjunctionQuery([]query.Query{q, alts[0]})
	}
	return query.NewDisjunctionQuery([]query.Query{q, query.NewDisjunctionQuery(alts)})
}

// wordQuery is textQuery without synonyms.
func wordQuery(la *langAnalyzers, text string, phrase, positive bool, boost float64, hl *highlightTerms) query.Query {
	frTokens, enTokens := la.fr.Analyze([]byte(text)), la.en.Analyze([]byte(text))
	if !phrase && (len(frTokens) == 0 || len(enTokens) == 0) {
		return nil
	}
	var alts []query.Query
	for _, l := range []struct {
		tokens      analysis.TokenStream
		title, body string
		analyzer    string
		terms       map[string]bool
	}{
		{frTokens, fTitleFr, fTextFr, analyzerFr, hl.fr},
		{enTokens, fTitleEn, fTextEn, analyzerEn, hl.en},
	} {
		tokens := l.tokens
		if len(tokens) == 0 {
			continue
		}
		if positive {
			for _, t := range tokens {
				l.terms[string(t.Term)] = true
			}
		}
		for _, f := range []string{l.title, l.body} {
			var q query.Query
			if len(tokens) == 1 && !phrase {
				tq := query.NewTermQuery(string(tokens[0].Term))
				tq.SetField(f)
				q = tq
				tq.SetBoost(boost)
				if f == l.title {
					tq.SetBoost(titleBoost * boost)
				}
			} else {
				pq := query.NewMatchPhraseQuery(text)
				pq.SetField(f)
				pq.Analyzer = l.analyzer
				pq.SetBoost(boost)
				if f == l.title {
					pq.SetBoost(titleBoost * boost)
				}
				q = pq
			}
			alts = append(alts, q)
		}
	}
	if len(alts) == 0 {
		return nil
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
