package digest

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxSubject bounds a subject line, in characters. RFC 5322 allows 998
// bytes per header line, but a mail client shows about 80 and a 10 KB
// feed title must not make a 10 KB header.
const maxSubject = 150

// oneLine makes text from a feed safe for one line of a mail: control
// characters (CR and LF above all: header injection), Unicode line
// separators and bidirectional overrides become spaces or go, and runs of
// spaces fold. Invalid UTF-8 is replaced.
func oneLine(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case r == '\u2028' || r == '\u2029' || unicode.IsSpace(r) || unicode.IsControl(r):
			space = true
			continue
		case unicode.Is(unicode.Bidi_Control, r) || r == '\u200b' || r == '\ufeff':
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// Subject is s made safe for a Subject header and cut to a sane length.
func Subject(s string) string {
	s = oneLine(s)
	if utf8.RuneCountInString(s) <= maxSubject {
		return s
	}
	n, i := 0, 0
	for i = range s {
		if n == maxSubject-1 {
			break
		}
		n++
	}
	cut := s[:i]
	if j := strings.LastIndexByte(cut, ' '); j > len(cut)*2/3 {
		cut = cut[:j]
	}
	return strings.TrimRight(cut, " ,;:.-–—") + "…"
}
