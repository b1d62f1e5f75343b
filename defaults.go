package veille

import "time"

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

// The defaults above and the third source kind,
// exported so that the crawler, the demo and the watch use these values
// rather than copies of them: a Crawler built from a Config gets the same
// user agent, limits and interval a config that omits them gets.
const (
	DefaultUserAgent   = defaultUserAgent
	DefaultTimeout     = defaultTimeout
	DefaultMaxBody     = defaultMaxBody
	DefaultConcurrency = defaultConcurrency
	DefaultHostDelay   = defaultHostDelay
	// DefaultEvery is the crawl interval of a source that sets none.
	DefaultEvery = defaultEvery

	// KindFederalRegister is the Federal Register API v1 (JSON, not a
	// feed); the crawler owns its parsing.
	KindFederalRegister = kindFederalRegister
)

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
