package members

import (
	"context"
	"fmt"
	"slices"
)

// ClusterCount is how many members marked an item with a status, among all
// members or among those with one competence: counts only, never who.
type ClusterCount struct {
	Status     string `json:"status"`
	Competence string `json:"competence,omitempty"` // empty: all members
	Marked     int    `json:"marked"`
	Of         int    `json:"of"`
	// Names are the members among Marked that chose, in their profile, to
	// show their name to the staff (overall counts only).
	Names []string `json:"names,omitempty"`
}

// ClusterCounts counts the members' marks on an item, overall and for each
// of the item's competences (members' competences as their profiles say).
func (a *Auth) ClusterCounts(ctx context.Context, itemID string, competences []string) ([]ClusterCount, error) {
	comps := map[string][]string{}
	shared := map[string]bool{}
	for _, id := range a.dir.MemberIDs() {
		p, err := a.Profile(ctx, id)
		if err != nil {
			return nil, err
		}
		comps[id] = p.Competences
		shared[id] = p.ShareName
	}
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
