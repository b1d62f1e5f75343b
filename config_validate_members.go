package veille

import (
	"fmt"
	"net"
	"net/mail"
	"net/netip"
	"strconv"
	"strings"
)

func (c checker) members(members []Member, competences idSet) {
	seen := idSet{}
	for i, m := range members {
		p := fmt.Sprintf("members[%d]", i)
		c.checkID(p+".id", m.ID, seen)
		c.refs(p+".competences", "competence", m.Competences, competences)
		if m.Email != "" {
			c.email(p+".email", m.Email)
		}
		c.lang(p+".lang", m.Lang)
		for j, u := range m.Users {
			c.email(fmt.Sprintf("%s.users[%d]", p, j), u)
		}
		for j, d := range m.MailDomains {
			if !validMailDomain(d) {
				c.add(fmt.Sprintf("%s.mail_domains[%d]", p, j), "not a mail domain: %q (write forge-exemple.fr, without @)", d)
			}
		}
	}
}

// validMailDomain accepts a host name with at least one dot: a domain
// typed as "@forge.fr" or "forge" would let nobody, or everybody, in.
func validMailDomain(d string) bool {
	if d == "" || strings.ContainsAny(d, "@ /:") || !strings.Contains(d, ".") ||
		strings.HasPrefix(d, ".") || strings.HasSuffix(d, ".") {
		return false
	}
	_, err := mail.ParseAddress("x@" + d)
	return err == nil
}

// staff checks that no address is both staff and a member's user (one
// person, one role); validate checks the addresses themselves.
func (c checker) staff(cfg *Config) {
	users := map[string]string{}
	for _, m := range cfg.Members {
		for _, u := range m.Users {
			users[strings.ToLower(u)] = m.ID
		}
	}
	for i, a := range cfg.Staff {
		p := fmt.Sprintf("staff[%d]", i)
		if id, ok := users[strings.ToLower(a)]; ok {
			c.add(p, "%s is also a user of member %s: an address has one role", a, id)
		}
	}
}

func (c checker) server(s Server) {
	if s.Addr != "" {
		_, port, err := net.SplitHostPort(s.Addr)
		n, perr := strconv.Atoi(port)
		if err != nil || perr != nil || n < 0 || n > 65535 {
			c.add("server.addr", "invalid address %q: want host:port, such as 127.0.0.1:8080", s.Addr)
		}
	}
	if s.BaseURL != "" && !httpURL(s.BaseURL) {
		c.add("server.base_url", "not an absolute http(s) URL: %q", s.BaseURL)
	}
	for i, p := range s.TrustedProxies {
		if _, err := ParseProxy(p); err != nil {
			c.add(fmt.Sprintf("server.trusted_proxies[%d]", i), "%v", err)
		}
	}
	if rl := s.RateLimit; rl != nil {
		if !(rl.PerSecond > 0) || rl.PerSecond > 10000 {
			c.add("server.rate_limit.per_second", "must be more than 0 and at most 10000 searches a second, got %v", rl.PerSecond)
		}
		if rl.Burst < 1 || rl.Burst > 100000 {
			c.add("server.rate_limit.burst", "must be between 1 and 100000, got %d", rl.Burst)
		}
	}
}

// ParseProxy reads one entry of server.trusted_proxies: a CIDR block
// ("10.0.0.0/8") or a single address ("127.0.0.1", "::1").
func ParseProxy(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked(), nil
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()), nil
	}
	return netip.Prefix{}, fmt.Errorf("invalid proxy %q: want a CIDR block such as 10.0.0.0/8 or an address such as 127.0.0.1", s)
}
