package refs

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// normalize prepares text for the citation grammars: typographic apostrophes
// become ', no-break and thin spaces become spaces, runs of spaces collapse
// to one and runs of line breaks to one "\n". Line breaks are kept because
// they end sentences and paragraphs ("Article 3" headings), which bound the
// context a reference or a date is read in.
func normalize(s string) string {
	// a Builder hands its bytes over as the string, without a copy
	var b strings.Builder
	b.Grow(len(s))
	space, line := false, false
	for i := 0; i < len(s); {
		c := s[i]
		var r rune
		if c < utf8.RuneSelf {
			r = rune(c)
			i++
		} else {
			var n int
			r, n = utf8.DecodeRuneInString(s[i:])
			i += n
			switch r {
			case '\u2019', '\u2018', '\u02bc', '\u2032':
				r = '\''
			case '\u2028', '\u2029', '\u0085':
				r = '\n'
			case '\u2010', '\u2011':
				r = '-'
			case utf8.RuneError:
				r = ' '
			default:
				if unicode.IsSpace(r) { // no-break, thin and other spaces
					r = ' '
				}
			}
		}
		switch {
		case r == '\n' || r == '\r':
			line = true
			continue
		case r <= ' ':
			space = true
			continue
		}
		if line {
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
		} else if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space, line = false, false
		if r < utf8.RuneSelf {
			b.WriteByte(byte(r))
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// joinLines is a piece of normalised text as a reference's "text": the line
// breaks of the source read as spaces.
func joinLines(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\n", " "))
}

// sentenceStart is the index where the sentence holding pos starts: after
// the last line break, or the last ". ", "; " or ": " followed by a capital.
// A period inside "Sec. 1910" or "L. 541-2" is followed by a digit, so it
// does not end a sentence.
func sentenceStart(s string, pos int) int {
	for i := pos - 1; i > 0 && i > pos-maxSentence; i-- {
		c := s[i]
		if c == '\n' {
			return i + 1
		}
		if (c == '.' || c == ';') && i+2 < len(s) && s[i+1] == ' ' && i+2 <= pos {
			r, _ := utf8.DecodeRuneInString(s[i+2:])
			if unicode.IsUpper(r) || c == ';' {
				// an abbreviation ("art. L", "Sec. A") is not a full stop
				if c == '.' && isAbbrev(s[:i]) {
					continue
				}
				return i + 2
			}
		}
	}
	return max(0, pos-maxSentence)
}

// maxSentence bounds how far a sentence is looked for, so that a text
// without punctuation costs linear time, not quadratic.
const maxSentence = 1500

// sentenceEnd is the index where the sentence holding pos ends.
func sentenceEnd(s string, pos int) int {
	for i := pos; i < len(s) && i < pos+maxSentence; i++ {
		c := s[i]
		if c == '\n' {
			return i
		}
		if (c == '.' || c == ';') && i+2 < len(s) && s[i+1] == ' ' {
			r, _ := utf8.DecodeRuneInString(s[i+2:])
			if (unicode.IsUpper(r) || c == ';') && !(c == '.' && isAbbrev(s[:i])) {
				return i + 1
			}
		}
	}
	return min(len(s), pos+maxSentence)
}

// isAbbrev tells whether the word ending s is an abbreviation that a period
// follows inside a sentence.
func isAbbrev(s string) bool {
	s = s[max(0, len(s)-8):] // the longest abbreviation is short
	i := strings.LastIndexAny(s, " \n(") + 1
	w := strings.ToLower(s[i:])
	switch w {
	case "art", "sec", "secs", "no", "nos", "n", "l", "r", "d", "a", "p", "pp", "al", "e.g", "i.e", "vol", "fed", "reg", "u.s", "etc", "mm", "m", "mme":
		return true
	}
	return len(w) == 1
}

// wordBefore tells whether s[:pos] ends in a letter or digit, that is, a
// match at pos would start inside a word.
func wordBefore(s string, pos int) bool {
	if pos <= 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s[:pos])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// wordAfter tells whether s[pos:] starts with a letter or digit.
func wordAfter(s string, pos int) bool {
	if pos >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[pos:])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}
