package veille

import (
	"fmt"
	"net"
	"net/mail"
	"net/netip"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	yamltoken "github.com/goccy/go-yaml/token"
	"github.com/nogentech/veille/internal/cronexpr"
)

// Defaults for keys a config may omit. A zero value in the file (every: 0s,
// port: 0) also means "the default", so a Config written back with
// yaml.Marshal loads again unchanged.
const (
	defaultTimezone    = "Europe/Paris"
	defaultUserAgent   = "veille/1 (+https://github.com/nogentech/veille)"
	defaultTimeout     = 30 * time.Second
	defaultMaxBody     = 10 * 1000 * 1000 // 10MB as ParseSize reads it
	defaultConcurrency = 8
	defaultHostDelay   = time.Second
	defaultEvery       = 6 * time.Hour
	minEvery           = time.Minute
	defaultLang        = "fr"
	defaultBatch       = "item"
	defaultSMTPTLS     = "starttls"
	defaultServerAddr  = "127.0.0.1:8080"

	// kindFederalRegister is the Federal Register API v1 (JSON, not a feed);
	// the crawler owns its parsing.
	kindFederalRegister = "federalregister"
)

// Source returns the source with this id.
func (c Config) Source(id string) (Source, bool) {
	for _, s := range c.Sources {
		if s.ID == id {
			return s, true
		}
	}
	return Source{}, false
}

// EnabledSources returns the sources to crawl, in config order.
func (c Config) EnabledSources() []Source {
	var out []Source
	for _, s := range c.Sources {
		if !s.Disabled {
			out = append(out, s)
		}
	}
	return out
}

// checker validates a decoded config, reporting each problem at the line of
// the value at fault, or of its nearest written ancestor when the value is
// missing.
type checker struct {
	d *decoder
}

func (c checker) add(path, format string, args ...any) {
	if c.isBad(path) {
		return // already reported as undecodable
	}
	c.d.problem(c.at(path), path, format, args...)
}

// at returns where path is written, else where its nearest ancestor is.
func (c checker) at(path string) yamltoken.Position {
	for {
		if p, ok := c.d.pos[path]; ok {
			return p
		}
		if path == "" {
			return yamltoken.Position{Line: 1, Column: 1}
		}
		path = parentPath(path)
	}
}

func (c checker) isBad(path string) bool {
	for {
		if c.d.bad[path] {
			return true
		}
		if path == "" {
			return false
		}
		path = parentPath(path)
	}
}

func (c checker) present(path string) bool {
	_, ok := c.d.pos[path]
	return ok
}

func parentPath(path string) string {
	i := strings.LastIndexAny(path, ".[")
	if i < 0 {
		return ""
	}
	return path[:i]
}

// lineOf names where path is written, for "first used at line N".
func (c checker) lineOf(path string) int { return c.at(path).Line }

func validate(cfg *Config, d *decoder) {
	c := checker{d: d}
	c.timezone(cfg)
	c.fetch(cfg.Fetch)
	domains, competences := c.taxonomy(cfg)
	c.sources(cfg.Sources, domains, competences)
	c.members(cfg.Members, competences)
	c.staff(cfg)
	memberIDs := idSet{}
	for _, m := range cfg.Members {
		memberIDs[m.ID] = ""
	}
	c.digests(cfg.Digests, domains, competences, memberIDs)
	c.alerts(cfg.Alerts, domains, competences)
	c.smtp(cfg.SMTP)
	c.server(cfg.Server)
	for i, a := range cfg.Staff {
		c.email(fmt.Sprintf("staff[%d]", i), a)
	}
	for i, dg := range cfg.Digests {
		if dg.OnTimeout == OnTimeoutHold && len(cfg.Staff) == 0 {
			c.add(fmt.Sprintf("digests[%d].on_timeout", i), "hold reminds staff: list their addresses under staff:")
		}
	}
	c.glossary(cfg.Glossary)
}

func (c checker) timezone(cfg *Config) {
	if cfg.Timezone == "" {
		return
	}
	if _, err := time.LoadLocation(cfg.Timezone); err != nil {
		c.add("timezone", "unknown time zone %q (use an IANA name such as Europe/Paris)", cfg.Timezone)
	}
}

func (c checker) fetch(f Fetch) {
	if strings.ContainsAny(f.UserAgent, "\r\n") {
		c.add("fetch.user_agent", "must be one line")
	}
	if f.Timeout < 0 {
		c.add("fetch.timeout", "must be positive, got %s", f.Timeout.D())
	}
	if f.Concurrency < 0 {
		c.add("fetch.concurrency", "must be positive, got %d", f.Concurrency)
	}
	if f.HostDelay < 0 {
		c.add("fetch.host_delay", "must be positive, got %s", f.HostDelay.D())
	}
	if f.MinBackoff < 0 {
		c.add("fetch.min_backoff", "must be positive, got %s", f.MinBackoff.D())
	}
	if f.MaxBackoff < 0 {
		c.add("fetch.max_backoff", "must be positive, got %s", f.MaxBackoff.D())
	}
	if f.MinBackoff > 0 && f.MaxBackoff > 0 && f.MaxBackoff < f.MinBackoff {
		c.add("fetch.max_backoff", "must not be shorter than fetch.min_backoff (%s), got %s", f.MinBackoff.D(), f.MaxBackoff.D())
	}
}

// idSet records ids as they are checked, to report duplicates and to
// resolve references.
type idSet map[string]string // id → path of its first use

func (c checker) checkID(path, id string, seen idSet) {
	switch {
	case id == "":
		c.add(path, "missing id")
		return
	case !validID(id):
		c.add(path, "invalid id %q: use lowercase letters, digits and dashes", id)
	}
	if first, dup := seen[id]; dup {
		c.add(path, "duplicate id %q (first at line %d)", id, c.lineOf(first))
		return
	}
	seen[id] = path
}

func validID(id string) bool {
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return id != ""
}

// refs checks that every id in list names one of known.
func (c checker) refs(path, what string, list []string, known idSet) {
	for i, id := range list {
		if _, ok := known[id]; !ok {
			c.add(fmt.Sprintf("%s[%d]", path, i), "unknown %s %q%s", what, id, closest(id, known))
		}
	}
}

func closest(id string, known idSet) string {
	names := make([]string, 0, len(known))
	for k := range known {
		names = append(names, k)
	}
	sort.Strings(names)
	best, bestDist := "", 3
	for _, name := range names {
		if d := editDistance(id, name); d < bestDist {
			best, bestDist = name, d
		}
	}
	if best != "" {
		return fmt.Sprintf(" (did you mean %s?)", best)
	}
	return ""
}

func (c checker) taxonomy(cfg *Config) (domains, competences idSet) {
	domains, competences = idSet{}, idSet{}
	all := idSet{} // ids are unique across both lists: a tag names one category
	lists := []struct {
		name string
		cats []Category
		set  idSet
	}{{"domains", cfg.Domains, domains}, {"competences", cfg.Competences, competences}}
	for _, l := range lists {
		for i, cat := range l.cats {
			p := fmt.Sprintf("%s[%d]", l.name, i)
			c.checkID(p+".id", cat.ID, all)
			if cat.ID != "" {
				l.set[cat.ID] = p + ".id"
			}
			if len(cat.Keywords) == 0 && len(cat.Strong) == 0 {
				c.add(p+".keywords", "a category needs at least one keyword (or strong term)")
			}
			for field, terms := range map[string][]string{"keywords": cat.Keywords, "strong": cat.Strong, "exclude": cat.Exclude} {
				for j, t := range terms {
					if strings.TrimSpace(t) == "" {
						c.add(fmt.Sprintf("%s.%s[%d]", p, field, j), "empty term")
					}
				}
			}
		}
	}
	for _, l := range lists {
		for i, cat := range l.cats {
			p := fmt.Sprintf("%s[%d]", l.name, i)
			c.refs(p+".implies", "category", cat.Implies, all)
			c.refs(p+".requires", "category", cat.Requires, all)
		}
	}
	return domains, competences
}

func (c checker) sources(sources []Source, domains, competences idSet) {
	seen := idSet{}
	for i, s := range sources {
		p := fmt.Sprintf("sources[%d]", i)
		c.checkID(p+".id", s.ID, seen)
		switch s.Kind {
		case "", KindFeed, KindHTML, kindFederalRegister:
		default:
			c.add(p+".kind", "unknown kind %q: use %s, %s or %s", s.Kind, KindFeed, KindHTML, kindFederalRegister)
		}
		if s.URL == "" {
			c.add(p+".url", "missing url")
		} else if !httpURL(s.URL) {
			c.add(p+".url", "not an absolute http(s) URL: %q", s.URL)
		}
		switch {
		case s.Every < 0:
			c.add(p+".every", "must be positive, got %s", s.Every.D())
		case s.Every > 0 && s.Every.D() < minEvery:
			c.add(p+".every", "must be at least %s, got %s", minEvery, s.Every.D())
		}
		c.lang(p+".lang", s.Lang)
		c.refs(p+".domains", "domain", s.Domains, domains)
		c.refs(p+".competences", "competence", s.Competences, competences)
		switch {
		case s.Kind == KindHTML && s.Select == nil:
			c.add(p+".select", "missing: an html source needs select.item and select.title")
		case s.Kind == KindHTML:
			if strings.TrimSpace(s.Select.Item) == "" {
				c.add(p+".select.item", "missing: an html source needs select.item")
			}
			if strings.TrimSpace(s.Select.Title) == "" {
				c.add(p+".select.title", "missing: an html source needs select.title")
			}
		case s.Select != nil && c.present(p+".select"):
			c.add(p+".select", "select only applies to kind: html")
		}
	}
}

func (c checker) lang(path, lang string) {
	switch lang {
	case "", "fr", "en":
	default:
		c.add(path, "unknown lang %q: use fr or en", lang)
	}
}

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

func (c checker) digests(digests []Digest, domains, competences, memberIDs idSet) {
	seen := idSet{}
	for i, dg := range digests {
		p := fmt.Sprintf("digests[%d]", i)
		c.checkID(p+".id", dg.ID, seen)
		if dg.Schedule == "" {
			c.add(p+".schedule", "missing schedule (a cron expression such as \"0 8 * * 1\")")
		} else if err := checkCron(dg.Schedule); err != nil {
			c.add(p+".schedule", "invalid cron schedule %q: %v", dg.Schedule, err)
		}
		c.refs(p+".domains", "domain", dg.Domains, domains)
		c.refs(p+".competences", "competence", dg.Competences, competences)
		// members: "all", or a list of member ids ("forge-exemple, coutellerie-exemple").
		if sel := strings.TrimSpace(dg.Members); sel != "" && !strings.EqualFold(sel, "all") {
			for _, id := range strings.FieldsFunc(sel, func(r rune) bool { return r == ',' || r == ' ' }) {
				if _, ok := memberIDs[id]; !ok {
					c.add(p+".members", "no member %q: use \"all\" or ids of members", id)
				}
			}
		}
		if len(dg.Domains) == 0 && len(dg.Competences) == 0 && strings.TrimSpace(dg.Members) == "" {
			c.add(p, "a digest needs domains, competences or members")
		}
		for j, to := range dg.To {
			c.email(fmt.Sprintf("%s.to[%d]", p, j), to)
		}
		switch dg.OnTimeout {
		case "", OnTimeoutSend, OnTimeoutHold:
		default:
			c.add(p+".on_timeout", "must be %q or %q, not %q", OnTimeoutSend, OnTimeoutHold, dg.OnTimeout)
		}
		if dg.OnTimeout != "" && !dg.Editorial {
			c.add(p+".on_timeout", "only an editorial digest (editorial: true) has an edition to wait for")
		}
	}
}

func (c checker) alerts(alerts []Alert, domains, competences idSet) {
	seen := idSet{}
	for i, a := range alerts {
		p := fmt.Sprintf("alerts[%d]", i)
		c.checkID(p+".id", a.ID, seen)
		c.refs(p+".domains", "domain", a.Domains, domains)
		c.refs(p+".competences", "competence", a.Competences, competences)
		for j, to := range a.To {
			c.email(fmt.Sprintf("%s.to[%d]", p, j), to)
		}
		if a.Webhook != "" && !httpURL(a.Webhook) {
			c.add(p+".webhook", "not an absolute http(s) URL: %q", a.Webhook)
		}
		if len(a.To) == 0 && a.Webhook == "" && !c.isBad(p+".to") {
			c.add(p, "an alert needs recipients: to or webhook")
		}
		switch a.Batch {
		case "", "item", "crawl":
		default:
			c.add(p+".batch", "unknown batch %q: use item or crawl", a.Batch)
		}
	}
}

func (c checker) smtp(s SMTP) {
	switch s.TLS {
	case "", "starttls", "tls", "none":
	default:
		c.add("smtp.tls", "unknown tls mode %q: use starttls, tls or none", s.TLS)
	}
	if s.Port < 0 || s.Port > 65535 {
		c.add("smtp.port", "must be between 1 and 65535, got %d", s.Port)
	}
	if s.From != "" {
		c.email("smtp.from", s.From)
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

func (c checker) email(path, addr string) {
	if _, err := mail.ParseAddress(addr); err != nil {
		c.add(path, "invalid email address %q", addr)
	}
}

func httpURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.Hostname() != ""
}

// checkCron accepts the five-field cron expressions the scheduler runs
// (minute hour day-of-month month day-of-week), in the config's time zone:
// the one reader, internal/cronexpr, which digest.ParseSchedule uses too.
func checkCron(expr string) error {
	_, err := cronexpr.Parse(expr)
	return err
}

// applyDefaults fills what a valid config left out.
func applyDefaults(cfg *Config) {
	if cfg.Timezone == "" {
		cfg.Timezone = defaultTimezone
	}
	loc, err := time.LoadLocation(cfg.Timezone)
	if err != nil {
		loc = time.UTC // unreachable: validate loaded it, and tzdata is embedded
	}
	cfg.Location = loc

	f := &cfg.Fetch
	if f.UserAgent == "" {
		f.UserAgent = defaultUserAgent
	}
	if f.Timeout == 0 {
		f.Timeout = Duration(defaultTimeout)
	}
	if f.MaxBody == 0 {
		f.MaxBody = defaultMaxBody
	}
	if f.Concurrency == 0 {
		f.Concurrency = defaultConcurrency
	}
	if f.HostDelay == 0 {
		f.HostDelay = Duration(defaultHostDelay)
	}

	for i := range cfg.Sources {
		s := &cfg.Sources[i]
		if s.Kind == "" {
			s.Kind = KindFeed
		}
		if s.Name == "" {
			s.Name = s.ID
		}
		if s.Every == 0 {
			s.Every = Duration(defaultEvery)
		}
		if s.Lang == "" {
			s.Lang = defaultLang
		}
	}
	for i := range cfg.Alerts {
		if cfg.Alerts[i].Batch == "" {
			cfg.Alerts[i].Batch = defaultBatch
		}
	}
	if cfg.SMTP.TLS == "" {
		cfg.SMTP.TLS = defaultSMTPTLS
	}
	if cfg.SMTP.Port == 0 {
		switch cfg.SMTP.TLS {
		case "none":
			cfg.SMTP.Port = 25
		case "tls":
			cfg.SMTP.Port = 465
		default:
			cfg.SMTP.Port = 587
		}
	}
	if cfg.Server.Addr == "" {
		cfg.Server.Addr = defaultServerAddr
	}
}
