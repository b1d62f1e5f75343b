package crawler

import (
	"slices"
	"strings"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/internal/text"
)

// summaryMax is the length, in runes, of a summary cut from a long text.
const summaryMax = 500

// titleMax is the length of a title made from the text of an untitled item.
const titleMax = 120

// detectMax bounds how much body text language detection looks at.
const detectMax = 4000

// draft is an item as read from a feed, an API or a page, before it is
// normalised. Title, summary and content may hold markup.
type draft struct {
	title, link, guid  string
	summary, content   string
	published, updated time.Time // zero when the document gave none
	authors            []string
	categories         []string
	lang               string // the item's own language, when the format has one
	textOnly           bool   // summary and content are text, not markup to keep as HTML
}

// finish turns drafts into items: plain text, canonical link, dates in
// UTC, language, stable IDs, and duplicates within the document merged.
// The form the store records (sorted tags, Sources led by Source) is
// veille.Item.Normalize's, applied once by the store.
func finish(drafts []draft, docLang string, src veille.Source, now time.Time) []veille.Item {
	now = now.UTC()
	items := make([]veille.Item, 0, len(drafts))
	keys := make([]string, 0, len(drafts))
	for _, d := range drafts {
		it, key := normalise(d, docLang, src, now)
		if it.Title == "" && it.Link == "" && it.Content == "" && it.Summary == "" {
			continue // nothing a reader could use
		}
		items = append(items, it)
		keys = append(keys, key)
	}
	assignIDs(items, keys, src.ID)
	return mergeDuplicates(items)
}

func normalise(d draft, docLang string, src veille.Source, now time.Time) (veille.Item, string) {
	it := veille.Item{
		Title:        plainLine(d.title),
		GUID:         d.guid,
		Source:       src.ID,
		Sources:      []string{src.ID},
		FirstSeen:    now,
		Jurisdiction: src.Jurisdiction,
		Authors:      text.DedupeFold(d.authors),
		Categories:   text.DedupeFold(d.categories),
	}
	if d.link != "" {
		it.Link = CanonicalURL(d.link)
	}

	it.Published = d.published.UTC()
	if d.published.IsZero() {
		it.Published = now
	}
	it.Updated = d.updated.UTC()
	if d.updated.IsZero() {
		it.Updated = it.Published
	}

	sum, con := PlainText(d.summary), PlainText(d.content)
	switch {
	case con == "" && len(sum) > 2*summaryMax:
		// a description that is the whole text: index all of it, show the start
		it.Content, it.Summary = sum, truncate(sum, summaryMax)
	case con == "":
		it.Summary = sum
	case sum == "" || sum == con:
		it.Content, it.Summary = con, truncate(con, summaryMax)
	default:
		it.Content, it.Summary = con, sum
	}
	if !d.textOnly {
		it.HTML = strings.TrimSpace(d.content)
		if it.HTML == "" {
			it.HTML = strings.TrimSpace(d.summary)
		}
	}

	it.Lang = langSubtag(d.lang)
	if it.Lang == "" {
		it.Lang = docLang
	}
	if it.Lang == "" {
		it.Lang = DetectLang(it.Title + "\n" + it.Summary + "\n" + text.CutBytes(it.Content, detectMax))
	}
	if it.Lang == "" {
		it.Lang = langSubtag(src.Lang)
	}

	if it.Title == "" {
		// some feeds have untitled entries; a list of results needs a title
		it.Title = collapse(truncate(text.FirstNonEmpty(it.Summary, it.Content), titleMax), false)
	}

	// The key identifies the item within its source when its link cannot.
	key := "guid\x00" + it.GUID
	if it.GUID == "" {
		date := ""
		if !d.published.IsZero() {
			date = d.published.UTC().Format(time.RFC3339)
		}
		key = "title\x00" + it.Title + "\x00" + date
	}
	return it, key
}

// assignIDs gives each item the ID of its canonical link, unless it has no
// link or its link is shared by distinct items of the same document (a feed
// whose entries all point to one page): those get an ID from their GUID
// (else title and date) scoped to the source. Entries repeating one item
// (same link, same GUID) keep the link's ID and are merged later.
func assignIDs(items []veille.Item, keys []string, sourceID string) {
	identities := map[string]map[string]bool{}
	for _, it := range items {
		if it.Link == "" {
			continue
		}
		id := "t\x00" + strings.ToLower(it.Title)
		if it.GUID != "" {
			id = "g\x00" + it.GUID
		}
		if identities[it.Link] == nil {
			identities[it.Link] = map[string]bool{}
		}
		identities[it.Link][id] = true
	}
	for i := range items {
		if items[i].Link != "" && len(identities[items[i].Link]) == 1 {
			items[i].ID = veille.ItemID(items[i].Link)
		} else {
			items[i].ID = veille.ItemID(sourceID + "\x00" + keys[i])
		}
	}
}

// mergeDuplicates folds items sharing an ID into the first of them, keeping
// the longest text (JORF feeds repeat an act, once without its content).
func mergeDuplicates(items []veille.Item) []veille.Item {
	at := make(map[string]int, len(items))
	out := items[:0]
	for _, it := range items {
		if i, ok := at[it.ID]; ok {
			out[i] = merge(out[i], it)
			continue
		}
		at[it.ID] = len(out)
		out = append(out, it)
	}
	return out
}

func merge(a, b veille.Item) veille.Item {
	best, other := a, b
	if len(b.Content) > len(a.Content) || (len(b.Content) == len(a.Content) && len(b.Summary) > len(a.Summary)) {
		best, other = b, a
	}
	if best.Link == "" {
		best.Link = other.Link
	}
	if best.GUID == "" {
		best.GUID = other.GUID
	}
	if best.Summary == "" {
		best.Summary = other.Summary
	}
	if best.HTML == "" {
		best.HTML = other.HTML
	}
	if other.Updated.After(best.Updated) {
		best.Updated = other.Updated
	}
	best.Authors = text.DedupeFold(append(slices.Clone(best.Authors), other.Authors...))
	best.Categories = text.DedupeFold(append(slices.Clone(best.Categories), other.Categories...))
	return best
}
