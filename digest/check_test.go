package digest

import (
	"strings"
	"testing"

	"github.com/nogentech/veille"
)

func TestCheck(t *testing.T) {
	if err := Check(testConfig(25)); err != nil {
		t.Fatalf("test config: %v", err)
	}
	shipped, err := veille.ParseConfig(veille.ShippedConfig, "feeds.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := Check(shipped); err != nil {
		t.Errorf("shipped config: %v", err)
	}
	tests := map[string]struct {
		mod  func(*veille.Config)
		want string
	}{
		"bad schedule":     {func(c *veille.Config) { c.Digests[0].Schedule = "every monday" }, `schedule "every monday"`},
		"interval":         {func(c *veille.Config) { c.Digests[0].Schedule = "@every 1h" }, "not an interval"},
		"unknown domain":   {func(c *veille.Config) { c.Digests[0].Domains = []string{"environement"} }, `unknown domain "environement"`},
		"unknown member":   {func(c *veille.Config) { c.Digests[0].Members = "forge-exemple, nobody" }, `no member "nobody"`},
		"no recipient":     {func(c *veille.Config) { c.Digests[0].To, c.Digests[0].Members = nil, "" }, "no recipient"},
		"bad address":      {func(c *veille.Config) { c.Digests[0].To = []string{"commission at example"} }, "not a mail address"},
		"bad lang":         {func(c *veille.Config) { c.Members[0].Lang = "de" }, `lang "de"`},
		"bad batch":        {func(c *veille.Config) { c.Alerts[0].Batch = "daily" }, `batch "daily"`},
		"bad query":        {func(c *veille.Config) { c.Alerts[0].Query = `"unclosed` }, "query"},
		"bad webhook":      {func(c *veille.Config) { c.Alerts[0].Webhook = "ftp://x" }, "not an http(s) URL"},
		"secret no hook":   {func(c *veille.Config) { c.Alerts[0].SecretEnv = "X" }, "secret_env without a webhook"},
		"duplicate alert":  {func(c *veille.Config) { c.Alerts = append(c.Alerts, c.Alerts[0]) }, "duplicate id"},
		"no smtp host":     {func(c *veille.Config) { c.SMTP.Host = "" }, "host is required"},
		"clear text smtp":  {func(c *veille.Config) { c.SMTP.Host = "smtp.example.org" }, "loopback host only"},
		"unknown tls":      {func(c *veille.Config) { c.SMTP.TLS = "ssl" }, `tls "ssl"`},
		"user no password": {func(c *veille.Config) { c.SMTP.Username = "u" }, "password_env"},
	}
	for name, tc := range tests {
		cfg := testConfig(25)
		tc.mod(&cfg)
		err := Check(cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Check = %v, want an error with %q", name, err, tc.want)
		}
	}
}
