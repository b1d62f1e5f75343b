// Package text holds the small string rules every package needs, written
// once: the first non-empty value, whitespace folding, cutting text to a
// size without splitting a character, de-duplication. (Month names and
// dates in words are the language's: internal/i18n.)
// Rules that belong to a concept live with it (a feed's plain text in
// crawler, a mail header line in digest); this package is only for the
// ones that have no other home.
package text

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// FirstNonEmpty is the first of ss that is not "", else "".
func FirstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// Fold is strings.Join(strings.Fields(s), " ") in one pass: runs of
// white space, line breaks included, become one space and the ends go. It
// runs on the text of every item indexed, where splitting into words first
// was a tenth of the bytes allocated by a crawl.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i, r := range s {
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		// The bytes as they are: an invalid byte stays, as Fields keeps it.
		_, n := utf8.DecodeRuneInString(s[i:])
		b.WriteString(s[i : i+n])
	}
	return b.String()
}

// CutBytes is s cut to at most n bytes without splitting a character.
func CutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Clip cuts s to at most n bytes (plus the ellipsis) at a word boundary
// when one is in the second half, drops the punctuation left hanging and
// marks the cut with "…". Text that fits is returned as it is.
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := CutBytes(s, n)
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:.-–") + "…"
}

// ClipRunes cuts s to n runes, the last one an ellipsis when it was
// longer: for columns of a terminal, which count characters.
func ClipRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// Dedupe drops repeated values, keeping the first occurrence's order. The
// result is never nil.
func Dedupe(v []string) []string {
	seen := make(map[string]bool, len(v))
	out := make([]string, 0, len(v))
	for _, s := range v {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// DedupeFold trims each value and drops empty ones and those repeated
// up to case, keeping the first spelling and order; nil when nothing is
// left. Names written by people ("Medical devices", "medical devices")
// are one name.
func DedupeFold(in []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range in {
		s = strings.TrimSpace(s)
		k := strings.ToLower(s)
		if s == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, s)
	}
	return out
}
