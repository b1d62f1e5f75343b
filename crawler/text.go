package crawler

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// skipped elements carry no readable text.
var skipped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Head: true, atom.Svg: true, atom.Math: true, atom.Iframe: true,
	atom.Object: true, atom.Select: true, atom.Button: true,
}

// blocks end a line of text; cells and list-like inline boxes end a word.
var blocks = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Br: true, atom.Li: true, atom.Ul: true,
	atom.Ol: true, atom.Dl: true, atom.Dt: true, atom.Dd: true, atom.Tr: true,
	atom.Table: true, atom.Thead: true, atom.Tbody: true, atom.Tfoot: true,
	atom.Caption: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true,
	atom.H5: true, atom.H6: true, atom.Pre: true, atom.Blockquote: true,
	atom.Hr: true, atom.Section: true, atom.Article: true, atom.Header: true,
	atom.Footer: true, atom.Nav: true, atom.Aside: true, atom.Main: true,
	atom.Figure: true, atom.Figcaption: true, atom.Address: true, atom.Form: true,
	atom.Fieldset: true, atom.Legend: true, atom.Details: true, atom.Summary: true,
	atom.Body: true, atom.Html: true, atom.Title: true,
}

var cells = map[atom.Atom]bool{
	atom.Td: true, atom.Th: true, atom.Img: true, atom.Input: true, atom.Label: true,
	atom.Option: true,
}

// PlainText turns an HTML fragment (or document) into readable plain text:
// entities decoded, scripts and styles dropped, block elements on their own
// lines, table cells separated by spaces, runs of blanks collapsed to one
// space and blank lines removed. Text that is not HTML comes back with its
// whitespace collapsed.
func PlainText(s string) string {
	if s == "" {
		return ""
	}
	if !strings.ContainsAny(s, "<&") {
		return collapse(s, true)
	}
	var b textBuilder
	b.sb.Grow(len(s))
	z := html.NewTokenizer(strings.NewReader(s))
	skipDepth := 0
	var skipTag atom.Atom
	pre := 0
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			if skipDepth > 0 {
				continue
			}
			b.text(string(z.Text()), pre > 0)
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if skipDepth > 0 {
				if a == skipTag && tt == html.StartTagToken {
					skipDepth++
				}
				continue
			}
			if skipped[a] && tt == html.StartTagToken {
				skipTag, skipDepth = a, 1
				continue
			}
			switch {
			case blocks[a]:
				b.newline()
			case cells[a]:
				b.space()
			}
			if a == atom.Pre && tt == html.StartTagToken {
				pre++
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if skipDepth > 0 {
				if a == skipTag {
					skipDepth--
				}
				continue
			}
			switch {
			case blocks[a]:
				b.newline()
			case cells[a]:
				b.space()
			}
			if a == atom.Pre && pre > 0 {
				pre--
			}
		}
	}
}

// textBuilder accumulates text with at most one space between words and
// at most one newline between lines, never leading or trailing blanks.
type textBuilder struct {
	sb strings.Builder
	// pending separator: 0 none, ' ' or '\n'
	pending byte
}

func (b *textBuilder) space() {
	if b.pending == 0 && b.sb.Len() > 0 {
		b.pending = ' '
	}
}

func (b *textBuilder) newline() {
	if b.sb.Len() > 0 {
		b.pending = '\n'
	}
}

// flush writes the pending separator before visible text.
func (b *textBuilder) flush() {
	if b.pending != 0 {
		b.sb.WriteByte(b.pending)
		b.pending = 0
	}
}

func (b *textBuilder) text(t string, keepLines bool) {
	for len(t) > 0 {
		// Most text is printable ASCII: copy such runs whole (writing
		// rune by rune was half of this function's time).
		n := 0
		for n < len(t) && t[n] > ' ' && t[n] < 0x7f {
			n++
		}
		if n > 0 {
			b.flush()
			b.sb.WriteString(t[:n])
			t = t[n:]
			continue
		}
		r, size := utf8.DecodeRuneInString(t)
		t = t[size:]
		switch {
		case r == '\n' && keepLines:
			b.newline()
		case isBlank(r):
			b.space()
		case r >= 0x80 && r <= 0x9f:
			// C1 controls are Windows-1252 punctuation that went through a
			// Latin-1 decoder or a numeric reference (&#146;): read them as
			// browsers do.
			if m := c1Windows1252[r-0x80]; m != 0 {
				b.text(string(m), keepLines)
			}
		case isInvisible(r):
		default:
			b.flush()
			b.sb.WriteRune(r)
		}
	}
}

func (b *textBuilder) String() string { return b.sb.String() }

func isBlank(r rune) bool {
	return unicode.IsSpace(r) || r == '\u00a0' || r == '\u202f' || r == '\u2007'
}

// isInvisible runes change nothing a reader sees but break word matching.
func isInvisible(r rune) bool {
	switch r {
	case '\u00ad', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', utf8.RuneError:
		return true
	}
	return unicode.IsControl(r)
}

// collapse folds every run of blanks into one space (newlines too unless
// keepLines) and trims the result.
func collapse(s string, keepLines bool) string {
	var b textBuilder
	b.text(s, keepLines)
	return b.String()
}

// plainLine is the plain text of markup s on a single line, as titles
// need (digest has its own rule for a mail header line, refs for a
// reference's text).
func plainLine(s string) string {
	return collapse(PlainText(s), false)
}

// truncate cuts s to about n runes at a word boundary, marking the cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	cut := 0
	for i := range s {
		if cut >= n {
			s = s[:i]
			break
		}
		cut++
	}
	if i := strings.LastIndexAny(s, " \n"); i > len(s)*2/3 {
		s = s[:i]
	}
	return strings.TrimRightFunc(s, func(r rune) bool { return isBlank(r) || unicode.IsPunct(r) }) + "…"
}

// c1Windows1252 maps U+0080..U+009F to the characters Windows-1252 puts
// there (0 where it has none).
var c1Windows1252 = [32]rune{
	'€', 0, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 0, 'Ž', 0,
	0, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 0, 'ž', 'Ÿ',
}
