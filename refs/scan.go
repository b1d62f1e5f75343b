package refs

import (
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// Go's regular expressions run in linear time but read every byte of the
// text with an automaton: twenty grammars over a 10 MB text took seconds.
// Each grammar has words it cannot match without (a month, "code", "/"),
// which strings.Index finds at memory speed; the grammar then runs only on a
// short window around each, and costs what the citations cost, not what the
// prose around them does.

// lowerASCII lower-cases ASCII letters only, so that byte offsets into the
// result are offsets into s.
func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// window is a stretch of the text a grammar runs on.
type window struct{ start, end int }

// windows are the merged stretches [p-back, p+len(anchor)+fwd] around every
// occurrence p of an anchor: in d.low when fold, else in d.s. A window
// starts at the beginning of a word, so that \b reads as in the whole text.
func (d *doc) windows(fold bool, anchors []string, back, fwd int) []window {
	return d.merge(d.anchorSpans(fold, anchors, back, fwd))
}

// anchorSpans are the stretches around each anchor, unsorted, not merged.
func (d *doc) anchorSpans(fold bool, anchors []string, back, fwd int) []window {
	hay := d.s
	if fold {
		hay = d.low
	}
	var ps []window
	for _, a := range anchors {
		// an anchor with a leading space also stands at the very start
		if a[0] == ' ' && strings.HasPrefix(hay, a[1:]) {
			ps = append(ps, window{0, min(len(hay), len(a)+fwd)})
		}
		eachIndex(hay, a, func(p int) {
			ps = append(ps, window{max(0, p-back), min(len(hay), p+len(a)+fwd)})
		})
	}
	return ps
}

// eachIndex calls f with each place hay writes a, each after the one before ends, as
// repeated strings.Index finds them. strings.Index looks for the first byte
// of a, which is often common in prose ("n" of "n°", " " of " no "); when a
// holds a rarer byte ("°"), looking for that one skips most of the text.
func eachIndex(hay, a string, f func(int)) {
	r := rarestByte(a)
	if byteRank[a[r]] >= 8 {
		for i := 0; ; {
			j := strings.Index(hay[i:], a)
			if j < 0 {
				return
			}
			f(i + j)
			i += j + len(a)
		}
	}
	for i := r; i < len(hay); {
		j := strings.IndexByte(hay[i:], a[r])
		if j < 0 {
			break
		}
		p := i + j - r
		if p+len(a) <= len(hay) && hay[p:p+len(a)] == a {
			f(p)
			i = p + len(a) + r
		} else {
			i += j + 1
		}
	}
}

// rarestByte is the index of the byte of a least frequent in French and
// English legal prose, by byteRank; the first of equals.
func rarestByte(a string) int {
	r := 0
	for i := 1; i < len(a); i++ {
		if byteRank[a[i]] < byteRank[a[r]] {
			r = i
		}
	}
	return r
}

// byteRank orders bytes by how often prose writes them, lower is rarer (a
// rough guess: only the speed of eachIndex depends on it, not what it
// finds).
var byteRank = func() (rank [256]uint8) {
	for c := range rank {
		switch {
		case 0x80 <= c && c < 0xC0:
			rank[c] = 2 // inside a multi-byte rune: "°" is C2 B0
		case 'A' <= c && c <= 'Z':
			rank[c] = 3
		case '0' <= c && c <= '9':
			rank[c] = 5
		case 'a' <= c && c <= 'z':
			rank[c] = 6
		default:
			rank[c] = 4
		}
	}
	for _, c := range []byte(".,'-") {
		rank[c] = 5
	}
	for _, c := range []byte("\xa9\xa8\xa0\xaa\xa7\xb4\xae\xbb\xb9") { // é è à ê ç ô î û ù
		rank[c] = 7
	}
	for _, c := range []byte("esaitnrulodcmp\xc3") {
		rank[c] = 8
	}
	rank[' '], rank['\n'] = 9, 9
	return rank
}()

// yearSpans are the stretches around every year (19xx, 20xx, as a number
// of its own): every written date holds one, and so do most acts' citations.
func (d *doc) yearSpans(back, fwd int) []window {
	if d.years == nil {
		d.years = []int{}
		s := d.s
		for i := 0; i+4 <= len(s); i++ {
			if !isDigit(s[i]) || (i > 0 && isDigit(s[i-1])) {
				continue
			}
			if (s[i] == '1' && s[i+1] == '9' || s[i] == '2' && s[i+1] == '0') && isDigit(s[i+2]) && isDigit(s[i+3]) &&
				(i+4 == len(s) || !isDigit(s[i+4])) {
				d.years = append(d.years, i)
			}
			i += 3
		}
	}
	ps := make([]window, len(d.years))
	for k, p := range d.years {
		ps[k] = window{max(0, p-back), min(len(d.s), p+4+fwd)}
	}
	return ps
}

// merge sorts stretches, starts each at a word, and joins those that touch.
func (d *doc) merge(ps []window) []window {
	if len(ps) == 0 {
		return nil
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].start < ps[j].start })
	out := ps[:0:0]
	for _, w := range ps {
		for k := 0; k < 40 && w.start > 0 && !isSpaceByte(d.s[w.start-1]); k++ {
			w.start--
		}
		for w.start > 0 && !utf8.RuneStart(d.s[w.start]) {
			w.start--
		}
		for w.end < len(d.s) && !utf8.RuneStart(d.s[w.end]) {
			w.end++
		}
		if n := len(out); n > 0 && w.start <= out[n-1].end {
			out[n-1].end = max(out[n-1].end, w.end)
			continue
		}
		out = append(out, w)
	}
	return out
}

// mergeWindows joins two sets of windows into one, in text order.
func mergeWindows(a, b []window) []window {
	all := append(append([]window(nil), a...), b...)
	sort.Slice(all, func(i, j int) bool { return all[i].start < all[j].start })
	out := all[:0:0]
	for _, w := range all {
		if n := len(out); n > 0 && w.start <= out[n-1].end {
			out[n-1].end = max(out[n-1].end, w.end)
			continue
		}
		out = append(out, w)
	}
	return out
}

func isSpaceByte(c byte) bool { return c == ' ' || c == '\n' }

// findAll is re.FindAllStringSubmatchIndex over the windows, with offsets
// into the whole text.
func (d *doc) findAll(re *regexp.Regexp, ws []window) [][]int {
	return d.findAllIf(re, ws, nil)
}

// findAllIf is findAll over the windows can accepts. can is a cheap test of
// a window (a word every match holds) that must be true of every window re
// matches in: the regexp then runs only where it may find something, and
// finds the same.
func (d *doc) findAllIf(re *regexp.Regexp, ws []window, can func(w window) bool) [][]int {
	var out [][]int
	for _, w := range ws {
		if can != nil && !can(w) {
			continue
		}
		for _, m := range re.FindAllStringSubmatchIndex(d.s[w.start:w.end], -1) {
			for i := range m {
				if m[i] >= 0 {
					m[i] += w.start
				}
			}
			out = append(out, m)
		}
	}
	return out
}

// unicodeFolds are the two non-ASCII runes Go's (?i) folds to ASCII letters
// (ſ to s, the Kelvin sign to k): a window holding one may match a
// case-insensitive grammar without holding its ASCII words.
var unicodeFolds = []string{"\u017f", "\u212a"}

// lowHasAny tells whether the window, folded, holds one of words or a rune
// (?i) folds to ASCII.
func (d *doc) lowHasAny(w window, words []string) bool {
	low := d.low[w.start:w.end]
	return containsAny(low, words) || containsAny(low, unicodeFolds)
}

// A starter runs a grammar only where its match can begin. Go's regexp has
// no fast skip to a case-insensitive first word ("(?i:décret|arrêté…)"):
// unanchored, it tries the whole grammar at every byte of a window. The
// places a match may begin are few and cheap to find (a type word's first
// letters), so the grammar, anchored, is tried at those only. It finds what
// the unanchored grammar finds: the leftmost match, then the next one after
// it, each the one the grammar prefers at its start.
type starter struct {
	re, anchored *regexp.Regexp
	// at tells whether a match may begin at text[i] (low is text folded by
	// lowerASCII); it must accept every place where one can.
	at func(text, low string, i int) bool
	// wordStart: re begins with \b, before a letter
	wordStart bool
}

func newStarter(re *regexp.Regexp, wordStart bool, at func(text, low string, i int) bool) *starter {
	return &starter{re: re, anchored: regexp.MustCompile(`^(?:` + re.String() + `)`), at: at, wordStart: wordStart}
}

// findAllAt is d.findAllIf(st.re, ws, can), trying the grammar only where
// st.at says a match may begin.
func (d *doc) findAllAt(st *starter, ws []window, can func(w window) bool) [][]int {
	var out [][]int
	for _, w := range ws {
		if can != nil && !can(w) {
			continue
		}
		text, low := d.s[w.start:w.end], d.low[w.start:w.end]
		if containsAny(text, unicodeFolds) {
			// (?i) may match a word at a letter at does not look for
			out = append(out, d.findAll(st.re, []window{w})...)
			continue
		}
		for i := 0; i < len(text); i++ {
			if !st.at(text, low, i) || (st.wordStart && i > 0 && isWordByte(text[i-1])) {
				continue
			}
			m := st.anchored.FindStringSubmatchIndex(text[i:])
			if m == nil {
				continue
			}
			for k := range m {
				if m[k] >= 0 {
					m[k] += w.start + i
				}
			}
			out = append(out, m)
			// the next match begins after this one (none is empty)
			i = m[1] - w.start - 1
		}
	}
	return out
}

// isWordByte is \b's word character; a byte of a multi-byte rune is not one.
func isWordByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// afterE is the index just past an e, é, è or É, È at low[i], or -1.
func afterE(low string, i int) int {
	if i < len(low) && low[i] == 'e' {
		return i + 1
	}
	for _, e := range [...]string{"é", "è", "É", "È"} {
		if strings.HasPrefix(low[i:], e) {
			return i + len(e)
		}
	}
	return -1
}

// startsDE tells whether low[i:] is "d", an e, then one of rests.
func startsDE(low string, i int, rests ...string) bool {
	if low[i] != 'd' {
		return false
	}
	j := afterE(low, i+1)
	if j < 0 {
		return false
	}
	for _, r := range rests {
		if strings.HasPrefix(low[j:], r) {
			return true
		}
	}
	return false
}

// upperStart: a grammar that begins with a capital letter.
func upperStart(text, _ string, i int) bool { return 'A' <= text[i] && text[i] <= 'Z' }
