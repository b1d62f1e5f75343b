package index

import (
	"slices"
	"testing"

	txt "github.com/nogentech/veille/internal/text"
)

// The word cache marks exactly the tokens the full analysis marks, on real
// French and English texts, cold and warm.
func TestWordAnalyzerMatchesAnalyze(t *testing.T) {
	base, err := corpus()
	if err != nil {
		t.Fatal(err)
	}
	la, err := analyzers()
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		words *wordAnalyzer
		lang  string
	}{
		"fr": {newWordAnalyzer(la.fr), "fr"},
		"en": {newWordAnalyzer(la.en), "en"},
	} {
		t.Run(name, func(t *testing.T) {
			if c.words.tokenizer == nil {
				t.Fatal("the analyzer is not a plain chain: the cache is not used")
			}
			checked := 0
			for _, e := range base {
				if e.lang != c.lang {
					continue
				}
				text := txt.CutBytes(e.text, 3*highlightBytes)
				// Ask for every term of the text but the commonest few,
				// so that marks are many and stop words are tested too.
				terms := map[string]bool{}
				var want []span
				for _, tok := range c.words.full.Analyze([]byte(text)) {
					terms[string(tok.Term)] = true
				}
				for i, k := range slices.Sorted(func(yield func(string) bool) {
					for k := range terms {
						if !yield(k) {
							return
						}
					}
				}) {
					if i%5 == 0 {
						delete(terms, k)
					}
				}
				for _, tok := range c.words.full.Analyze([]byte(text)) {
					if terms[string(tok.Term)] {
						want = append(want, span{tok.Start, tok.End})
					}
				}
				for round := range 2 {
					got := c.words.marks(text, terms, 1<<30)
					if !slices.Equal(got, want) {
						t.Fatalf("round %d, %q…: %d marks, want %d", round, text[:min(60, len(text))], len(got), len(want))
					}
				}
				checked++
			}
			if checked < 20 {
				t.Fatalf("only %d %s texts checked", checked, c.lang)
			}
		})
	}
}

func BenchmarkSnippet(b *testing.B) {
	base, err := corpus()
	if err != nil {
		b.Fatal(err)
	}
	la, err := analyzers()
	if err != nil {
		b.Fatal(err)
	}
	var texts []string
	for _, e := range base {
		if e.lang == "fr" {
			texts = append(texts, highlightText(e.title, "", e.text))
		}
	}
	_, hl, err := buildQuery(&node{kind: nAnd, kids: []*node{wordNode("déchets"), wordNode("préfet")}}, shippedVocabulary())
	if err != nil {
		b.Fatal(err)
	}
	b.Run("snippet", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			snippet(la, "fr", texts[i%len(texts)], hl)
		}
	})
	// What marking cost before the word cache: the full analysis.
	b.Run("full analysis", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			for _, t := range la.fr.Analyze([]byte(texts[i%len(texts)])) {
				_ = hl.fr[string(t.Term)]
			}
		}
	})
}
