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
	ms, err := a.clusterMembers(ctx)
	if err != nil {
		return nil, err
	}
	return a.countItem(ctx, ms, itemID, competences)
}

// ClusterCountsOf is ClusterCounts for each of items (by id), reading the
// members' profiles once; items nobody marked have no entry. It is what the
// commission's edition prints and archives, so it never carries names, even
// of members who share theirs with the staff.
func (a *Auth) ClusterCountsOf(ctx context.Context, items []veille.Item) (map[string][]ClusterCount, error) {
	ms, err := a.clusterMembers(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string][]ClusterCount{}
	for _, it := range items {
		cs, err := a.countItem(ctx, ms, it.ID, it.Competences)
		if err != nil {
			return nil, err
		}
		for i := range cs {
			cs[i].Names = nil
		}
		if len(cs) > 0 {
			out[it.ID] = cs
		}
	}
	return out, nil
}

// clusterMembers is what the counts need of each member's profile: its
// competences and whether it shares its name with the staff.
type clusterMembers struct {
	comps  map[string][]string
	shared map[string]bool
}

// clusterMembers reads every member's profile once.
func (a *Auth) clusterMembers(ctx context.Context) (clusterMembers, error) {
	ms := clusterMembers{comps: map[string][]string{}, shared: map[string]bool{}}
	for _, id := range a.dir.MemberIDs() {
		p, err := a.Profile(ctx, id)
		if err != nil {
			return ms, err
		}
		ms.comps[id] = p.Competences
		ms.shared[id] = p.ShareName
	}
	return ms, nil
}

// countItem counts the marks on one item among the members of ms.
func (a *Auth) countItem(ctx context.Context, ms clusterMembers, itemID string, competences []string) ([]ClusterCount, error) {
	comps, shared := ms.comps, ms.shared
	var out []ClusterCount
	for _, st := range Statuses {
		marked, err := a.o.Store.MarkMembers(ctx, itemID, st)
		if err != nil {
			return nil, fmt.Errorf("members: %w", err)
		}
		if len(marked) == 0 {
			continue
		}
		all := ClusterCount{Status: st, Of: len(comps)}
		for _, m := range marked {
			if _, ok := comps[m]; !ok {
				continue // no longer a member
			}
			all.Marked++
			if shared[m] {
				name := m
				if mc, _ := a.dir.Member(m); mc.Name != "" {
					name = mc.Name
				}
				all.Names = append(all.Names, name)
			}
		}
		slices.Sort(all.Names)
		out = append(out, all)
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
