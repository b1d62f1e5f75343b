// Package refs reads an item's title and text for the legal references it
// cites, the act it is and the dates it sets (REFS.md): EU acts, CELEX
// numbers, French acts, NOR, code articles, ICPE rubriques, standards, CAS
// numbers, CFR sections and Federal Register citations. It is a set of pure
// functions over text: no I/O, no state, safe for concurrent use.
//
// Each kind has a small grammar of how legal texts write it; an id is written
// one way whatever the wording ("règlement d'exécution (UE) 2018/2066" and
// "Implementing Regulation (EU) 2018/2066" both give
// "Regulation (EU) 2018/2066"), so that items citing the same act share it.
package refs

import (
	"slices"
	"sort"
	"strings"

	"github.com/nogentech/veille"
)

// Reference kinds (REFS.md).
const (
	KindEUAct    = "eu-act"
	KindCELEX    = "celex"
	KindFRAct    = "fr-act"
	KindNOR      = "nor"
	KindFRCode   = "fr-code"
	KindICPE     = "icpe"
	KindStandard = "standard"
	KindCAS      = "cas"
	KindCFR      = "us-cfr"
	KindFRDoc    = "us-fr-doc"
)

// Kinds lists the reference kinds, in the order REFS.md gives them.
var Kinds = []string{KindEUAct, KindCELEX, KindFRAct, KindNOR, KindFRCode, KindICPE,
	KindStandard, KindCAS, KindCFR, KindFRDoc}

// Date kinds (REFS.md).
const (
	DateEntryIntoForce = "entry-into-force"
	DateApplication    = "application"
	DateDeadline       = "deadline"
	DateComment        = "comment-deadline"
)

// Relations a title gives the item to an act it cites.
const (
	RelAmends     = "amends"
	RelRepeals    = "repeals"
	RelTransposes = "transposes"
	RelImplements = "implements"
)

// Rels are the relations, in the order an act page shows their groups.
var Rels = []string{RelAmends, RelRepeals, RelTransposes, RelImplements}

// Result is what Extract reads in one item.
type Result struct {
	Refs  []veille.Ref
	Dates []veille.KeyDate
	Act   *veille.ActID
}

// found is a reference at a place in the normalised text.
type found struct {
	kind, id   string
	start, end int
	text       string
}

// doc is the text under analysis and what has been found in it so far.
type doc struct {
	s        string     // normalised title + "\n" + text
	low      string     // s with ASCII letters in lower case, for anchors
	years    []int      // where s writes a year (see yearSpans), once computed
	dates    []dateSpan // the calendar dates of s, once computed
	titleEnd int        // s[:titleEnd] is the title
	refs     []found
	// claimed marks, one bit a byte, the text a stricter grammar read, which
	// a later, looser one must not read again. A bitmap and not a list of
	// spans, so that checking a match costs its length, not the number of
	// references found before it (a 10 MB text may hold 100,000).
	claimed []uint64
}

func (d *doc) add(kind, id string, start, end int) {
	d.refs = append(d.refs, found{kind: kind, id: id, start: start, end: end, text: joinLines(d.s[start:end])})
}

func (d *doc) claim(start, end int) {
	if d.claimed == nil {
		d.claimed = make([]uint64, len(d.s)/64+1)
	}
	for i := max(0, start); i < end && i < len(d.s); i++ {
		d.claimed[i>>6] |= 1 << (i & 63)
	}
}

// isClaimed tells whether [start,end) overlaps text a stricter grammar read.
func (d *doc) isClaimed(start, end int) bool {
	if d.claimed == nil {
		return false
	}
	for i := max(0, start); i < end && i < len(d.s); i++ {
		if d.claimed[i>>6]&(1<<(i&63)) != 0 {
			return true
		}
	}
	return false
}

// Extract reads the references, dates and own act of an item from its
// title and its text (the content, or the summary when there is none).
func Extract(title, text string) Result {
	t := normalize(title)
	d := &doc{s: t, titleEnd: len(t)}
	if body := normalize(text); body != "" {
		d.s = t + "\n" + body
	}
	d.low = lowerASCII(d.s)
	// Stricter grammars first: they claim their spans, so that the numbers
	// inside "R. 1413-61-2" or "(CE) n° 1907/2006" are not read again as a
	// CAS number or a standard.
	findEUActs(d)
	findCELEX(d)
	findFRActs(d)
	findNOR(d)
	findCodeArticles(d)
	findICPE(d)
	findCFR(d)
	findFRDocs(d)
	findStandards(d)
	findCAS(d)

	act := ownAct(d)
	res := Result{Act: act, Refs: collect(d, act), Dates: findKeyDates(d)}
	return res
}

// Apply extracts from an item's title and text and sets its Refs, Dates and
// Act, replacing what they held.
func Apply(it *veille.Item) {
	text := it.Content
	if text == "" {
		text = it.Summary
	}
	r := Extract(it.Title, text)
	it.Refs, it.Dates, it.Act = r.Refs, r.Dates, r.Act
}

// collect orders the references by first occurrence, drops the item's own
// act, and keeps one per (kind, id) with its first text and the relation the
// title gives it.
func collect(d *doc, act *veille.ActID) []veille.Ref {
	sort.SliceStable(d.refs, func(i, j int) bool { return d.refs[i].start < d.refs[j].start })
	rels := titleRelations(d)
	out := make([]veille.Ref, 0, len(d.refs))
	seen := make(map[string]int, len(d.refs))
	for _, f := range d.refs {
		if act != nil && f.kind == act.Kind && f.id == act.ID {
			continue
		}
		k := veille.RefKey(f.kind, f.id)
		rel := ""
		if f.end <= d.titleEnd {
			rel = rels.at(f.start)
		}
		if i, ok := seen[k]; ok {
			if out[i].Rel == "" {
				out[i].Rel = rel
			}
			continue
		}
		seen[k] = len(out)
		out = append(out, veille.Ref{Kind: f.kind, ID: f.id, Text: f.text, Rel: rel})
	}
	return dropUndated(out)
}

// dropUndated removes a standard cited without its edition when the same
// item cites that designation with a year (REFS.md).
func dropUndated(refs []veille.Ref) []veille.Ref {
	dated := map[string]bool{}
	for _, r := range refs {
		if r.Kind == KindStandard {
			if i := strings.LastIndexByte(r.ID, ':'); i > 0 {
				dated[r.ID[:i]] = true
			}
		}
	}
	if len(dated) == 0 {
		return refs
	}
	return slices.DeleteFunc(refs, func(r veille.Ref) bool {
		return r.Kind == KindStandard && dated[r.ID]
	})
}

// sortSpans orders dates by position.
func sortSpans(ds []dateSpan) {
	sort.Slice(ds, func(i, j int) bool { return ds[i].start < ds[j].start })
}

// DateKinds lists the date kinds, in the order REFS.md gives them.
var DateKinds = []string{DateEntryIntoForce, DateApplication, DateDeadline, DateComment}

// IsAct says whether a reference kind names an act (a regulation, a décret,
// a Federal Register document…) rather than a part of one or a thing an act
// regulates (a code article, a rubrique, a standard, a substance): the
// "most cited acts" facet counts these.
func IsAct(kind string) bool {
	switch kind {
	case KindEUAct, KindCELEX, KindFRAct, KindNOR, KindCFR, KindFRDoc:
		return true
	}
	return false
}
