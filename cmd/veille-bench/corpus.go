package main

import (
	"encoding/xml"
	"fmt"
	"html"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	xhtml "golang.org/x/net/html"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/demo"
	"github.com/nogentech/veille/internal/i18n"
	"github.com/nogentech/veille/internal/text"
)

// The real feeds whose text the corpus recombines, read from the demo's
// sample (demo/sample/SOURCES.md) rather than copied: JORF arrêtés of three
// ministries (LegiFRSS) and the European Parliament Think Tank RSS.
var jorfFeeds = []string{
	"jorf-legifrss/2d3a598/arrete_ministere-de-la-transition-ecologique.xml",
	"jorf-legifrss/2682603/arrete_ministere-des-solidarites-et-de-la-sante.xml",
	"jorf-legifrss/7854d0f/arrete_ministere-du-travail-de-l-emploi-et-de-l-insertion.xml",
}

const europarlFeed = "europarl-thinktank/thinktank_rss_2026_09_15.xml"

// bank is the real text of one language: titles and sentences.
type bank struct {
	titles, sentences []string
}

type banks struct{ fr, en bank }

// loadBanks reads the embedded real feeds into sentence banks.
func loadBanks() (*banks, error) {
	var b banks
	for _, name := range jorfFeeds {
		data, err := demo.SampleFile(name)
		if err != nil {
			return nil, err
		}
		var feed struct {
			Entries []struct {
				Title   string `xml:"title"`
				Content string `xml:"content"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal(data, &feed); err != nil {
			return nil, fmt.Errorf("corpus %s: %w", name, err)
		}
		for _, e := range feed.Entries {
			b.fr.titles = append(b.fr.titles, text.Fold(e.Title))
			b.fr.sentences = append(b.fr.sentences, sentences(plainText(e.Content))...)
		}
	}
	data, err := demo.SampleFile(europarlFeed)
	if err != nil {
		return nil, err
	}
	var rss struct {
		Items []struct {
			Title       string `xml:"title"`
			Description string `xml:"description"`
		} `xml:"channel>item"`
	}
	if err := xml.Unmarshal(data, &rss); err != nil {
		return nil, fmt.Errorf("corpus europarl: %w", err)
	}
	for _, it := range rss.Items {
		b.en.titles = append(b.en.titles, text.Fold(it.Title))
		b.en.sentences = append(b.en.sentences, sentences(plainText(it.Description))...)
	}
	b.en.sentences = append(b.en.sentences, enGeneral...)
	b.fr.sentences, b.en.sentences = text.Dedupe(b.fr.sentences), text.Dedupe(b.en.sentences)
	if len(b.fr.sentences) < 500 || len(b.en.sentences) < 100 {
		return nil, fmt.Errorf("corpus: only %d French and %d English sentences", len(b.fr.sentences), len(b.en.sentences))
	}
	return &b, nil
}

// plainText is the text of an HTML fragment.
func plainText(s string) string {
	z := xhtml.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			return text.Fold(b.String())
		case xhtml.TextToken:
			b.Write(z.Text())
			b.WriteByte(' ')
		default:
			b.WriteByte(' ')
		}
	}
}

// sentences splits text after ". " or "; " followed by a capital, and keeps
// the sentences of a readable length.
func sentences(text string) []string {
	var out []string
	start := 0
	keep := func(s string) {
		s = strings.TrimSpace(s)
		if len(s) >= 40 && len(s) <= 600 {
			out = append(out, s)
		}
	}
	for i := 0; i < len(text)-2; i++ {
		if (text[i] == '.' || text[i] == ';') && text[i+1] == ' ' {
			r, _ := utf8.DecodeRuneInString(text[i+2:])
			if unicode.IsUpper(r) {
				keep(text[start : i+1])
				start = i + 2
			}
		}
	}
	keep(text[start:])
	return out
}

// corpus generates the benchmark's items and feeds, deterministically from
// n and the number of feeds: item i is the same in every run and phase.
type corpus struct {
	n, feeds int
	b        *banks
}

// epoch is the newest publication date; items spread over two years before.
var epoch = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

const span = 730 * 24 * time.Hour

func newCorpus(n, feeds int) (*corpus, error) {
	b, err := loadBanks()
	if err != nil {
		return nil, err
	}
	return &corpus{n: n, feeds: feeds, b: b}, nil
}

// feedItems is the range of item numbers feed f publishes.
func (c *corpus) feedItems(f int) (from, to int) {
	return f * c.n / c.feeds, (f + 1) * c.n / c.feeds
}

// feedLang: three feeds in five are French, as in the shipped sources.
func (c *corpus) feedLang(f int) string {
	if f%5 < 3 {
		return "fr"
	}
	return "en"
}

func (c *corpus) feedAtom(f int) bool { return f%3 == 0 }

// source is the config entry of feed f served at url.
func (c *corpus) source(f int, url string) veille.Source {
	s := veille.Source{ID: fmt.Sprintf("bench-%04d", f), Name: fmt.Sprintf("Publisher %d", f),
		Kind: veille.KindFeed, URL: url, Every: veille.Duration(2 * time.Hour), Lang: c.feedLang(f)}
	switch {
	case s.Lang == "fr":
		s.Jurisdiction = "FR"
	case f%2 == 0:
		s.Jurisdiction = "EU"
	default:
		s.Jurisdiction = "US"
	}
	// Some sources speak of one domain only, as ANSM or ECHA do.
	switch f % 10 {
	case 4:
		s.Domains = []string{"medical-devices"}
	case 7:
		s.Domains = []string{"environment"}
	}
	return s
}

// genItem is one generated piece of news, as its feed publishes it.
type genItem struct {
	Title, Link, GUID string
	Published         time.Time
	Lang              string
	Summary           string   // plain text
	Paragraphs        []string // plain text; the feed carries them as HTML
	Categories        []string
}

func (c *corpus) feedOf(i int) int {
	// inverse of feedItems: f*n/feeds <= i < (f+1)*n/feeds
	f := (i*c.feeds + c.feeds - 1) / c.n
	for f > 0 {
		if from, _ := c.feedItems(f); from <= i {
			break
		}
		f--
	}
	for {
		if _, to := c.feedItems(f); i < to {
			return f
		}
		f++
	}
}

var dateInTitle = regexp.MustCompile(`du (1er|\d{1,2}) \p{L}+ \d{4}`)

// item generates item i.
func (c *corpus) item(i int) genItem {
	f := c.feedOf(i)
	r := rand.New(rand.NewPCG(0x7665696c6c65, uint64(i)))
	lang := c.feedLang(f)
	bk := &c.b.fr
	if lang == "en" {
		bk = &c.b.en
	}
	// Dates spread over the span, shuffled across feeds.
	frac := float64((uint64(i)*2654435761)%uint64(c.n)) / float64(c.n)
	pub := epoch.Add(-time.Duration(frac*float64(span)) - time.Duration(r.IntN(3600))*time.Second).Truncate(time.Second)
	g := genItem{Lang: lang, Published: pub}

	// 55% of the items are about one of the members' topics (15% two).
	var th []*theme
	if r.IntN(100) < 55 {
		th = append(th, &themes[r.IntN(len(themes))])
		if r.IntN(100) < 15 {
			th = append(th, &themes[r.IntN(len(themes))])
		}
	}
	fill := func(s string) string { return c.fill(r, s, lang, pub) }
	pick := func(themed bool) string {
		if themed && len(th) > 0 {
			t := th[r.IntN(len(th))]
			if lang == "fr" {
				return fill(t.frSentences[r.IntN(len(t.frSentences))])
			}
			return fill(t.enSentences[r.IntN(len(t.enSentences))])
		}
		return bk.sentences[r.IntN(len(bk.sentences))]
	}

	if len(th) > 0 && r.IntN(100) < 70 {
		if lang == "fr" {
			g.Title = fill(th[0].frTitles[r.IntN(len(th[0].frTitles))])
		} else {
			g.Title = fill(th[0].enTitles[r.IntN(len(th[0].enTitles))])
		}
	} else {
		g.Title = bk.titles[r.IntN(len(bk.titles))]
		if lang == "fr" {
			g.Title = dateInTitle.ReplaceAllString(g.Title, "du "+frDate(pub))
		} else if r.IntN(2) == 0 {
			g.Title += " (" + pub.Format("January 2006") + ")"
		}
	}
	if r.IntN(4) == 0 {
		g.Title += " – n° " + strconv.Itoa(pub.Year()) + "-" + strconv.Itoa(1000+r.IntN(9000))
	}

	g.Summary = pick(true)
	if r.IntN(2) == 0 {
		g.Summary += " " + pick(false)
	}
	target := 1200 + r.IntN(2400)
	size := 0
	for size < target {
		var p strings.Builder
		for k := 2 + r.IntN(4); k > 0; k-- {
			if p.Len() > 0 {
				p.WriteByte(' ')
			}
			p.WriteString(pick(r.IntN(3) == 0))
		}
		g.Paragraphs = append(g.Paragraphs, p.String())
		size += p.Len()
	}
	host := fmt.Sprintf("www.publisher-%04d.example", f)
	slug := slugOf(g.Title, 60)
	g.Link = fmt.Sprintf("https://%s/actualites/%d/%s-%d.html", host, pub.Year(), slug, i)
	g.GUID = g.Link
	if i%7 == 0 {
		// Feeds add tracking parameters that the canonical link drops.
		g.Link += "?utm_source=rss&utm_medium=feed"
	}
	if i%11 == 0 {
		g.GUID = fmt.Sprintf("urn:publisher-%04d:%d", f, i)
	}
	if len(th) > 0 && r.IntN(2) == 0 {
		g.Categories = []string{[]string{"Réglementation", "Regulation", "Actualités", "News"}[r.IntN(4)]}
	}
	return g
}

// fill replaces the placeholders of a theme sentence.
func (c *corpus) fill(r *rand.Rand, s, lang string, pub time.Time) string {
	if !strings.Contains(s, "{") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		switch s[i+1 : i+j] {
		case "n":
			b.WriteString(strconv.Itoa(2 + r.IntN(998)))
		case "year":
			b.WriteString(strconv.Itoa(pub.Year() + r.IntN(3)))
		case "ref":
			fmt.Fprintf(&b, "%d/%d", pub.Year(), 100+r.IntN(2900))
		case "co":
			b.WriteString(companies[r.IntN(len(companies))])
		case "town":
			b.WriteString(towns[r.IntN(len(towns))])
		case "date":
			d := pub.AddDate(0, r.IntN(18), r.IntN(28))
			if lang == "fr" {
				b.WriteString(frDate(d))
			} else {
				b.WriteString(d.Format("2 January 2006"))
			}
		}
		s = s[i+j+1:]
	}
}

func frDate(t time.Time) string {
	d := strconv.Itoa(t.Day())
	if t.Day() == 1 {
		d = "1er"
	}
	return d + " " + i18n.FR.Month(t.Month()) + " " + strconv.Itoa(t.Year())
}

// slugOf is the URL slug of a title.
func slugOf(s string, max int) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
			dash = false
		case unicode.IsLetter(r):
			b.WriteRune(foldRune(r))
			dash = false
		default:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
		if b.Len() >= max {
			break
		}
	}
	return strings.TrimRight(b.String(), "-")
}

func foldRune(r rune) rune {
	switch r {
	case 'é', 'è', 'ê', 'ë':
		return 'e'
	case 'à', 'â', 'ä':
		return 'a'
	case 'î', 'ï':
		return 'i'
	case 'ô', 'ö':
		return 'o'
	case 'ù', 'û', 'ü':
		return 'u'
	case 'ç':
		return 'c'
	}
	return 'x'
}

// veilleItem is item i as the floor indexes it: the text the crawler would
// extract, under the id of its canonical link.
func (c *corpus) veilleItem(i int, g genItem, src veille.Source) veille.Item {
	link := g.Link
	if k := strings.IndexByte(link, '?'); k >= 0 {
		link = link[:k]
	}
	return veille.Item{
		ID: veille.ItemID(link), Title: g.Title, Link: link, GUID: g.GUID,
		Source: src.ID, Sources: []string{src.ID}, Published: g.Published, FirstSeen: epoch.Add(8 * 24 * time.Hour),
		Lang: g.Lang, Jurisdiction: src.Jurisdiction, Categories: g.Categories,
		Summary: g.Summary, Content: strings.Join(g.Paragraphs, "\n\n"),
	}
}

// renderFeed writes feed f as RSS 2.0 or Atom.
func (c *corpus) renderFeed(f int, selfURL string) []byte {
	from, to := c.feedItems(f)
	lang := c.feedLang(f)
	var b strings.Builder
	esc := func(s string) string { return html.EscapeString(s) }
	body := func(g genItem) string {
		var h strings.Builder
		for k, p := range g.Paragraphs {
			if k == 1 {
				h.WriteString("<h2>Contexte</h2>")
			}
			h.WriteString("<p>")
			h.WriteString(esc(p))
			h.WriteString("</p>")
		}
		return h.String()
	}
	updated := epoch.Format(time.RFC3339)
	if c.feedAtom(f) {
		fmt.Fprintf(&b, `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="%s">
<title>Publisher %d</title><id>%s</id><updated>%s</updated>
<link rel="self" href="%s"/><link rel="alternate" href="https://www.publisher-%04d.example/"/>
`, lang, f, esc(selfURL), updated, esc(selfURL), f)
		for i := to - 1; i >= from; i-- {
			g := c.item(i)
			fmt.Fprintf(&b, "<entry><title>%s</title><id>%s</id><link rel=\"alternate\" href=\"%s\"/>"+
				"<published>%s</published><updated>%s</updated><summary type=\"text\">%s</summary>"+
				"<content type=\"html\">%s</content>", esc(g.Title), esc(g.GUID), esc(g.Link),
				g.Published.Format(time.RFC3339), g.Published.Format(time.RFC3339), esc(g.Summary), esc(body(g)))
			for _, cat := range g.Categories {
				fmt.Fprintf(&b, `<category term="%s"/>`, esc(cat))
			}
			b.WriteString("</entry>\n")
		}
		b.WriteString("</feed>\n")
		return []byte(b.String())
	}
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel><title>Publisher %d</title><link>https://www.publisher-%04d.example/</link>
<description>News of publisher %d</description><language>%s</language>
<atom:link rel="self" href="%s"/><lastBuildDate>%s</lastBuildDate>
`, f, f, f, lang, esc(selfURL), epoch.Format(time.RFC1123Z))
	for i := to - 1; i >= from; i-- {
		g := c.item(i)
		perma := "true"
		if g.GUID != g.Link {
			perma = "false"
		}
		fmt.Fprintf(&b, "<item><title>%s</title><link>%s</link><guid isPermaLink=\"%s\">%s</guid>"+
			"<pubDate>%s</pubDate><description>%s</description><content:encoded><![CDATA[%s]]></content:encoded>",
			esc(g.Title), esc(g.Link), perma, esc(g.GUID), g.Published.Format(time.RFC1123Z), esc(g.Summary), body(g))
		for _, cat := range g.Categories {
			fmt.Fprintf(&b, "<category>%s</category>", esc(cat))
		}
		b.WriteString("</item>\n")
	}
	b.WriteString("</channel></rss>\n")
	return []byte(b.String())
}
