package index

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"

	txt "github.com/nogentech/veille/internal/text"
)

// Snippets are made here rather than by Bleve's highlighter: the text
// fields are not stored (a JORF act runs to 100 KB), so the stored
// highlight text is analysed again with the item's language analyzer and
// the tokens whose terms the query asked for are marked. Offsets point into
// the original text because accent folding is a token filter.

const (
	snippetBytes = 240 // window shown around the matches
	leadBytes    = 60  // context kept before the first match of the window
	fallbackLen  = 200 // start of the text shown when nothing matches
	maxMarks     = 200 // matches considered when choosing the window
)

type span struct{ start, end int }

// snippet is an HTML fragment of text around the query's terms, with
// every match in <mark> and everything else escaped.
func snippet(la *langAnalyzers, lang, text string, hl highlightTerms) string {
	if text == "" {
		return ""
	}
	terms, words := hl.en, la.enWords
	if isFrench(lang) {
		terms, words = hl.fr, la.frWords
	}
	var marks []span
	if len(terms) > 0 {
		marks = words.marks(text, terms, maxMarks)
	}
	if len(marks) == 0 {
		// The title is shown apart; prefer the text after it.
		if _, body, ok := strings.Cut(text, "\n"); ok && body != "" {
			text = body
		}
		cut := txt.CutBytes(text, fallbackLen)
		cut = trimToWord(cut, len(cut) < len(text))
		out := html.EscapeString(cut)
		if len(cut) < len(text) {
			out += " …"
		}
		return out
	}

	// The title is shown apart: when the text after it matches, cut the
	// snippet from there only.
	if title, body, ok := strings.Cut(text, "\n"); ok {
		off := len(title) + 1
		var bodyMarks []span
		for _, m := range marks {
			if m.start >= off {
				bodyMarks = append(bodyMarks, span{m.start - off, m.end - off})
			}
		}
		if len(bodyMarks) > 0 {
			text, marks = body, bodyMarks
		}
	}
	lo, hi := bestWindow(text, marks)
	var b strings.Builder
	if lo > 0 {
		b.WriteString("… ")
	}
	pos := lo
	for _, m := range marks {
		if m.start < lo || m.end > hi {
			continue
		}
		b.WriteString(html.EscapeString(strings.ReplaceAll(text[pos:m.start], "\n", " — ")))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[m.start:m.end]))
		b.WriteString("</mark>")
		pos = m.end
	}
	b.WriteString(html.EscapeString(strings.ReplaceAll(text[pos:hi], "\n", " — ")))
	if hi < len(text) {
		b.WriteString(" …")
	}
	return b.String()
}

// bestWindow picks the snippetBytes-long window holding the most distinct
// matched words (then the most matches, then the earliest), widened to
// whole words.
func bestWindow(text string, marks []span) (int, int) {
	best, bestDistinct, bestCount := 0, -1, -1
	for i := range marks {
		lo := max(0, marks[i].start-leadBytes)
		hi := lo + snippetBytes
		distinct := map[string]bool{}
		count := 0
		for _, m := range marks[i:] {
			if m.end > hi {
				break
			}
			distinct[strings.ToLower(text[m.start:m.end])] = true
			count++
		}
		if len(distinct) > bestDistinct || (len(distinct) == bestDistinct && count > bestCount) {
			best, bestDistinct, bestCount = i, len(distinct), count
		}
	}
	lo := max(0, marks[best].start-leadBytes)
	// Start at a word: move right to the next space, never past the match.
	if lo > 0 {
		if sp := strings.IndexFunc(text[lo:marks[best].start], unicode.IsSpace); sp >= 0 {
			_, n := utf8.DecodeRuneInString(text[lo+sp:])
			lo += sp + n
		} else {
			lo = marks[best].start
		}
	}
	hi := min(len(text), lo+snippetBytes)
	// Never cut a match, then end at a word.
	for _, m := range marks[best:] {
		if m.start < hi && m.end > hi {
			hi = m.end
		}
	}
	if hi < len(text) {
		for hi < len(text) && !utf8.RuneStart(text[hi]) {
			hi++
		}
		if sp := strings.LastIndexFunc(text[lo:hi], unicode.IsSpace); sp > 0 && lo+sp >= marks[best].end {
			hi = lo + sp
		}
	}
	return lo, hi
}

// trimToWord drops a partial last word from a cut text.
func trimToWord(s string, cut bool) string {
	if !cut {
		return s
	}
	if sp := strings.LastIndexFunc(s, unicode.IsSpace); sp > len(s)/2 {
		return strings.TrimRightFunc(s[:sp], unicode.IsSpace)
	}
	return s
}
