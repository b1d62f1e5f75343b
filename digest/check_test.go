package digest

import (
	"errors"
	"strings"
	"testing"

	"github.com/nogentech/veille"
)

// TestConfigChecks: the notifier's config checks pass the test config and
// the shipped one, and an alert query the index cannot read is reported
// at its line by ParseConfig. The other cases of the former digest.Check
// are the root's (config_delivery_test.go).
func TestConfigChecks(t *testing.T) {
	for _, check := range ConfigChecks {
		if ps := check(testConfig(25)); len(ps) > 0 {
			t.Fatalf("test config: %v", ps)
		}
	}
	if _, err := veille.ParseConfig(veille.ShippedConfig, "feeds.yaml", ConfigChecks...); err != nil {
		t.Errorf("shipped config: %v", err)
	}
	const src = `domains:
  - id: medical-devices
    keywords: [implant]
alerts:
  - id: md
    domains: [medical-devices]
    webhook: https://hooks.example.org/x
    query: '"unclosed'
`
	_, err := veille.ParseConfig([]byte(src), "feeds.yaml", ConfigChecks...)
	var cerr *veille.ConfigError
	if !errors.As(err, &cerr) || len(cerr.Problems) != 1 {
		t.Fatalf("err = %v, want one problem", err)
	}
	if p := cerr.Problems[0]; p.Line != 8 || p.Column != 5 || p.Path != "alerts[0].query" || !strings.Contains(p.Msg, "query") {
		t.Errorf("problem = %+v, want the query at 8:5", p)
	}
}
