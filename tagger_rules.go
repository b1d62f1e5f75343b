package veille

import (
	"slices"
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
