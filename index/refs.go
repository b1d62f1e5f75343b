package index

import (
	"encoding/json"
	"fmt"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/refs"
)

// storedRefs is what a hit shows of an item's references (REFS.md).
type storedRefs struct {
	Refs  []veille.Ref     `json:"refs,omitempty"`
	Dates []veille.KeyDate `json:"dates,omitempty"`
	Act   *veille.ActID    `json:"act,omitempty"`
}

// addRefs indexes an item's references and own act as "kind:id" keywords,
// for the ref= filter and ref: in queries, and stores them with its dates
// for its hits.
func addRefs(doc map[string]interface{}, it *veille.Item) error {
	keys := make([]string, 0, len(it.Refs)+1)
	for _, r := range it.Refs {
		keys = append(keys, r.Key())
	}
	if it.Act != nil {
		keys = append(keys, veille.RefKey(it.Act.Kind, it.Act.ID))
	}
	if k := keywords(fRefs, keys); len(k) > 0 {
		doc[fRefs] = k
	}
	if acts := actKeys(it); len(acts) > 0 {
		doc[fActRefs] = acts
	}
	if rels := keywords(fRefRels, relKeys(it)); len(rels) > 0 {
		doc[fRefRels] = rels
	}
	if len(it.Refs) == 0 && len(it.Dates) == 0 && it.Act == nil {
		return nil
	}
	b, err := json.Marshal(storedRefs{Refs: it.Refs, Dates: it.Dates, Act: it.Act})
	if err != nil {
		return fmt.Errorf("encode refs: %w", err)
	}
	doc[fRefsJSON] = string(b)
	return nil
}

// hitRefs sets a hit's refs, dates and act from their stored JSON; a hit
// always carries the two lists, empty when the item cites nothing.
func hitRefs(h *veille.Hit, stored string) {
	var sr storedRefs
	if stored != "" {
		// Written by addRefs; a decoding failure leaves them empty rather
		// than hiding the hit.
		_ = json.Unmarshal([]byte(stored), &sr)
	}
	h.Refs, h.Dates, h.Act = sr.Refs, sr.Dates, sr.Act
	if h.Refs == nil {
		h.Refs = []veille.Ref{}
	}
	if h.Dates == nil {
		h.Dates = []veille.KeyDate{}
	}
}

// actKeys are the "kind:id" of the acts an item cites or is, as written.
func actKeys(it *veille.Item) []string {
	var out []string
	seen := map[string]bool{}
	add := func(kind, id string) {
		k := veille.RefKey(kind, id)
		if refs.IsAct(kind) && !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	if it.Act != nil {
		add(it.Act.Kind, it.Act.ID)
	}
	for _, r := range it.Refs {
		add(r.Kind, r.ID)
	}
	return out
}
