package members

import (
	"context"
	"fmt"
	"slices"

	"github.com/nogentech/veille/internal/i18n"
	"github.com/nogentech/veille/store"
)

// Digest frequencies a member may choose.
var DigestChoices = []string{store.DigestWeekly, store.DigestDaily, store.DigestNone}

// Profile returns a member's profile: what it saved in the store, over its
// feeds.yaml defaults (store.MemberProfile), in French until it chose.
func (a *Auth) Profile(ctx context.Context, memberID string) (store.Profile, error) {
	m, ok := a.dir.Member(memberID)
	if !ok {
		return store.Profile{}, fmt.Errorf("members: no member %q", memberID)
	}
	p, err := a.o.Store.MemberProfile(ctx, m)
	if err != nil {
		return store.Profile{}, fmt.Errorf("members: %w", err)
	}
	if p.Lang == "" {
		p.Lang = string(i18n.FR)
	}
	return p, nil
}

// ProfileError is a profile that names what the config does not know.
type ProfileError struct{ Field, Value string }

func (e *ProfileError) Error() string { return fmt.Sprintf("%s: unknown value %q", e.Field, e.Value) }

// SaveProfile checks and stores a member's profile; by is who changed it.
func (a *Auth) SaveProfile(ctx context.Context, memberID, by string, p store.Profile) error {
	old, err := a.Profile(ctx, memberID)
	if err != nil {
		return err
	}
	comps, doms := map[string]bool{}, map[string]bool{}
	for _, c := range a.o.Config.Competences {
		comps[c.ID] = true
	}
	for _, d := range a.o.Config.Domains {
		doms[d.ID] = true
	}
	for _, c := range p.Competences {
		if !comps[c] {
			return &ProfileError{"competences", c}
		}
	}
	for _, d := range p.Domains {
		if !doms[d] {
			return &ProfileError{"domains", d}
		}
	}
	if _, ok := i18n.Known(p.Lang); !ok {
		return &ProfileError{"lang", p.Lang}
	}
	if !slices.Contains(DigestChoices, p.Digest) {
		return &ProfileError{"digest", p.Digest}
	}
	if err := a.o.Store.SaveProfile(ctx, memberID, by, old, p, a.o.Now()); err != nil {
		return fmt.Errorf("members: %w", err)
	}
	return nil
}
