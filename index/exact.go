package index

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nogentech/veille"
)

// The analysers lower-case every word and split numbers at their
// separators, so "REACH" met the verb "reach" and regulation 2022/473 met
// decree n° 2022-473. The exact field keeps what they lose: acronyms as
// written (veille.IsAcronym) and numbers with their separators, each a
// keyword of the item. A query word written so is looked up there only.

// maxExactTerms bounds the exact terms of one item: a 100 KB act cites
// many numbers, and past a few hundred they are tables, not references.
const maxExactTerms = 500

// numberSeparators join the parts of a number written as one reference:
// 2017/745, 2022-473, 1413-61-4, 13485:2016, 21.3.
const numberSeparators = "/-.:"

// exactTerms are the acronyms and numbers of the texts, de-duplicated. A
// run of three or more words in capitals is a heading written in capitals
// ("DISPOSITIONS GÉNÉRALES"), not acronyms, and is left out.
func exactTerms(texts ...string) []string {
	var out []string
	seen := map[string]bool{}
	var run []string // consecutive words in capitals, not yet kept
	flush := func() {
		if len(run) < 3 {
			for _, w := range run {
				if !seen[w] && len(out) < maxExactTerms {
					seen[w] = true
					out = append(out, w)
				}
			}
		}
		run = run[:0]
	}
	for _, s := range texts {
		for i := 0; i < len(s); {
			w, next := nextWord(s, i)
			i = next
			switch {
			case w == "":
			case veille.IsAcronym(w):
				run = append(run, w)
				continue
			case isNumberRef(w) && !seen[w] && len(out) < maxExactTerms:
				seen[w] = true
				out = append(out, w)
			}
			if w != "" {
				flush()
			}
		}
		flush()
	}
	return out
}

// nextWord returns the word at or after i (letters and digits, with
// separators between two digits) and where it ends; "" at the end.
func nextWord(s string, i int) (string, int) {
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			break
		}
		i += n
	}
	start := i
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			i += n
			continue
		}
		if strings.ContainsRune(numberSeparators, r) && i > start && isASCIIDigit(s[i-1]) &&
			i+n < len(s) && isASCIIDigit(s[i+n]) {
			i += n
			continue
		}
		break
	}
	return s[start:i], i
}

func isASCIIDigit(b byte) bool { return '0' <= b && b <= '9' }

// isNumberRef: digits joined by separators, as 2017/745 or 2022-473.
func isNumberRef(w string) bool {
	if w == "" || !isASCIIDigit(w[0]) || !isASCIIDigit(w[len(w)-1]) || !strings.ContainsAny(w, numberSeparators) {
		return false
	}
	for i := 0; i < len(w); i++ {
		if !isASCIIDigit(w[i]) && !strings.ContainsRune(numberSeparators, rune(w[i])) {
			return false
		}
	}
	return true
}
