package digest

import (
	"context"
	"fmt"
	"strings"

	"github.com/nogentech/veille/internal/i18n"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/store"
)

// Recipient is one address a digest goes to, with the member whose cut it
// gets (nil for the whole digest).
type Recipient struct {
	Address string
	Member  *veille.Member
	Lang    i18n.Lang
}

// Recipients lists who gets a digest's scheduled period: every `to`
// address the whole digest, then every selected member (members: all, or
// a list of member ids) that chose the weekly digest its cut, unless its
// address already gets the whole digest. A member's choice, competences
// and language are its profile in the store over feeds.yaml
// (store.MemberProfile): a member who chose "none" gets nothing, one who
// chose "daily" gets its copy every day instead (dailyRecipients).
func (n *Notifier) Recipients(ctx context.Context, dg veille.Digest) ([]Recipient, error) {
	return n.recipients(ctx, dg, store.DigestWeekly)
}

// dailyRecipients are the selected members that chose a daily digest.
func (n *Notifier) dailyRecipients(ctx context.Context, dg veille.Digest) ([]Recipient, error) {
	return n.recipients(ctx, dg, store.DigestDaily)
}

func (n *Notifier) recipients(ctx context.Context, dg veille.Digest, freq string) ([]Recipient, error) {
	var out []Recipient
	seen := map[string]bool{}
	for _, a := range dg.To {
		a = strings.TrimSpace(a)
		if a == "" || seen[strings.ToLower(a)] {
			continue
		}
		seen[strings.ToLower(a)] = true
		if freq == store.DigestWeekly {
			out = append(out, Recipient{Address: a, Lang: n.langFor(a, dg.Lang)})
		}
	}
	for _, m := range n.selectedMembers(dg) {
		a := strings.TrimSpace(m.Email)
		if a == "" || seen[strings.ToLower(a)] {
			continue
		}
		seen[strings.ToLower(a)] = true
		r, choice, err := n.memberRecipient(ctx, dg, m)
		if err != nil {
			return nil, err
		}
		if choice == freq {
			out = append(out, r)
		}
	}
	return out, nil
}

// memberRecipient is member m as its copy of dg is made: the competences
// and language of its profile, and how often it wants the digest.
func (n *Notifier) memberRecipient(ctx context.Context, dg veille.Digest, m veille.Member) (Recipient, string, error) {
	p, err := n.o.Store.MemberProfile(ctx, m)
	if err != nil {
		return Recipient{}, "", fmt.Errorf("digest %s: profile of %s: %w", dg.ID, m.ID, err)
	}
	m.Competences = p.Competences
	lang := dg.Lang
	if p.Lang != "" {
		lang = p.Lang
	}
	m.Lang = lang
	return Recipient{Address: strings.TrimSpace(m.Email), Member: &m, Lang: i18n.Parse(lang)}, p.Digest, nil
}

func (n *Notifier) selectedMembers(dg veille.Digest) []veille.Member {
	sel := strings.TrimSpace(dg.Members)
	if sel == "" {
		return nil
	}
	if strings.EqualFold(sel, "all") {
		return n.o.Config.Members
	}
	var out []veille.Member
	for _, id := range strings.FieldsFunc(sel, func(r rune) bool { return r == ',' || r == ' ' }) {
		for _, m := range n.o.Config.Members {
			if m.ID == id {
				out = append(out, m)
			}
		}
	}
	return out
}
