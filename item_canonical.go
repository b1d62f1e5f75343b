package veille

import (
	"errors"
	"slices"

	"github.com/nogentech/veille/internal/text"
)

// Normalize puts the item in its canonical form, the one the store records
// and fingerprints, so that the same content always has the same bytes:
//
//   - an ID and a Source (an error otherwise);
//   - times in UTC (a zero time stays zero);
//   - Sources: Source first, then the others sorted, each once;
//   - Domains and Competences sorted, each once, never nil (JSON "[]");
//   - Why never nil, each list without repeats;
//   - Authors and Categories nil when empty (left out of the JSON).
//
// This is the one definition of the form. Store.UpsertItems applies it
// once to what it is given; what comes after relies on it: the store's
// merge of two versions keeps it (MergeTags, LeadSources), and the index
// builds its documents from stored items as they are. Normalize is
// idempotent.
func (it *Item) Normalize() error {
	if it.ID == "" {
		return errors.New("item has no id")
	}
	if it.Source == "" {
		return errors.New("item has no source")
	}
	it.Published = it.Published.UTC()
	it.FirstSeen = it.FirstSeen.UTC()
	it.Updated = it.Updated.UTC()
	it.Sources = LeadSources(it.Source, it.Sources)
	it.Domains = sortedSet(it.Domains)
	it.Competences = sortedSet(it.Competences)
	if len(it.Authors) == 0 {
		it.Authors = nil
	}
	if len(it.Categories) == 0 {
		it.Categories = nil
	}
	why := make(map[string][]string, len(it.Why))
	for k, terms := range it.Why {
		why[k] = text.Dedupe(terms)
	}
	it.Why = why
	return nil
}

// LeadSources returns the distinct sources of all with first in front and
// the others sorted: the canonical Sources of an item first seen by first.
func LeadSources(first string, all []string) []string {
	rest := make([]string, 0, len(all))
	for _, s := range all {
		if s != "" && s != first {
			rest = append(rest, s)
		}
	}
	return append([]string{first}, sortedSet(rest)...)
}

// sortedSet returns the distinct non-empty values sorted, never nil.
func sortedSet(v []string) []string {
	out := make([]string, 0, len(v))
	for _, s := range v {
		if s != "" {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
