package members

import (
	"context"
	"fmt"
	"slices"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/store"
)

// ClusterCount is how many members marked an item with a status, among all
// members or among those with one competence: counts only, never who.
type ClusterCount = store.ClusterCount

// ClusterCounter is ClusterCountsOf for what runs without the sign-in
// (the scheduler's and the command line's digests, whose commission's
// edition shows the counts): the same counting, over the config's members
// and their profiles in st.
func ClusterCounter(cfg veille.Config, st *store.Store) func(ctx context.Context, items []veille.Item) (map[string][]ClusterCount, error) {
	a := &Auth{o: Options{Config: cfg, Store: st}, dir: NewDirectory(cfg)}
	return a.ClusterCountsOf
}

// ClusterCounts counts the members' marks on an item, overall and for each
// of the item's competences (members' competences as their profiles say).
func (a *Auth) ClusterCounts(ctx context.Context, itemID string, competences []string) ([]ClusterCount, error) {
	comps, err := a.memberCompetences(ctx)
	if err != nil {
		return nil, err
	}
	return a.countItem(ctx, comps, itemID, competences)
}

// ClusterCountsOf is ClusterCounts for each of items (by id), reading the
// members' profiles once; items nobody marked have no entry.
func (a *Auth) ClusterCountsOf(ctx context.Context, items []veille.Item) (map[string][]ClusterCount, error) {
	comps, err := a.memberCompetences(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string][]ClusterCount{}
	for _, it := range items {
		cs, err := a.countItem(ctx, comps, it.ID, it.Competences)
		if err != nil {
			return nil, err
		}
		if len(cs) > 0 {
			out[it.ID] = cs
		}
	}
	return out, nil
}

// memberCompetences maps each member to its competences, as its profile
// says.
func (a *Auth) memberCompetences(ctx context.Context) (map[string][]string, error) {
	comps := map[string][]string{}
	for _, id := range a.dir.MemberIDs() {
		p, err := a.Profile(ctx, id)
		if err != nil {
			return nil, err
		}
		comps[id] = p.Competences
	}
	return comps, nil
}

// countItem counts the marks on one item among the members of comps.
func (a *Auth) countItem(ctx context.Context, comps map[string][]string, itemID string, competences []string) ([]ClusterCount, error) {
	var out []ClusterCount
	for _, st := range Statuses {
		marked, err := a.o.Store.MarkMembers(ctx, itemID, st)
		if err != nil {
			return nil, fmt.Errorf("members: %w", err)
		}
		if len(marked) == 0 {
			continue
		}
		n := 0
		for _, m := range marked {
			if _, ok := comps[m]; ok {
				n++
			}
		}
		out = append(out, ClusterCount{Status: st, Marked: n, Of: len(comps)})
		for _, c := range competences {
			cc := ClusterCount{Status: st, Competence: c}
			for id, cs := range comps {
				if slices.Contains(cs, c) {
					cc.Of++
					if slices.Contains(marked, id) {
						cc.Marked++
					}
				}
			}
			if cc.Of > 0 {
				out = append(out, cc)
			}
		}
	}
	return out, nil
}
