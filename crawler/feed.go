package crawler

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"
	jsonfeed "github.com/mmcdole/gofeed/json"
	"github.com/mmcdole/gofeed/rss"

	"github.com/nogentech/veille"
)

// ErrNotAFeed is returned (wrapped) when a feed source answers with
// something that is not RSS, Atom, RDF or JSON Feed.
var ErrNotAFeed = errors.New("not a feed")

// parseFeed parses an RSS 0.9x/1.0/2.0, Atom, RDF or JSON Feed document
// into items (not tagged). Relative links are resolved against baseURL.
// Non-UTF-8 documents are transcoded first (see toUTF8).
func parseFeed(body []byte, contentType, baseURL string, src veille.Source, now time.Time) ([]veille.Item, error) {
	body, _, err := xmlToUTF8(body, contentType)
	if err != nil {
		return nil, err
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil, fmt.Errorf("%w: empty document", ErrNotAFeed)
	}
	if looksLikeHTML(trimmed, contentType) {
		return nil, fmt.Errorf("expected a feed, got an HTML page: %w", ErrNotAFeed)
	}
	if entityBomb(trimmed) {
		return nil, ErrEntityExpansion
	}

	p := gofeed.NewParser()
	p.KeepOriginalFeed = true // for what the universal model drops: link rels, item languages
	// Items' images are not used, and looking for one parses every item's
	// HTML into a tree: a tenth of the time a large RSS feed took to parse.
	p.RSSTranslator = &gofeed.DefaultRSSTranslator{DisableContentImageScan: true}
	feed, err := p.Parse(bytes.NewReader(body))
	if err != nil {
		if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
			return nil, fmt.Errorf("%w: no RSS, Atom, RDF or JSON Feed root element", ErrNotAFeed)
		}
		return nil, fmt.Errorf("parse feed: %w", err)
	}

	base := baseURL
	if feed.Link != "" {
		base = resolveURL(baseURL, feed.Link)
	}
	extra := originalExtras(feed)
	feedLang := langSubtag(feed.Language)
	drafts := make([]draft, 0, len(feed.Items))
	for i, it := range feed.Items {
		if it == nil {
			continue
		}
		var ex itemExtras
		if i < len(extra) {
			ex = extra[i]
		}
		drafts = append(drafts, feedDraft(it, ex, base))
	}
	return finish(drafts, feedLang, src, now), nil
}

// itemExtras is what the universal gofeed model loses and we need.
type itemExtras struct {
	links []string // every link of the entry, alternate first
	lang  string
}

// originalExtras reads, from the format-specific feed gofeed kept, the item
// languages and the links of every rel (an Atom entry whose only links are
// rel="related", as in the ameli LPP feed, has none in the universal model).
func originalExtras(feed *gofeed.Feed) []itemExtras {
	switch f := feed.OriginalFeed().(type) {
	case *atom.Feed:
		if len(f.Entries) != len(feed.Items) {
			return nil
		}
		out := make([]itemExtras, len(f.Entries))
		for i, e := range f.Entries {
			if e == nil {
				continue
			}
			for _, l := range e.Links {
				if l != nil && l.Href != "" && l.Rel == "alternate" {
					out[i].links = append(out[i].links, l.Href)
				}
			}
			for _, l := range e.Links {
				if l != nil && l.Href != "" && l.Rel != "alternate" && l.Rel != "self" {
					out[i].links = append(out[i].links, l.Href)
				}
			}
		}
		return out
	case *rss.Feed:
		if len(f.Items) != len(feed.Items) {
			return nil
		}
		out := make([]itemExtras, len(f.Items))
		for i, it := range f.Items {
			if it != nil && it.DublinCoreExt != nil && len(it.DublinCoreExt.Language) > 0 {
				out[i].lang = it.DublinCoreExt.Language[0]
			}
		}
		return out
	case *jsonfeed.Feed:
		if len(f.Items) != len(feed.Items) {
			return nil
		}
		out := make([]itemExtras, len(f.Items))
		for i, it := range f.Items {
			if it != nil {
				out[i].lang = it.Language
			}
		}
		return out
	}
	return nil
}

// feedDraft maps one gofeed item to a draft.
func feedDraft(it *gofeed.Item, ex itemExtras, base string) draft {
	d := draft{
		title:   it.Title,
		guid:    strings.TrimSpace(it.GUID),
		summary: it.Description,
		content: it.Content,
		lang:    ex.lang,
	}
	if it.DublinCoreExt != nil && d.lang == "" && len(it.DublinCoreExt.Language) > 0 {
		d.lang = it.DublinCoreExt.Language[0]
	}
	// Link: the alternate, else the first link of any kind, else an http(s) GUID.
	candidates := []string{it.Link}
	candidates = append(candidates, ex.links...)
	candidates = append(candidates, it.Links...)
	for _, e := range it.Enclosures {
		if e != nil {
			candidates = append(candidates, e.URL)
		}
	}
	for _, c := range candidates {
		if l := resolveURL(base, c); isHTTP(l) {
			d.link = l
			break
		}
	}
	if d.link == "" && isHTTP(d.guid) {
		d.link = d.guid
	}

	d.published = dateOf(it.PublishedParsed, it.Published)
	d.updated = dateOf(it.UpdatedParsed, it.Updated)
	if d.published.IsZero() {
		d.published = d.updated
	}
	for _, p := range it.Authors {
		if p == nil {
			continue
		}
		if name := plainLine(p.Name); name != "" {
			d.authors = append(d.authors, name)
		} else if p.Email != "" {
			d.authors = append(d.authors, p.Email)
		}
	}
	for _, c := range it.Categories {
		// some feeds put several comma-separated terms in one category
		for _, part := range strings.Split(c, ",") {
			if t := plainLine(part); t != "" {
				d.categories = append(d.categories, t)
			}
		}
	}
	return d
}

// dateOf prefers the date gofeed parsed, and otherwise tries our own parser
// on the raw text (gofeed gives up on French month names, for instance).
func dateOf(parsed *time.Time, raw string) time.Time {
	if parsed != nil && !parsed.IsZero() {
		return parsed.UTC()
	}
	return parseDate(raw, false)
}

// looksLikeHTML tells an HTML page (an error page, a login wall, a site
// that moved its feed) from a feed, before the feed parser fails obscurely.
func looksLikeHTML(trimmed []byte, contentType string) bool {
	head := bytes.ToLower(trimmed[:min(len(trimmed), 1024)])
	if bytes.HasPrefix(head, []byte("<!doctype html")) || bytes.HasPrefix(head, []byte("<html")) {
		return true
	}
	feedRoot := bytes.Contains(head, []byte("<rss")) || bytes.Contains(head, []byte("<feed")) ||
		bytes.Contains(head, []byte("rdf")) || head[0] == '{'
	if feedRoot {
		return false
	}
	if bytes.Contains(head, []byte("<html")) {
		return true
	}
	mt := strings.ToLower(contentType)
	return strings.HasPrefix(mt, "text/html") && bytes.Contains(bytes.ToLower(trimmed), []byte("<body"))
}

func isHTTP(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
}

// resolveURL makes ref absolute against base; it returns ref unchanged when
// either cannot be parsed, and "" for an empty ref.
func resolveURL(base, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	r, err := url.Parse(ref)
	if err != nil {
		return ref
	}
	if r.IsAbs() || base == "" {
		return ref
	}
	b, err := url.Parse(base)
	if err != nil {
		return ref
	}
	return b.ResolveReference(r).String()
}
