package veille

// The defaults of a config (config_validate.go) and the third source kind,
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
