// Package members owns who is who in the members' space: the directory of
// member and staff addresses from feeds.yaml, sign-in by a one-time mailed
// link, and sessions (gorilla/sessions, kept in the store). Pages ask it one
// question, Who(r): anonymous, a member's user, or staff; Staff(r) is the
// short form the commission's edition uses.
package members

import (
	"net/mail"
	"strings"

	"github.com/nogentech/veille"
)

// Identity is who made a request. The zero value is anonymous.
type Identity struct {
	Email  string // the signed-in address, lower-cased
	Member string // the member's id, for a member's user
	Staff  bool
}

// SignedIn reports whether the request carries a session.
func (id Identity) SignedIn() bool { return id.Email != "" }

// Space is whose saved searches these are: the member's (shared by its
// users), or the staff address's own. Empty when anonymous.
func (id Identity) Space() string {
	switch {
	case id.Member != "":
		return id.Member
	case id.Staff:
		return "staff:" + id.Email
	}
	return ""
}

// Directory maps addresses to identities, from feeds.yaml.
type Directory struct {
	staff   map[string]bool
	users   map[string]string // address → member id
	domains map[string]string // mail domain → member id
	members map[string]veille.Member
	order   []string
}

// NewDirectory indexes the config's staff and members. An address listed
// as staff is staff even at a member's domain; a member's own address or
// listed user wins over another member's domain.
func NewDirectory(cfg veille.Config) *Directory {
	d := &Directory{staff: map[string]bool{}, users: map[string]string{}, domains: map[string]string{},
		members: map[string]veille.Member{}}
	for _, a := range cfg.Staff {
		d.staff[normEmail(a)] = true
	}
	for _, m := range cfg.Members {
		d.members[m.ID] = m
		d.order = append(d.order, m.ID)
		if m.Email != "" {
			d.users[normEmail(m.Email)] = m.ID
		}
		for _, u := range m.Users {
			d.users[normEmail(u)] = m.ID
		}
		for _, dom := range m.MailDomains {
			d.domains[strings.ToLower(strings.TrimSpace(dom))] = m.ID
		}
	}
	return d
}

// Lookup returns the identity of an address; ok is false for an address
// that is neither staff nor a member's.
func (d *Directory) Lookup(email string) (Identity, bool) {
	e := normEmail(email)
	if e == "" {
		return Identity{}, false
	}
	if d.staff[e] {
		return Identity{Email: e, Staff: true}, true
	}
	if m, ok := d.users[e]; ok {
		return Identity{Email: e, Member: m}, true
	}
	_, dom, _ := strings.Cut(e, "@")
	if m, ok := d.domains[dom]; ok {
		return Identity{Email: e, Member: m}, true
	}
	return Identity{}, false
}

// Member returns a member's config.
func (d *Directory) Member(id string) (veille.Member, bool) {
	m, ok := d.members[id]
	return m, ok
}

// MemberIDs lists the members in config order.
func (d *Directory) MemberIDs() []string { return d.order }

// normEmail returns the bare, lower-cased address, or "" when s is not one.
func normEmail(s string) string {
	a, err := mail.ParseAddress(strings.TrimSpace(s))
	if err != nil || strings.ContainsAny(a.Address, " \t\r\n") {
		return ""
	}
	return strings.ToLower(a.Address)
}
