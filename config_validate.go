package veille

import (
	"fmt"
	"net/mail"
	"net/url"
	"sort"
	"strings"
	"time"

	yamltoken "github.com/goccy/go-yaml/token"
)

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
		if s, ok := c.d.at[path]; ok {
			return s.pos
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
		case s.Select != nil:
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

func (c checker) email(path, addr string) {
	if _, err := mail.ParseAddress(addr); err != nil {
		c.add(path, "invalid email address %q", addr)
	}
}

func httpURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.Hostname() != ""
}
