package index

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/nogentech/veille"
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

// maxDepth bounds the nesting of parentheses and NOT.
const maxDepth = 20

// The query language, as EUR-Lex and Légifrance users expect it:
//
//	implant recall             every word, each with its inflections and synonyms
//	implant OR prothèse        either (OU in French); AND (ET) may be written
//	recall NOT food            not (SAUF in French; -food too)
//	"dispositifs médicaux"     exactly these words, unstemmed
//	implant*                   words starting so (at least 3 letters)
//	(implant OR prothèse) rappel
//	REACH                      in capitals: the acronym only, not "reach"
//	2017/745                   this number with this separator, not 2017-745
//	domain:environment         a filter; domaine:environnement too (ids and labels)
//
// Operators are recognised in capitals only, so "or" and "et" stay words.
// A plain word is required; "+word" says so explicitly.

type nodeKind int

const (
	nWord   nodeKind = iota // a word: inflections, glossary synonyms
	nPhrase                 // "exact words"
	nPrefix                 // word*
	nField                  // field:value, a filter
	nAnd
	nOr
	nNot
)

type node struct {
	kind  nodeKind
	text  string // word, phrase, prefix or field value
	field string // index field, for nField
	kids  []*node
	// acronym: a word typed as an acronym, matched as written.
	acronym bool
}

// String writes the tree, for tests and logs.
func (n *node) String() string {
	switch n.kind {
	case nWord:
		if n.acronym {
			return "ACR:" + n.text
		}
		return n.text
	case nPhrase:
		return strconv.Quote(n.text)
	case nPrefix:
		return n.text + "*"
	case nField:
		return n.field + ":" + n.text
	}
	names := map[nodeKind]string{nAnd: "AND", nOr: "OR", nNot: "NOT"}
	parts := make([]string, len(n.kids))
	for i, k := range n.kids {
		parts[i] = k.String()
	}
	return names[n.kind] + "(" + strings.Join(parts, " ") + ")"
}

type tokKind int

const (
	tTerm tokKind = iota // a word, phrase, prefix or field clause (in n)
	tOpen
	tClose
	tAnd
	tOr
	tNot
)

type token struct {
	kind tokKind
	n    *node
	neg  bool // written with a leading -
	// word is what was typed, for an operator that stands where it
	// cannot act ("NOT" at the end): it is then a word.
	word string
}

// operators in capitals, French and English.
var operators = map[string]tokKind{"AND": tAnd, "ET": tAnd, "OR": tOr, "OU": tOr, "NOT": tNot, "SAUF": tNot}

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

// parse reads the query text into a tree; nil means every item. voc names
// the field values.
func parse(s string, voc *Vocabulary) (*node, error) {
	if !utf8.ValidString(s) {
		return nil, queryErrorf("query is not valid UTF-8")
	}
	if len(s) > maxQueryBytes {
		return nil, queryErrorf("query is too long (%d bytes, at most %d)", len(s), maxQueryBytes)
	}
	toks, err := tokenize(s, voc)
	if err != nil {
		return nil, err
	}
	terms := 0
	for _, t := range toks {
		if t.kind == tTerm {
			terms++
		}
	}
	if terms > maxQueryClauses {
		return nil, queryErrorf("query has too many terms (at most %d)", maxQueryClauses)
	}
	markAcronyms(s, toks)
	p := &parser{toks: toks}
	n, err := p.or(0)
	if err != nil {
		return nil, err
	}
	if p.i < len(p.toks) { // a ")" with no "("
		return nil, queryErrorf("unbalanced parenthesis: %q closes nothing", ")")
	}
	return n, nil
}

// markAcronyms flags the words typed as acronyms, unless the whole query is
// in capitals: three words or more with no small letter is shouting, not
// acronyms.
func markAcronyms(s string, toks []token) {
	words := 0
	for _, t := range toks {
		if t.kind == tTerm && t.n.kind == nWord {
			words++
		}
	}
	if words >= 3 && strings.ToUpper(s) == s {
		return
	}
	for _, t := range toks {
		if t.kind == tTerm && t.n.kind == nWord && veille.IsAcronym(t.n.text) {
			t.n.acronym = true
		}
	}
}

type parser struct {
	toks []token
	i    int
}

func (p *parser) peek() tokKind {
	if p.i >= len(p.toks) {
		return -1
	}
	return p.toks[p.i].kind
}

// or := and (OR and)*
func (p *parser) or(depth int) (*node, error) {
	var alts []*node
	for {
		n, err := p.and(depth)
		if err != nil {
			return nil, err
		}
		if n != nil {
			alts = append(alts, n)
		}
		if p.peek() != tOr {
			break
		}
		p.i++ // an OR with nothing on one side is dropped
	}
	switch len(alts) {
	case 0:
		return nil, nil
	case 1:
		return alts[0], nil
	}
	return &node{kind: nOr, kids: alts}, nil
}

// and := unary ([AND] unary)*, up to ")" or OR.
func (p *parser) and(depth int) (*node, error) {
	var all []*node
	for {
		switch p.peek() {
		case -1, tClose, tOr:
			switch len(all) {
			case 0:
				return nil, nil
			case 1:
				return all[0], nil
			}
			return &node{kind: nAnd, kids: all}, nil
		case tAnd:
			p.i++
			continue
		}
		n, err := p.unary(depth)
		if err != nil {
			return nil, err
		}
		if n != nil {
			all = append(all, n)
		}
	}
}

// unary := NOT unary | -primary | primary
func (p *parser) unary(depth int) (*node, error) {
	if depth > maxDepth {
		return nil, queryErrorf("query is nested too deep (at most %d levels)", maxDepth)
	}
	t := p.toks[p.i]
	if t.kind == tNot {
		p.i++
		if k := p.peek(); k == -1 || k == tClose || k == tOr {
			return wordNode(t.word), nil // "NOT" at the end: a word
		}
		n, err := p.unary(depth + 1)
		if err != nil || n == nil {
			return n, err
		}
		return &node{kind: nNot, kids: []*node{n}}, nil
	}
	n, err := p.primary(depth)
	if err != nil || n == nil || !t.neg {
		return n, err
	}
	return &node{kind: nNot, kids: []*node{n}}, nil
}

func (p *parser) primary(depth int) (*node, error) {
	t := p.toks[p.i]
	p.i++
	if t.kind == tOpen {
		n, err := p.or(depth + 1)
		if err != nil {
			return nil, err
		}
		if p.peek() != tClose {
			return nil, queryErrorf("unbalanced parenthesis: %q is never closed", "(")
		}
		p.i++
		return n, nil
	}
	return t.n, nil
}

func wordNode(w string) *node { return &node{kind: nWord, text: w} }

// tokenize splits the text at spaces, quotes and parentheses. A sign
// (- or +) sticks to what follows it.
func tokenize(s string, voc *Vocabulary) ([]token, error) {
	var out []token
	depth := 0 // open parentheses, so that 510(k) keeps its ")"
	i := 0
	for {
		for i < len(s) && startsWithSpace(s[i:]) {
			_, n := utf8.DecodeRuneInString(s[i:])
			i += n
		}
		if i >= len(s) {
			return out, nil
		}
		neg := false
		if s[i] == '-' || s[i] == '+' {
			sign := s[i]
			neg = sign == '-'
			i++
			if i >= len(s) || startsWithSpace(s[i:]) || s[i] == '-' || s[i] == '+' || s[i] == ')' {
				return nil, queryErrorf("%q must be followed by a word or a \"phrase\"", string(sign))
			}
		}
		switch {
		case s[i] == '(':
			out = append(out, token{kind: tOpen, neg: neg, word: "("})
			depth++
			i++
			continue
		case s[i] == ')':
			out = append(out, token{kind: tClose, word: ")"})
			depth--
			i++
			continue
		case startsWithQuote(s[i:]):
			text, next, err := quoted(s, i)
			if err != nil {
				return nil, err
			}
			i = next
			if strings.TrimSpace(text) != "" {
				out = append(out, token{kind: tTerm, neg: neg, n: &node{kind: nPhrase, text: text}})
			}
			continue
		}
		start, inner := i, 0
		for i < len(s) && !startsWithQuote(s[i:]) && !startsWithSpace(s[i:]) {
			if s[i] == '(' {
				inner++
			} else if s[i] == ')' {
				if inner == 0 && depth > 0 {
					break // closes a group: "(implant OR prothèse)"
				}
				inner--
			}
			_, n := utf8.DecodeRuneInString(s[i:])
			i += n
		}
		word := s[start:i]
		if op, ok := operators[word]; ok && !neg {
			out = append(out, token{kind: op, word: word})
			continue
		}
		n, next, err := wordOrField(s, word, i, neg, voc)
		if err != nil {
			return nil, err
		}
		i = next
		if n != nil {
			out = append(out, token{kind: tTerm, neg: neg, n: n})
		}
	}
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

// wordOrField finishes a bare word that may be field:value,
// field:"quoted value" or prefix*; next is where the word stopped.
func wordOrField(s, word string, next int, neg bool, voc *Vocabulary) (*node, int, error) {
	name, value, isField := strings.Cut(word, ":")
	if !isField || name == "" || !isFieldName(name) || strings.HasPrefix(value, "//") {
		// Not field syntax: "ISO 13485:2016", a URL, a stray colon.
		switch {
		case word == "*":
			if neg {
				return nil, 0, queryErrorf("%q cannot be excluded", word)
			}
			return nil, next, nil
		case strings.HasSuffix(word, "*") && len(word) > 1:
			stem := strings.TrimRight(word, "*")
			if utf8.RuneCountInString(stem) < 3 {
				return nil, 0, queryErrorf("%q: a prefix needs at least 3 letters before *", word)
			}
			return &node{kind: nPrefix, text: stem}, next, nil
		}
		return wordNode(word), next, nil
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
	if strings.TrimSpace(value) == "" {
		return nil, 0, queryErrorf("%s: needs a value", name)
	}
	v, ok := voc.fieldValue(field, value)
	if !ok {
		return nil, 0, queryErrorf("%s: no value %q (values: %s)", name, value, voc.valueNames(field))
	}
	return &node{kind: nField, text: v, field: field}, next, nil
}

func isFieldName(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) && r != '_' {
			return false
		}
	}
	return true
}

// ParseQuery is ParseQuery with this vocabulary: a config's glossary, and
// its domains and competences as the values of domain: and competence:.
func (v *Vocabulary) ParseQuery(s string) (query.Query, error) {
	n, err := parse(s, v)
	if err != nil {
		return nil, err
	}
	q, _, err := buildQuery(n, v)
	return q, err
}
