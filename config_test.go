package veille

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml"
)

// taxonomyHead is six lines every bad config below starts with, so that the
// lines the cases expect count from 7 for the part they add.
const taxonomyHead = `domains:
  - id: environment
    keywords: [waste]
competences:
  - id: machining
    keywords: [usinage]
`

func TestParseConfigProblems(t *testing.T) {
	tests := map[string]struct {
		yaml string // appended to taxonomyHead unless it starts with domains:
		line int
		path string
		msg  string
	}{
		// Unknown keys.
		"unknown top-level key": {"sourcse: []\n", 7, "sourcse", `unknown key "sourcse" (did you mean sources?)`},
		"unknown source key": {`sources:
  - id: a
    url: https://example.org/feed
    titel: Bulletin
`, 10, "sources[0].titel", `unknown key "titel" (known keys: competences, disabled, domains, every, id, jurisdiction, kind, lang, name, select, url)`},
		"unknown select key": {`sources:
  - id: a
    kind: html
    url: https://example.org/news
    select: {item: li, title: h3, author: span}
`, 11, "sources[0].select.author", `unknown key "author"`},
		"unknown key lists known ones": {"fetch:\n  proxy: http://x\n", 8, "fetch.proxy", "known keys: allow_private_networks, concurrency"},

		// Values of the wrong type.
		"string for a list": {`sources:
  - id: a
    url: https://example.org/feed
    domains: environment
`, 10, "sources[0].domains", `expected a list, got "environment"`},
		"string for a mapping": {"fetch: fast\n", 7, "fetch", `expected a mapping (key: value), got "fast"`},
		"list for a string":    {"timezone: [Europe/Paris]\n", 7, "timezone", "expected a string, got a list"},
		"bad duration": {`sources:
  - id: a
    url: https://example.org/feed
    every: 5
`, 10, "sources[0].every", `invalid duration "5"`},
		"bad size":            {"fetch:\n  max_body: 10 parsecs\n", 8, "fetch.max_body", `invalid size "10 parsecs"`},
		"word for an int":     {"fetch:\n  concurrency: many\n", 8, "fetch.concurrency", `expected a whole number, got "many"`},
		"int overflow":        {"smtp:\n  port: 99999999999999999999\n", 8, "smtp.port", "expected a whole number"},
		"fraction for an int": {"fetch:\n  concurrency: 1.5\n", 8, "fetch.concurrency", "expected a whole number, got the number 1.5"},
		"yes for a bool": {`sources:
  - id: a
    url: https://example.org/feed
    disabled: yes
`, 10, "sources[0].disabled", `expected true or false, got "yes"`},
		"unknown alias": {"timezone: *tz\n", 7, "timezone", "unknown alias *tz"},

		// Ids.
		"duplicate source id": {`sources:
  - id: a
    url: https://example.org/1
  - id: a
    url: https://example.org/2
`, 10, "sources[1].id", `duplicate id "a" (first at line 8)`},
		"invalid id": {`sources:
  - id: Bad_ID
    url: https://example.org/feed
`, 8, "sources[0].id", `invalid id "Bad_ID"`},
		"missing id": {`sources:
  - name: Sans id
    url: https://example.org/feed
`, 8, "sources[0].id", "missing id"},
		"category id in both lists": {`domains:
  - id: environment
    keywords: [waste]
competences:
  - id: environment
    keywords: [x]
`, 5, "competences[0].id", `duplicate id "environment" (first at line 2)`},

		// Sources.
		"unknown kind": {`sources:
  - id: a
    kind: rss
    url: https://example.org/feed
`, 9, "sources[0].kind", `unknown kind "rss": use feed, html or federalregister`},
		"missing url": {`sources:
  - id: a
    every: 2h
`, 8, "sources[0].url", "missing url"},
		"ftp url": {`sources:
  - id: a
    url: ftp://example.org/feed
`, 9, "sources[0].url", `not an absolute http(s) URL: "ftp://example.org/feed"`},
		"relative url": {`sources:
  - id: a
    url: /feed.xml
`, 9, "sources[0].url", `not an absolute http(s) URL: "/feed.xml"`},
		"negative every": {`sources:
  - id: a
    url: https://example.org/feed
    every: -1h
`, 10, "sources[0].every", "must be positive"},
		"every under a minute": {`sources:
  - id: a
    url: https://example.org/feed
    every: 30s
`, 10, "sources[0].every", "must be at least 1m0s, got 30s"},
		"source lang": {`sources:
  - id: a
    url: https://example.org/feed
    lang: de
`, 10, "sources[0].lang", `unknown lang "de": use fr or en`},
		"unknown domain in source": {`sources:
  - id: a
    url: https://example.org/feed
    domains: [environment,
              enviroment]
`, 11, "sources[0].domains[1]", `unknown domain "enviroment" (did you mean environment?)`},
		"competence used as domain": {`sources:
  - id: a
    url: https://example.org/feed
    domains: [machining]
`, 10, "sources[0].domains[0]", `unknown domain "machining"`},
		"html without select": {`sources:
  - id: a
    kind: html
    url: https://example.org/news
`, 8, "sources[0].select", "an html source needs select.item and select.title"},
		"html without select.title": {`sources:
  - id: a
    kind: html
    url: https://example.org/news
    select:
      item: li.news
`, 11, "sources[0].select.title", "an html source needs select.title"},
		"select on a feed": {`sources:
  - id: a
    url: https://example.org/feed
    select:
      item: li
`, 10, "sources[0].select", "select only applies to kind: html"},

		// Taxonomy.
		"category without keywords": {"domains:\n  - id: environment\n    label: {fr: Environnement}\n", 2, "domains[0].keywords", "needs at least one keyword"},
		"strong terms are enough":   {"domains:\n  - id: environment\n    strong: [PFAS]\nsmtp: {port: 0x10000}\n", 4, "smtp.port", "must be between 1 and 65535"},
		"blank keyword":             {"domains:\n  - id: environment\n    keywords: [forge, \" \"]\n", 3, "domains[0].keywords[1]", "empty term"},
		"implies unknown": {`domains:
  - id: environment
    keywords: [waste]
    implies: [presses]
`, 4, "domains[0].implies[0]", `unknown category "presses"`},
		"requires unknown": {`domains:
  - id: environment
    keywords: [waste]
competences:
  - id: forging
    keywords: [forge]
    requires: [environement]
`, 7, "competences[0].requires[0]", `unknown category "environement" (did you mean environment?)`},

		// Time zone, fetch.
		"bad timezone":     {"timezone: Europe/Pariss\n", 7, "timezone", `unknown time zone "Europe/Pariss"`},
		"negative timeout": {"fetch:\n  timeout: -5s\n", 8, "fetch.timeout", "must be positive"},
		"negative backoff": {"fetch:\n  min_backoff: -1m\n", 8, "fetch.min_backoff", "must be positive"},
		"backoff bounds":   {"fetch:\n  min_backoff: 2h\n  max_backoff: 1h\n", 9, "fetch.max_backoff", "must not be shorter than fetch.min_backoff (2h0m0s)"},

		// Members.
		"member competence": {`members:
  - id: forge-x
    competences: [forging]
`, 9, "members[0].competences[0]", `unknown competence "forging"`},
		"member lang":  {"members:\n  - id: forge-x\n    lang: es\n", 9, "members[0].lang", `unknown lang "es"`},
		"member email": {"members:\n  - id: forge-x\n    email: forge-x.fr\n", 9, "members[0].email", `invalid email address "forge-x.fr"`},

		// Digests.
		"cron with 4 fields": {`digests:
  - id: weekly
    schedule: "0 8 * *"
    domains: [environment]
`, 9, "digests[0].schedule", "want 5 fields"},
		"cron minute out of range": {`digests:
  - id: weekly
    schedule: "61 8 * * 1"
    domains: [environment]
`, 9, "digests[0].schedule", `invalid cron schedule "61 8 * * 1"`},
		"cron descriptor": {`digests:
  - id: weekly
    schedule: "@weekly"
    domains: [environment]
`, 9, "digests[0].schedule", "want 5 fields"},
		"cron TZ prefix": {`digests:
  - id: weekly
    schedule: "TZ=0 8 * * 1"
    domains: [environment]
`, 9, "digests[0].schedule", `unexpected "TZ=0"`},
		"missing schedule": {"digests:\n  - id: weekly\n    domains: [environment]\n", 8, "digests[0].schedule", "missing schedule"},
		"digest selects nothing": {`digests:
  - id: weekly
    schedule: "0 8 * * 1"
    to: [a@example.org]
`, 8, "digests[0]", "a digest needs domains, competences or members"},
		"digest members unknown": {`digests:
  - id: weekly
    schedule: "0 8 * * 1"
    domains: [environment]
    members: some
`, 11, "digests[0].members", `no member "some": use "all" or ids of members`},
		"digest recipient": {`digests:
  - id: weekly
    schedule: "0 8 * * 1"
    domains: [environment]
    to: [ok@example.org, "not an address"]
`, 11, "digests[0].to[1]", `invalid email address "not an address"`},

		// Alerts.
		"alert webhook": {`alerts:
  - id: md
    domains: [environment]
    webhook: hooks.example.org/x
`, 10, "alerts[0].webhook", `not an absolute http(s) URL: "hooks.example.org/x"`},
		"alert batch": {`alerts:
  - id: md
    to: [q@example.org]
    batch: hourly
`, 10, "alerts[0].batch", `unknown batch "hourly": use item or crawl`},
		"alert without recipients": {"alerts:\n  - id: md\n    domains: [environment]\n", 8, "alerts[0]", "an alert needs recipients"},
		"alert unknown competence": {`alerts:
  - id: md
    competences: [machinning]
    to: [q@example.org]
`, 9, "alerts[0].competences[0]", `unknown competence "machinning" (did you mean machining?)`},

		// SMTP, server.
		"smtp tls":           {"smtp:\n  tls: ssl\n", 8, "smtp.tls", `unknown tls mode "ssl": use starttls, tls or none`},
		"smtp port":          {"smtp:\n  port: 70000\n", 8, "smtp.port", "must be between 1 and 65535, got 70000"},
		"smtp from":          {"smtp:\n  from: veille\n", 8, "smtp.from", `invalid email address "veille"`},
		"server addr":        {"server:\n  addr: localhost\n", 8, "server.addr", `invalid address "localhost": want host:port`},
		"server base_url":    {"server:\n  base_url: veille.example.org\n", 8, "server.base_url", `not an absolute http(s) URL: "veille.example.org"`},
		"trusted proxy":      {"server:\n  trusted_proxies: [10.0.0.0/8, proxy.example.org]\n", 8, "server.trusted_proxies[1]", `invalid proxy "proxy.example.org": want a CIDR block`},
		"trusted proxy mask": {"server:\n  trusted_proxies:\n    - 10.0.0.0/40\n", 9, "server.trusted_proxies[0]", `invalid proxy "10.0.0.0/40"`},
		"rate per second":    {"server:\n  rate_limit:\n    per_second: 0\n    burst: 20\n", 9, "server.rate_limit.per_second", "must be more than 0"},
		"rate burst":         {"server:\n  rate_limit:\n    per_second: 5\n    burst: 0\n", 10, "server.rate_limit.burst", "must be between 1 and 100000, got 0"},
		"rate unknown key":   {"server:\n  rate_limit: {per_second: 5, burst: 20, per_minute: 3}\n", 8, "server.rate_limit.per_minute", `unknown key "per_minute"`},

		// Documents.
		"syntax error":  {"sources: [a\ntimezone: UTC\n", 8, "", "YAML syntax"},
		"two documents": {"timezone: UTC\n---\ntimezone: UTC\n", 9, "", "a config is one YAML document, found 2"},
		"not a mapping": {"", 1, "", "expected a mapping"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			src := taxonomyHead + tc.yaml
			if strings.HasPrefix(tc.yaml, "domains:") {
				src = tc.yaml
			}
			if name == "not a mapping" {
				src = "- just\n- a list\n"
			}
			_, err := ParseConfig([]byte(src), "feeds.yaml")
			var cerr *ConfigError
			if !errors.As(err, &cerr) {
				t.Fatalf("err = %v, want a *ConfigError", err)
			}
			if len(cerr.Problems) != 1 {
				t.Fatalf("got %d problems, want 1:\n%v", len(cerr.Problems), err)
			}
			p := cerr.Problems[0]
			if p.Line != tc.line || p.Path != tc.path || !strings.Contains(p.Msg, tc.msg) {
				t.Errorf("problem = line %d, path %q, msg %q\nwant      line %d, path %q, msg containing %q", p.Line, p.Path, p.Msg, tc.line, tc.path, tc.msg)
			}
			if p.Column < 1 {
				t.Errorf("column = %d, want ≥ 1", p.Column)
			}
		})
	}
}

func TestParseConfigReportsEveryProblem(t *testing.T) {
	_, err := LoadConfig(filepath.Join("testdata", "config", "five-errors.yaml"))
	var cerr *ConfigError
	if !errors.As(err, &cerr) {
		t.Fatalf("err = %v, want a *ConfigError", err)
	}
	file := filepath.Join("testdata", "config", "five-errors.yaml")
	want := []string{
		file + `:1:1: timezone: unknown time zone "Europe/Pariss" (use an IANA name such as Europe/Paris)`,
		file + `:8:5: sources[0].colour: unknown key "colour" (known keys: competences, disabled, domains, every, id, jurisdiction, kind, lang, name, select, url)`,
		file + `:10:5: sources[1].url: not an absolute http(s) URL: "ftp://example.org/feed.xml"`,
		file + `:11:5: sources[1].every: invalid duration "10" (use e.g. 30s, 15m, 2h, 1d)`,
		file + `:14:5: digests[0].schedule: invalid cron schedule "0 8 * *": want 5 fields (minute hour day-of-month month day-of-week), got 4`,
	}
	if got := strings.Split(err.Error(), "\n"); !reflect.DeepEqual(got, want) {
		t.Errorf("Error() =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestParseConfigUnknownKeysAllAtOnce(t *testing.T) {
	src := `timezon: Europe/Paris
fetch:
  user-agent: x
  timeout: 10s
domains:
  - id: environment
    keywords: [waste]
    label: {fr: Environnement}
    stong: [PFAS]
sources:
  - id: a
    url: https://example.org/feed
    select: {item: li, titre: h3}
smtp: {host: localhost, prot: 25}
`
	_, err := ParseConfig([]byte(src), "feeds.yaml")
	var cerr *ConfigError
	if !errors.As(err, &cerr) {
		t.Fatalf("err = %v, want a *ConfigError", err)
	}
	type at struct {
		line int
		path string
	}
	var got []at
	for _, p := range cerr.Problems {
		if strings.HasPrefix(p.Msg, "unknown key") {
			got = append(got, at{p.Line, p.Path})
		}
	}
	want := []at{{1, "timezon"}, {3, "fetch.user-agent"}, {9, "domains[0].stong"}, {13, "sources[0].select.titre"}, {14, "smtp.prot"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("unknown keys = %v, want %v\n%v", got, want, err)
	}
}

func TestParseConfigDefaults(t *testing.T) {
	cfg, err := LoadConfig(filepath.Join("testdata", "config", "minimal.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Timezone != "Europe/Paris" || cfg.Location == nil || cfg.Location.String() != "Europe/Paris" {
		t.Errorf("timezone = %q, location %v; want Europe/Paris", cfg.Timezone, cfg.Location)
	}
	wantFetch := Fetch{
		UserAgent:   "veille/1 (+https://github.com/nogentech/veille)",
		Timeout:     Duration(30 * time.Second),
		MaxBody:     10 * 1000 * 1000,
		Concurrency: 8,
		HostDelay:   Duration(time.Second),
	}
	if cfg.Fetch != wantFetch {
		t.Errorf("fetch = %+v, want %+v", cfg.Fetch, wantFetch)
	}
	src := cfg.Sources[0]
	if src.Kind != KindFeed || src.Every.D() != 6*time.Hour || src.Lang != "fr" || src.Name != "ademe" {
		t.Errorf("source defaults: kind %q every %s lang %q name %q", src.Kind, src.Every.D(), src.Lang, src.Name)
	}
	if cfg.Alerts[0].Batch != "item" {
		t.Errorf("alert batch = %q, want item", cfg.Alerts[0].Batch)
	}
	if cfg.SMTP.TLS != "starttls" || cfg.SMTP.Port != 587 {
		t.Errorf("smtp = %q:%d, want starttls:587", cfg.SMTP.TLS, cfg.SMTP.Port)
	}
	if cfg.Server.Addr != "127.0.0.1:8080" {
		t.Errorf("server.addr = %q", cfg.Server.Addr)
	}

	ports := map[string]int{"none": 25, "starttls": 587, "tls": 465}
	for mode, want := range ports {
		cfg, err := ParseConfig([]byte("smtp: {tls: "+mode+"}\n"), "feeds.yaml")
		if err != nil {
			t.Fatal(err)
		}
		if cfg.SMTP.Port != want {
			t.Errorf("tls %s: default port %d, want %d", mode, cfg.SMTP.Port, want)
		}
	}

	empty, err := ParseConfig(nil, "feeds.yaml")
	if err != nil {
		t.Fatalf("an empty config: %v", err)
	}
	if empty.Location == nil || empty.Server.Addr == "" || len(empty.Sources) != 0 {
		t.Errorf("empty config = %+v, want defaults and no sources", empty)
	}
}

func TestParseConfigFull(t *testing.T) {
	cfg, err := LoadConfig(filepath.Join("testdata", "config", "full.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Fetch.Timeout.D() != 20*time.Second || cfg.Fetch.MaxBody != 5_000_000 || cfg.Fetch.Concurrency != 4 || cfg.Fetch.HostDelay.D() != 2*time.Second {
		t.Errorf("fetch = %+v", cfg.Fetch)
	}
	if got := cfg.Domains[0].Label["fr"]; got != "Environnement" {
		t.Errorf("domains[0].label.fr = %q", got)
	}
	html, ok := cfg.Source("ansm-securite")
	if !ok || html.Select == nil || html.Select.Link != "a@href" || html.Every.D() != 24*time.Hour {
		t.Errorf("Source(ansm-securite) = %+v, %v", html, ok)
	}
	if _, ok := cfg.Source("nope"); ok {
		t.Error("Source(nope) found")
	}
	var enabled []string
	for _, s := range cfg.EnabledSources() {
		enabled = append(enabled, s.ID)
	}
	if want := []string{"legifrss-icpe", "ansm-securite"}; !reflect.DeepEqual(enabled, want) {
		t.Errorf("EnabledSources = %v, want %v", enabled, want)
	}
	if cfg.SMTP.Port != 465 || cfg.Alerts[0].Batch != "crawl" || cfg.Digests[1].Members != "all" {
		t.Errorf("smtp port %d, batch %q, members %q", cfg.SMTP.Port, cfg.Alerts[0].Batch, cfg.Digests[1].Members)
	}

	// Written back with yaml.Marshal (as tests and tools do), it loads the same.
	out, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	again, err := ParseConfig(out, "marshalled.yaml")
	if err != nil {
		t.Fatalf("reloading the marshalled config: %v\n%s", err, out)
	}
	if again.Location.String() != cfg.Location.String() {
		t.Errorf("location %v, want %v", again.Location, cfg.Location)
	}
	again.Location, cfg.Location = nil, nil
	if !reflect.DeepEqual(again, cfg) {
		t.Errorf("round trip differs:\n%+v\n%+v", again, cfg)
	}
}

func TestParseConfigAnchorsAndMerge(t *testing.T) {
	src := taxonomyHead + `sources:
  - &base
    id: one
    url: https://example.org/one
    every: 2h
    domains: [environment]
  - <<: *base
    id: two
    url: https://example.org/two
  - <<: *base
    id: three
    url: https://example.org/three
    every: 3h
    colour: red
`
	_, err := ParseConfig([]byte(src), "feeds.yaml")
	var cerr *ConfigError
	if !errors.As(err, &cerr) || len(cerr.Problems) != 1 || cerr.Problems[0].Line != 20 {
		t.Fatalf("err = %v, want only the unknown key at line 20", err)
	}
	cfg, err := ParseConfig([]byte(strings.Replace(src, "    colour: red\n", "", 1)), "feeds.yaml")
	if err != nil {
		t.Fatal(err)
	}
	two, three := cfg.Sources[1], cfg.Sources[2]
	if two.ID != "two" || two.Every.D() != 2*time.Hour || !reflect.DeepEqual(two.Domains, []string{"environment"}) {
		t.Errorf("merged source two = %+v", two)
	}
	if three.Every.D() != 3*time.Hour {
		t.Errorf("explicit key must override the merged one: every = %s", three.Every.D())
	}
}

// TestParseConfigCoreTags: YAML core tags are accepted where the value
// has the type they name.
func TestParseConfigCoreTags(t *testing.T) {
	cfg, err := ParseConfig([]byte("fetch: !!map {timeout: !!str 5s, concurrency: !!int 3}\nstaff: !!seq [!!str a@example.org]\n"), "feeds.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Fetch.Timeout.D() != 5*time.Second || cfg.Fetch.Concurrency != 3 || len(cfg.Staff) != 1 {
		t.Errorf("fetch = %+v, staff = %v", cfg.Fetch, cfg.Staff)
	}
}

func TestParseConfigHostileDocuments(t *testing.T) {
	// Each level of merge keys doubles the work: 2^40 entries once expanded.
	var bomb strings.Builder
	bomb.WriteString("x0: &m0 {host: a}\n")
	for i := 1; i <= 40; i++ {
		fmt.Fprintf(&bomb, "x%d: &m%d {<<: [*m%d, *m%d]}\n", i, i, i-1, i-1)
	}
	bomb.WriteString("smtp: {<<: *m40}\n")

	tests := map[string]struct {
		src string
		msg string
	}{
		"merge bomb":     {bomb.String(), "too large"},
		"self merge":     {"smtp: &m {host: x, <<: *m}\n", ""},
		"self alias":     {"domains: &d [*d]\n", ""},
		"deep nesting":   {"domains: " + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + "\n", ""},
		"many problems":  {"sources:\n" + strings.Repeat("  - {id: BAD, url: x}\n", 1000), "too many problems"},
		"binary garbage": {"\x00\xff\xfe: \x01\n", ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() { _, err := ParseConfig([]byte(tc.src), "hostile.yaml"); done <- err }()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), tc.msg) {
					t.Fatalf("err = %.500v, want an error containing %q", err, tc.msg)
				}
				var cerr *ConfigError
				if errors.As(err, &cerr) && len(cerr.Problems) > maxProblems+1 {
					t.Errorf("%d problems, want at most %d", len(cerr.Problems), maxProblems+1)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("ParseConfig did not return within 10s")
			}
		})
	}
}

func TestLoadConfigMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nowhere", "feeds.yaml")
	_, err := LoadConfig(path)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("err = %v, want fs.ErrNotExist", err)
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name the path", err)
	}
}

func TestParseConfigTooLarge(t *testing.T) {
	big := make([]byte, maxConfigSize+1)
	for i := range big {
		big[i] = '#'
	}
	_, err := ParseConfig(big, "big.yaml")
	if err == nil || !strings.Contains(err.Error(), "more than") {
		t.Fatalf("err = %v, want a size error", err)
	}
}

func FuzzParseConfig(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "config", "*.yaml"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(taxonomyHead + "sources: [{id: a, url: 'https://x.org', every: 1m}]\n"))
	f.Add([]byte("a: &x [*x]\n"))
	f.Add([]byte("digests: [{id: d, schedule: 'TZ=TZ=TZ=', domains: [x]}]\n"))
	f.Add([]byte("? [a]\n: b\n"))
	f.Add([]byte("fetch: !!map {timeout: !!str 5s}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := ParseConfig(data, "fuzz.yaml")
		if err != nil {
			var cerr *ConfigError
			if errors.As(err, &cerr) {
				if len(cerr.Problems) == 0 {
					t.Fatal("a ConfigError with no problem")
				}
				for _, p := range cerr.Problems {
					if p.Msg == "" {
						t.Fatalf("problem without a message: %+v", p)
					}
				}
			}
			return
		}
		if cfg.Location == nil || cfg.Server.Addr == "" || cfg.Fetch.Concurrency <= 0 {
			t.Fatalf("a valid config without its defaults: %+v", cfg)
		}
	})
}
