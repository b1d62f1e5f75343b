package veille

import (
	"slices"

	"github.com/nogentech/veille/internal/text"
)

// applyRequires drops rule-derived categories whose Requires names no
// category present; it repeats until nothing changes, since dropping one
// may orphan another. Source defaults are kept as given.
func (t *Tagger) applyRequires(tagged, fromSource []bool, why [][]string) {
	for changed := true; changed; {
		changed = false
		for i, c := range t.cats {
			if !tagged[i] || fromSource[i] || len(c.requires) == 0 {
				continue
			}
			ok := false
			for _, k := range c.requires {
				ok = ok || tagged[k]
			}
			if !ok {
				tagged[i], why[i], changed = false, nil, true
			}
		}
	}
}

// applyImplies adds what tagged categories bring along, transitively; Why
// records "via:<id>" for them.
func (t *Tagger) applyImplies(tagged []bool, why [][]string) {
	for changed := true; changed; {
		changed = false
		for i, c := range t.cats {
			if !tagged[i] {
				continue
			}
			for _, k := range c.implies {
				if !tagged[k] {
					tagged[k], changed = true, true
				}
				if !slices.Contains(why[k], "via:"+c.id) {
					why[k] = append(why[k], "via:"+c.id)
				}
			}
		}
	}
}

// MergeTags decides the tags of an item that a source sees again: the
// recorded version old, the incoming one in (both canonical, see
// Item.Normalize). When a source other than the incoming one has seen the
// item, its tags are the union of both (each source's rules, such as a
// source's own domains, contribute) and Why the union of the terms;
// otherwise a re-crawl by the only source that saw it replaces its tags,
// so that better rules take effect. The result is canonical. Tag decides
// an item's tags from one source's view; this is the one other rule that
// says why an item has a tag.
func MergeTags(old, in Item) (domains, competences []string, why map[string][]string) {
	incoming := map[string]bool{in.Source: true}
	for _, s := range in.Sources {
		incoming[s] = true
	}
	shared := false
	for _, s := range old.Sources {
		if !incoming[s] {
			shared = true
			break
		}
	}
	if !shared {
		return in.Domains, in.Competences, in.Why
	}
	domains = sortedSet(append(slices.Clone(old.Domains), in.Domains...))
	competences = sortedSet(append(slices.Clone(old.Competences), in.Competences...))
	why = make(map[string][]string, len(old.Why)+len(in.Why))
	for k, v := range old.Why {
		why[k] = slices.Clone(v)
	}
	for k, v := range in.Why {
		why[k] = text.Dedupe(append(why[k], v...))
	}
	return domains, competences, why
}
