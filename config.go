package veille

import "time"

// Config is feeds.yaml, parsed and validated. It is passed by value; nothing
// in the project keeps a global copy.
type Config struct {
	Timezone    string     `yaml:"timezone"`
	Fetch       Fetch      `yaml:"fetch"`
	Domains     []Category `yaml:"domains"`
	Competences []Category `yaml:"competences"`
	Sources     []Source   `yaml:"sources"`
	Members     []Member   `yaml:"members"`
	Digests     []Digest   `yaml:"digests"`
	Alerts      []Alert    `yaml:"alerts"`
	SMTP        SMTP       `yaml:"smtp"`
	Server      Server     `yaml:"server"`
	// Staff are the cluster's staff addresses: they edit the commission's
	// edition and get its reminders.
	Staff []string `yaml:"staff"`
	// Glossary is the bilingual vocabulary search expands queries with.
	Glossary []GlossaryEntry `yaml:"glossary"`

	// Location is Timezone loaded; set by Load.
	Location *time.Location `yaml:"-"`
}

// Fetch holds the crawler's network settings.
type Fetch struct {
	UserAgent            string   `yaml:"user_agent"`
	Timeout              Duration `yaml:"timeout"`
	MaxBody              Size     `yaml:"max_body"`
	AllowPrivateNetworks bool     `yaml:"allow_private_networks"`
	// Concurrency bounds the fetches in flight across all hosts.
	Concurrency int `yaml:"concurrency"`
	// HostDelay is the polite pause between two requests to one host.
	HostDelay Duration `yaml:"host_delay"`
	// MinBackoff is the pause after a source's first failure, doubled at
	// each failure that follows up to MaxBackoff. Zero means the crawler's
	// defaults (5 min and 12 h).
	MinBackoff Duration `yaml:"min_backoff"`
	MaxBackoff Duration `yaml:"max_backoff"`
}

// Category is a regulatory domain or a member competence with its tagging rules.
type Category struct {
	ID    string            `yaml:"id"`
	Label map[string]string `yaml:"label"`
	// Keywords tag an item when any of them appears in its text as a whole
	// word or phrase, accent- and case-insensitively.
	Keywords []string `yaml:"keywords"`
	// Strong terms are decisive wherever they appear; Keywords found only in
	// a long body need corroboration (see Tagger).
	Strong []string `yaml:"strong"`
	// Exclude vetoes the tag when any of these appears in title or summary.
	Exclude []string `yaml:"exclude"`
	// Implies lists categories (usually competences) that this one brings along.
	Implies []string `yaml:"implies"`
	// Requires lists domains that must also be present for this category to hold.
	Requires []string `yaml:"requires"`
}

// GlossaryEntry is one idea in both languages: its French and English
// spellings and its acronyms. A query naming any of them also finds the
// others, so a search in one language reaches items in the other.
type GlossaryEntry struct {
	FR []string `yaml:"fr"`
	EN []string `yaml:"en"`
	// Acronyms are written in capitals; typed in capitals in a query they
	// match only the acronym, so REACH is not the verb "reach".
	Acronyms []string `yaml:"acronyms"`
	// Ref is the act the entry stands for, as "kind:id" of REFS.md
	// (eu-act:Regulation (EU) 2017/745), when it stands for one.
	Ref string `yaml:"ref"`
}

// Source is one publisher endpoint the watch crawls.
type Source struct {
	ID           string     `yaml:"id"`
	Name         string     `yaml:"name"`
	Kind         string     `yaml:"kind"` // "feed" or "html"
	URL          string     `yaml:"url"`
	Every        Duration   `yaml:"every"`
	Lang         string     `yaml:"lang"`
	Jurisdiction string     `yaml:"jurisdiction"`
	Domains      []string   `yaml:"domains"`
	Competences  []string   `yaml:"competences"`
	Select       *Selectors `yaml:"select"`
	// Disabled sources stay in the config but are not crawled.
	Disabled bool `yaml:"disabled"`
}

// Source kinds.
const (
	KindFeed = "feed"
	KindHTML = "html"
)

// Selectors locate items in an HTML page that has no feed. Item selects each
// item's element; the others are relative to it. An attribute is read with
// "selector@attr" (link defaults to the href of the first <a>).
type Selectors struct {
	Item    string `yaml:"item"`
	Title   string `yaml:"title"`
	Link    string `yaml:"link"`
	Date    string `yaml:"date"`
	Summary string `yaml:"summary"`
}

// Member is a cluster company receiving digests cut to its competences.
type Member struct {
	ID          string   `yaml:"id"`
	Name        string   `yaml:"name"`
	Competences []string `yaml:"competences"`
	Email       string   `yaml:"email"`
	Lang        string   `yaml:"lang"`
	// MailDomains: every address at these domains signs in as the member.
	MailDomains []string `yaml:"mail_domains"`
	// Users are the addresses that sign in as the member, besides Email
	// and MailDomains.
	Users []string `yaml:"users"`
}

// Digest is a scheduled summary of a period's items.
type Digest struct {
	ID          string   `yaml:"id"`
	Title       string   `yaml:"title"`
	Schedule    string   `yaml:"schedule"`
	Domains     []string `yaml:"domains"`
	Competences []string `yaml:"competences"`
	// Members "all" sends one digest per member, cut to its competences.
	Members   string   `yaml:"members"`
	To        []string `yaml:"to"`
	SendEmpty bool     `yaml:"send_empty"`
	// Lang is the language of the mails to `to` ("fr" default, or "en");
	// a member's own lang wins for its copy.
	Lang string `yaml:"lang"`
	// Editorial digests go out as the commission's edition: staff edit a
	// draft of each period and approve it (issue 17).
	Editorial bool `yaml:"editorial"`
	// OnTimeout says what happens to an edition not approved at the send
	// time: "send" it as drafted (default) or "hold" it and remind staff.
	OnTimeout string `yaml:"on_timeout"`
}

// What an editorial digest does at its send time when the edition is
// still a draft.
const (
	OnTimeoutSend = "send"
	OnTimeoutHold = "hold"
)

// Alert notifies recipients of new items matching a rule.
type Alert struct {
	ID          string   `yaml:"id"`
	Domains     []string `yaml:"domains"`
	Competences []string `yaml:"competences"`
	Query       string   `yaml:"query"`
	To          []string `yaml:"to"`
	Webhook     string   `yaml:"webhook"`
	// Batch is "item" (one message per item) or "crawl" (one per crawl).
	Batch     string `yaml:"batch"`
	SecretEnv string `yaml:"secret_env"`
	// Lang is the language of the alert mails ("fr" default, or "en");
	// a recipient who is a member with its own lang gets that.
	Lang string `yaml:"lang"`
}

// SMTP is the outgoing mail server.
type SMTP struct {
	Host        string `yaml:"host"`
	Port        int    `yaml:"port"`
	From        string `yaml:"from"`
	Username    string `yaml:"username"`
	PasswordEnv string `yaml:"password_env"`
	// TLS is "starttls" (default), "tls" (implicit) or "none" (loopback only).
	TLS string `yaml:"tls"`
	// Timeout bounds each SMTP conversation step (default 30s).
	Timeout Duration `yaml:"timeout"`
}

// Server configures the HTTP server.
type Server struct {
	Addr          string `yaml:"addr"`
	BaseURL       string `yaml:"base_url"`
	AdminTokenEnv string `yaml:"admin_token_env"`
	// TrustedProxies are the reverse proxies (CIDR blocks or addresses)
	// whose X-Forwarded-For header names the client: the rate limit then
	// counts per client behind them. From any other peer the header is
	// ignored, since anyone can write it.
	TrustedProxies []string `yaml:"trusted_proxies"`
	// RateLimit bounds the searches of one client; unset, 5 a second with
	// bursts of 20 (server.DefaultLimits).
	RateLimit *RateLimit `yaml:"rate_limit"`
	// Public keeps search and pages open to anyone who reaches the server
	// (the default, today's intranet); false requires signing in.
	Public *bool `yaml:"public"`
}

// RateLimit is a per-client token bucket.
type RateLimit struct {
	PerSecond float64 `yaml:"per_second"`
	Burst     int     `yaml:"burst"`
}

// IsPublic reports whether search and pages are open without signing in.
func (s Server) IsPublic() bool { return s.Public == nil || *s.Public }

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
