package veille

import (
	"errors"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

// deliveryConfig is the notifier's test config (digest/helpers_test.go)
// written as a file: a digest, an alert, members and a loopback SMTP.
const deliveryConfig = `domains:
  - id: environment
    keywords: [déchets]
  - id: medical-devices
    keywords: [implant]
competences:
  - id: surface-treatment
    keywords: [galvanoplastie]
  - id: forging
    keywords: [forge]
members:
  - id: traitement-est
    competences: [surface-treatment]
    email: hse@traitement-est.example
  - id: forge-exemple
    competences: [forging]
    email: veille@forge.example
digests:
  - id: environment-weekly
    schedule: "0 8 * * 1"
    domains: [environment]
    members: all
    to: [commission-environnement@cluster.example]
alerts:
  - id: medical-device-rules
    domains: [medical-devices]
    to: [qualite@implants.example]
    batch: item
smtp:
  host: 127.0.0.1
  port: 2525
  from: veille@cluster.example
  tls: none
`

// TestConfigDeliveryRules holds the cases of the former digest.Check,
// now rules of the root validator (or of CheckDelivery, for what only
// sending needs), each reported with its line. Where digest.Check and the
// root had the same rule in two wordings, the root's is asserted.
func TestConfigDeliveryRules(t *testing.T) {
	base, err := ParseConfig([]byte(deliveryConfig), "feeds.yaml", CheckDelivery)
	if err != nil {
		t.Fatalf("test config: %v", err)
	}
	if _, err := ParseConfig(ShippedConfig, "feeds.yaml", CheckDelivery); err != nil {
		t.Errorf("shipped config: %v", err)
	}
	tests := map[string]struct {
		mod  func(*Config)
		path string
		want string
	}{
		"bad schedule":     {func(c *Config) { c.Digests[0].Schedule = "every monday" }, "digests[0].schedule", `schedule "every monday"`},
		"interval":         {func(c *Config) { c.Digests[0].Schedule = "@every 1h" }, "digests[0].schedule", "not an interval"},
		"unknown domain":   {func(c *Config) { c.Digests[0].Domains = []string{"environement"} }, "digests[0].domains[0]", `unknown domain "environement"`},
		"unknown member":   {func(c *Config) { c.Digests[0].Members = "forge-exemple, nobody" }, "digests[0].members", `no member "nobody"`},
		"no recipient":     {func(c *Config) { c.Digests[0].To, c.Digests[0].Members = nil, "" }, "digests[0]", "no recipient"},
		"bad address":      {func(c *Config) { c.Digests[0].To = []string{"commission at example"} }, "digests[0].to[0]", `invalid email address "commission at example"`},
		"bad lang":         {func(c *Config) { c.Members[0].Lang = "de" }, "members[0].lang", `lang "de"`},
		"digest lang":      {func(c *Config) { c.Digests[0].Lang = "de" }, "digests[0].lang", `lang "de"`},
		"alert lang":       {func(c *Config) { c.Alerts[0].Lang = "es" }, "alerts[0].lang", `lang "es"`},
		"bad batch":        {func(c *Config) { c.Alerts[0].Batch = "daily" }, "alerts[0].batch", `batch "daily"`},
		"bad webhook":      {func(c *Config) { c.Alerts[0].Webhook = "ftp://x" }, "alerts[0].webhook", "not an absolute http(s) URL"},
		"secret no hook":   {func(c *Config) { c.Alerts[0].SecretEnv = "X" }, "alerts[0].secret_env", "secret_env without a webhook"},
		"duplicate alert":  {func(c *Config) { c.Alerts = append(c.Alerts, c.Alerts[0]) }, "alerts[1].id", "duplicate id"},
		"no smtp host":     {func(c *Config) { c.SMTP.Host = "" }, "smtp.host", "host is required"},
		"no smtp from":     {func(c *Config) { c.SMTP.From = "" }, "smtp.from", "from is required"},
		"clear text smtp":  {func(c *Config) { c.SMTP.Host = "smtp.example.org" }, "smtp.tls", "loopback host only"},
		"unknown tls":      {func(c *Config) { c.SMTP.TLS = "ssl" }, "smtp.tls", `tls mode "ssl"`},
		"user no password": {func(c *Config) { c.SMTP.Username = "u" }, "smtp.username", "password_env"},
		"short timeout":    {func(c *Config) { c.SMTP.Timeout = Duration(500e6) }, "smtp.timeout", "too short"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			cfg := base
			cfg.Digests = append([]Digest(nil), base.Digests...)
			cfg.Alerts = append([]Alert(nil), base.Alerts...)
			cfg.Members = append([]Member(nil), base.Members...)
			tc.mod(&cfg)
			out, err := yaml.Marshal(cfg)
			if err != nil {
				t.Fatal(err)
			}
			_, err = ParseConfig(out, "feeds.yaml", CheckDelivery)
			var cerr *ConfigError
			if !errors.As(err, &cerr) {
				t.Fatalf("err = %v, want a *ConfigError", err)
			}
			for _, p := range cerr.Problems {
				if p.Path == tc.path && strings.Contains(p.Msg, tc.want) {
					if p.Line < 1 || p.Column < 1 {
						t.Errorf("%s has no position: %+v", tc.path, p)
					}
					return
				}
			}
			t.Errorf("no problem at %s containing %q:\n%v", tc.path, tc.want, err)
		})
	}

	// Rules of sending only: a config read to crawl does not need them.
	cfg := base
	cfg.SMTP = SMTP{}
	out, _ := yaml.Marshal(cfg)
	if _, err := ParseConfig(out, "feeds.yaml"); err != nil {
		t.Errorf("without CheckDelivery, no mail server is needed: %v", err)
	}
}
