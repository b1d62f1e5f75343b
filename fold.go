package veille

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Fold lower-cases s and strips accents (é→e, ï→i, œ→oe, æ→ae, ß→ss), turns
// typographic apostrophes into ' and dashes into -, and drops combining
// marks, so that "Déchets", "DECHETS" and "dechets" compare equal. French
// text written with decomposed accents (e + U+0301) folds the same way.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r < utf8.RuneSelf {
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			b.WriteByte(byte(r))
			continue
		}
		if f, ok := foldRune(r); ok {
			b.WriteString(f)
			continue
		}
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// foldRune maps a non-ASCII rune to its folded ASCII form when it has one.
func foldRune(r rune) (string, bool) {
	if r >= 0xC0 && r < 0xC0+rune(len(latinFold)) {
		if f := latinFold[r-0xC0]; f != "" {
			return f, true
		}
		return "", false
	}
	switch r {
	case '\u2018', '\u2019', '\u201B', '\u02BC', '\u2032': // ‘ ’ ‛ ʼ ′
		return "'", true
	case '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212': // hyphens, dashes, minus
		return "-", true
	case '\u00A0', '\u2007', '\u202F', '\u2009', '\u200A': // no-break and thin spaces
		return " ", true
	case '\uFB00':
		return "ff", true
	case '\uFB01':
		return "fi", true
	case '\uFB02':
		return "fl", true
	case '\u1E9E': // capital sharp s
		return "ss", true
	}
	return "", false
}

// latinFold folds U+00C0–U+024F (Latin-1 Supplement letters, Latin
// Extended-A and -B) to ASCII; "" means no ASCII form (× ÷ and a few
// phonetic letters), which then go through unicode.ToLower.
var latinFold = [...]string{
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i", // U+00C0
	"d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "ss", // U+00D0
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i", // U+00E0
	"d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y", // U+00F0
	"a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d", // U+0100
	"d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g", // U+0110
	"g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i", // U+0120
	"i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l", "l", "l", "l", "l", // U+0130
	"l", "l", "l", "n", "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o", // U+0140
	"o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s", // U+0150
	"s", "s", "t", "t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u", // U+0160
	"u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s", // U+0170
	"", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", // U+0180
	"", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", // U+0190
	"o", "o", "", "", "", "", "", "", "", "", "", "", "", "", "", "u", // U+01A0
	"u", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", // U+01B0
	"", "", "", "", "", "", "", "", "", "", "", "", "", "a", "a", "i", // U+01C0
	"i", "o", "o", "u", "u", "u", "u", "u", "u", "u", "u", "u", "u", "", "a", "a", // U+01D0
	"a", "a", "", "", "", "", "g", "g", "k", "k", "o", "o", "o", "o", "", "", // U+01E0
	"j", "", "", "", "g", "g", "", "", "n", "n", "a", "a", "", "", "", "", // U+01F0
	"a", "a", "a", "a", "e", "e", "e", "e", "i", "i", "i", "i", "o", "o", "o", "o", // U+0200
	"r", "r", "r", "r", "u", "u", "u", "u", "s", "s", "t", "t", "", "", "h", "h", // U+0210
	"", "", "", "", "", "", "a", "a", "e", "e", "o", "o", "o", "o", "o", "o", // U+0220
	"o", "o", "y", "y", "", "", "", "", "", "", "", "", "", "", "", "", // U+0230
	"", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", // U+0240
}

// token is one word of a scanned text: raw[rawStart:rawEnd] is the word
// folded (see Fold), stems[stemStart:stemEnd] the same word after stem.
type token struct {
	rawStart, rawEnd   int32
	stemStart, stemEnd int32
	// upper: the word had letters and none was lower-case ("REACH", "T3"),
	// which acronym keywords require (so REACH is not the verb "reach").
	upper bool
}

// scanner splits text into words in one pass, folding as it goes. A word is
// a run of letters and digits; everything else separates words, so
// "510(k)" is 510 + k and "L. 165-1" is l + 165 + 1. It is reused across
// calls to keep Tag free of per-word allocations.
type scanner struct {
	raw   []byte
	stems []byte
	toks  []token

	// state of the word being read
	start     int
	letters   int
	hasLower  bool
	hasDigits bool
}

func (sc *scanner) reset() {
	sc.raw, sc.stems, sc.toks = sc.raw[:0], sc.stems[:0], sc.toks[:0]
}

// scan appends the words of s to sc.toks.
func (sc *scanner) scan(s string) {
	sc.start = -1
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case 'a' <= c && c <= 'z':
				sc.letter(c, true)
			case 'A' <= c && c <= 'Z':
				sc.letter(c+'a'-'A', false)
			case '0' <= c && c <= '9':
				sc.open()
				sc.hasDigits = true
				sc.raw = append(sc.raw, c)
			default:
				sc.close()
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if f, ok := foldRune(r); ok {
			if f[0] >= 'a' && f[0] <= 'z' {
				lower := unicode.IsLower(r)
				for j := 0; j < len(f); j++ {
					sc.letter(f[j], lower)
				}
			} else {
				sc.close()
			}
			continue
		}
		switch {
		case unicode.Is(unicode.Mn, r):
			// A combining accent belongs to the word it decorates.
		case unicode.IsLetter(r):
			sc.open()
			sc.letters++
			if unicode.IsLower(r) {
				sc.hasLower = true
			}
			sc.raw = utf8.AppendRune(sc.raw, unicode.ToLower(r))
		case unicode.IsDigit(r):
			sc.open()
			sc.hasDigits = true
			sc.raw = utf8.AppendRune(sc.raw, r)
		default:
			sc.close()
		}
	}
	sc.close()
}

func (sc *scanner) open() {
	if sc.start < 0 {
		sc.start = len(sc.raw)
		sc.letters, sc.hasLower, sc.hasDigits = 0, false, false
	}
}

func (sc *scanner) letter(c byte, lower bool) {
	sc.open()
	sc.letters++
	if lower {
		sc.hasLower = true
	}
	sc.raw = append(sc.raw, c)
}

func (sc *scanner) close() {
	if sc.start < 0 {
		return
	}
	w := sc.raw[sc.start:]
	stemStart := len(sc.stems)
	if sc.hasDigits {
		sc.stems = append(sc.stems, w...)
	} else {
		sc.stems = appendStem(sc.stems, w)
	}
	sc.toks = append(sc.toks, token{
		rawStart: int32(sc.start), rawEnd: int32(len(sc.raw)),
		stemStart: int32(stemStart), stemEnd: int32(len(sc.stems)),
		upper: sc.letters > 0 && !sc.hasLower,
	})
	sc.start = -1
}

func (sc *scanner) rawWord(i int) []byte {
	t := sc.toks[i]
	return sc.raw[t.rawStart:t.rawEnd]
}

func (sc *scanner) stemWord(i int) []byte {
	t := sc.toks[i]
	return sc.stems[t.stemStart:t.stemEnd]
}

// appendStem appends a light French/English stem of the folded word w: it
// removes the plural and the feminine so that singular and plural, French
// and English forms meet ("dispositifs médicaux" = "dispositif médical",
// "bodies" = "body", "énergie" = "energy"). It is deliberately crude: both
// keywords and text go through it, so it only has to be consistent.
func appendStem(dst, w []byte) []byte {
	n := len(w)
	if n <= 3 {
		return append(dst, w...)
	}
	if n >= 5 && w[n-3] == 'a' && w[n-2] == 'u' && w[n-1] == 'x' { // médicaux → medical
		dst = append(dst, w[:n-2]...)
		return append(dst, 'l')
	}
	// French plurals in -x follow u (eaux, feux, bijoux); "prix", "inox"
	// and "ICPEX" keep their x.
	if (w[n-1] == 's' && w[n-2] != 's') || (w[n-1] == 'x' && w[n-2] == 'u') {
		n--
	}
	if n > 4 && w[n-1] == 'e' {
		n--
	}
	if n > 3 && w[n-1] == 'y' {
		dst = append(dst, w[:n-1]...)
		return append(dst, 'i')
	}
	return append(dst, w[:n]...)
}
