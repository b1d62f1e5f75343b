package index

import (
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
)

// wordAnalyzer finds, for snippets, the tokens of a text whose analysed
// term the query asked for, remembering what each word analyses to. The
// full analysis of the 2.5 KB kept per hit took a third of a search's time
// (stemming every word of 20 hits); words repeat across hits and searches,
// so after the first searches only the tokenizer runs. It gives the same
// marks as the full analysis because every token filter of our chains
// works on one token at a time (TestWordAnalyzerMatchesAnalyze).
type wordAnalyzer struct {
	full      analysis.Analyzer
	tokenizer analysis.Tokenizer
	filters   []analysis.TokenFilter

	mu    sync.RWMutex
	terms map[string][]string // raw word → its terms (none: a stop word)
}

// maxWords bounds the memory: the map is dropped and refilled when full
// (about 100 bytes a word).
const maxWords = 200000

func newWordAnalyzer(a analysis.Analyzer) *wordAnalyzer {
	wa := &wordAnalyzer{full: a, terms: map[string][]string{}}
	if d, ok := a.(*analysis.DefaultAnalyzer); ok && len(d.CharFilters) == 0 {
		wa.tokenizer, wa.filters = d.Tokenizer, d.TokenFilters
	}
	return wa
}

// marks are the spans of text whose analysed term is in terms, at most max.
func (wa *wordAnalyzer) marks(text string, terms map[string]bool, max int) []span {
	var out []span
	if wa.tokenizer == nil {
		for _, t := range wa.full.Analyze([]byte(text)) {
			if terms[string(t.Term)] {
				out = append(out, span{t.Start, t.End})
				if len(out) == max {
					break
				}
			}
		}
		return out
	}
	for _, t := range wa.tokenizer.Tokenize([]byte(text)) {
		for _, term := range wa.word(t) {
			if terms[term] {
				out = append(out, span{t.Start, t.End})
				break
			}
		}
		if len(out) == max {
			break
		}
	}
	return out
}

// word is what the token filters make of one token.
func (wa *wordAnalyzer) word(t *analysis.Token) []string {
	wa.mu.RLock()
	got, ok := wa.terms[string(t.Term)]
	wa.mu.RUnlock()
	if ok {
		return got
	}
	raw := string(t.Term)
	one := *t
	one.Term = []byte(raw) // a copy: filters may rewrite the bytes in place
	ts := analysis.TokenStream{&one}
	for _, f := range wa.filters {
		ts = f.Filter(ts)
	}
	got = make([]string, len(ts))
	for i, x := range ts {
		got[i] = string(x.Term)
	}
	wa.mu.Lock()
	if len(wa.terms) >= maxWords {
		wa.terms = make(map[string][]string, maxWords/4)
	}
	wa.terms[raw] = got
	wa.mu.Unlock()
	return got
}
