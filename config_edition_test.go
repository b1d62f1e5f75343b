package veille

import (
	"errors"
	"strings"
	"testing"
)

// The keys of the commission's edition: digests[].editorial, on_timeout,
// and the top-level staff list.
func TestParseConfigEdition(t *testing.T) {
	const digest = `digests:
  - id: env
    schedule: "0 8 * * 1"
    domains: [environment]
`
	ok := taxonomyHead + "staff: [equipe@example.org]\n" + digest + "    editorial: true\n    on_timeout: hold\n"
	cfg, err := ParseConfig([]byte(ok), "feeds.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Digests[0].Editorial || cfg.Digests[0].OnTimeout != OnTimeoutHold || len(cfg.Staff) != 1 {
		t.Errorf("parsed %+v staff %v", cfg.Digests[0], cfg.Staff)
	}
	for name, tc := range map[string]struct{ src, path, msg string }{
		"bad on_timeout":     {digest + "    editorial: true\n    on_timeout: later\n", "digests[0].on_timeout", `must be "send" or "hold"`},
		"on_timeout alone":   {digest + "    on_timeout: send\n", "digests[0].on_timeout", "only an editorial digest"},
		"hold without staff": {digest + "    editorial: true\n    on_timeout: hold\n", "digests[0].on_timeout", "staff:"},
		"bad staff address":  {"staff: [not-an-address]\n", "staff[0]", ""},
	} {
		_, err := ParseConfig([]byte(taxonomyHead+tc.src), "feeds.yaml")
		var cerr *ConfigError
		if !errors.As(err, &cerr) || len(cerr.Problems) != 1 {
			t.Errorf("%s: err = %v, want one problem", name, err)
			continue
		}
		if p := cerr.Problems[0]; p.Path != tc.path || !strings.Contains(p.Msg, tc.msg) {
			t.Errorf("%s: problem %q %q", name, p.Path, p.Msg)
		}
	}
}
