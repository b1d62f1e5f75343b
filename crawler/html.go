package crawler

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html/charset"

	"github.com/nogentech/veille"
)

// ErrNoItems is returned (wrapped) when a page's item selector matches
// nothing: the publisher changed its markup, and saying so beats watching
// an empty page in silence.
var ErrNoItems = errors.New("no items found")

// selector is one parsed "css@attr" specification.
type selector struct {
	css  string // empty: the item element itself
	attr string // empty: the element's text
}

var attrNameRe = regexp.MustCompile(`^[A-Za-z_:][-A-Za-z0-9_:.]*$`)

// parseSelector splits "css@attr". An "@" inside brackets or quotes belongs
// to the CSS (a[href^='mailto:a@b']), so only a trailing @name counts.
func parseSelector(field, spec string) (selector, error) {
	spec = strings.TrimSpace(spec)
	s := selector{css: spec}
	if i := strings.LastIndex(spec, "@"); i >= 0 {
		css, attr := strings.TrimSpace(spec[:i]), spec[i+1:]
		if attrNameRe.MatchString(attr) && strings.Count(css, "[") == strings.Count(css, "]") &&
			strings.Count(css, "'")%2 == 0 && strings.Count(css, `"`)%2 == 0 {
			s = selector{css: css, attr: strings.ToLower(attr)}
		}
	}
	if s.css != "" {
		if _, err := cascadia.Compile(s.css); err != nil {
			return s, fmt.Errorf("select.%s: invalid CSS selector %q: %w", field, s.css, err)
		}
	}
	return s, nil
}

type htmlSelectors struct {
	item                       string
	title, link, date, summary selector
	titleSet, linkSet, dateSet bool
	summarySet                 bool
}

func compileSelectors(sel *veille.Selectors) (htmlSelectors, error) {
	var hs htmlSelectors
	if sel == nil || strings.TrimSpace(sel.Item) == "" {
		return hs, errors.New("an html source needs select.item")
	}
	hs.item = strings.TrimSpace(sel.Item)
	if _, err := cascadia.Compile(hs.item); err != nil {
		return hs, fmt.Errorf("select.item: invalid CSS selector %q: %w", hs.item, err)
	}
	var err error
	fields := []struct {
		name string
		spec string
		dst  *selector
		set  *bool
	}{
		{"title", sel.Title, &hs.title, &hs.titleSet},
		{"link", sel.Link, &hs.link, &hs.linkSet},
		{"date", sel.Date, &hs.date, &hs.dateSet},
		{"summary", sel.Summary, &hs.summary, &hs.summarySet},
	}
	for _, f := range fields {
		if strings.TrimSpace(f.spec) == "" {
			continue
		}
		if *f.dst, err = parseSelector(f.name, f.spec); err != nil {
			return hs, err
		}
		*f.set = true
	}
	return hs, nil
}

// parseHTML extracts items from an HTML page with the source's CSS
// selectors: select.item finds each item's element, and title, link, date
// and summary are read relative to it ("sel@attr" reads an attribute; an
// empty title is the item's text; the link defaults to the first a[href]).
// Links are made absolute against pageURL and the page's <base href>.
func parseHTML(body []byte, contentType, pageURL string, src veille.Source, now time.Time) ([]veille.Item, error) {
	hs, err := compileSelectors(src.Select)
	if err != nil {
		return nil, err
	}
	_, declared, _ := charset.DetermineEncoding(body, "")
	utf8Body, _, err := toUTF8(body, contentType, declared)
	if err != nil {
		return nil, err
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(utf8Body))
	if err != nil {
		return nil, fmt.Errorf("parse HTML: %w", err)
	}
	base := pageURL
	if href, ok := doc.Find("base[href]").First().Attr("href"); ok {
		base = resolveURL(pageURL, href)
	}
	pageLang := langSubtag(doc.Find("html").AttrOr("lang", ""))
	// US pages write 02/04/2020 for 4 February.
	monthFirst := strings.EqualFold(src.Jurisdiction, "US")

	found := doc.Find(hs.item)
	if found.Length() == 0 {
		return nil, fmt.Errorf("%w: select.item %q matched nothing on the page", ErrNoItems, hs.item)
	}
	drafts := make([]draft, 0, found.Length())
	found.Each(func(_ int, s *goquery.Selection) {
		d := draft{lang: s.AttrOr("lang", "")}
		if hs.titleSet {
			d.title, _ = extract(s, hs.title, false)
		} else {
			d.title = elementText(s)
		}
		var link string
		if hs.linkSet {
			link, _ = extract(s, hs.link, false)
		} else {
			link = firstHref(s)
		}
		if l := resolveURL(base, link); isHTTP(l) {
			d.link = l
		}
		var dateText string
		if hs.dateSet {
			dateText, _ = extract(s, hs.date, false)
		} else {
			dateText, _ = extract(s, selector{css: "time[datetime]", attr: "datetime"}, false)
			if dateText == "" {
				dateText, _ = extract(s, selector{css: "time"}, false)
			}
		}
		d.published = parseDate(dateText, monthFirst)
		if hs.summarySet {
			// the markup, when there is some, becomes the item's HTML too
			text, markup := extract(s, hs.summary, true)
			d.summary = markup
			if markup == "" {
				d.summary, d.textOnly = text, true
			}
		}
		if plainLine(d.title) == "" {
			return // header rows, separators, empty cards
		}
		drafts = append(drafts, d)
	})
	if len(drafts) == 0 {
		return nil, fmt.Errorf("%w: select.item %q matched %d elements, none with a title", ErrNoItems, hs.item, found.Length())
	}
	return finish(drafts, pageLang, src, now), nil
}

// extract reads a selector relative to an item: the value of its attribute,
// or the text of its first match (all matches when all is set, also
// returning their HTML).
func extract(s *goquery.Selection, sel selector, all bool) (text, markup string) {
	target := s
	if sel.css != "" {
		target = s.Find(sel.css)
	}
	if sel.attr != "" {
		for i := range target.Length() {
			if v, ok := target.Eq(i).Attr(sel.attr); ok && strings.TrimSpace(v) != "" {
				return strings.TrimSpace(v), ""
			}
		}
		return "", ""
	}
	if target.Length() == 0 {
		return "", ""
	}
	if !all {
		return elementText(target.First()), ""
	}
	var texts, marks []string
	target.Each(func(_ int, e *goquery.Selection) {
		if t := elementText(e); t != "" {
			texts = append(texts, t)
			if h, err := goquery.OuterHtml(e); err == nil {
				marks = append(marks, h)
			}
		}
	})
	return strings.Join(texts, "\n"), strings.Join(marks, "\n")
}

// elementText is the readable text of an element and its descendants.
func elementText(s *goquery.Selection) string {
	h, err := s.Html()
	if err != nil {
		return strings.TrimSpace(s.Text())
	}
	return PlainText(h)
}

// firstHref is the item's own href when it is a link, else the first
// a[href] inside it.
func firstHref(s *goquery.Selection) string {
	if s.Is("a[href]") {
		return s.AttrOr("href", "")
	}
	return s.Find("a[href]").First().AttrOr("href", "")
}
