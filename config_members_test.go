package veille

import (
	"errors"
	"strings"
	"testing"
)

// The members' space keys (issue 16) are checked like the others: each
// problem at its line.
func TestParseConfigMembersKeys(t *testing.T) {
	tests := map[string]struct {
		yaml string
		line int
		path string
		msg  string
	}{
		"bad user": {`members:
  - id: a
    users: [not-an-address]
`, 9, "members[0].users[0]", "invalid email address"},
		"domain with @": {`members:
  - id: a
    mail_domains: ["@forge.fr"]
`, 9, "members[0].mail_domains[0]", "not a mail domain"},
		"domain without dot": {`members:
  - id: a
    mail_domains: [forge]
`, 9, "members[0].mail_domains[0]", "not a mail domain"},
		"bad staff": {"staff: [equipe]\n", 7, "staff[0]", "invalid email address"},
		"staff also a user": {`members:
  - id: a
    users: [jo@forge.fr]
staff:
  - Jo@forge.fr
`, 11, "staff[0]", "also a user of member a"},
		"public not a bool": {"server: {public: sometimes}\n", 7, "server.public", ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := ParseConfig([]byte(taxonomyHead+tc.yaml), "feeds.yaml")
			var cerr *ConfigError
			if !errors.As(err, &cerr) || len(cerr.Problems) != 1 {
				t.Fatalf("err = %v, want one problem", err)
			}
			p := cerr.Problems[0]
			if p.Line != tc.line || p.Path != tc.path || !strings.Contains(p.Msg, tc.msg) {
				t.Errorf("problem = line %d, path %q, msg %q; want line %d, path %q, msg containing %q", p.Line, p.Path, p.Msg, tc.line, tc.path, tc.msg)
			}
		})
	}
}

func TestParseConfigMembersKeysValid(t *testing.T) {
	cfg, err := ParseConfig([]byte(taxonomyHead+`members:
  - id: a
    mail_domains: [forge-a.fr]
    users: [patron@webmail.fr]
staff: [equipe@cluster.fr]
server: {public: false}
`), "feeds.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Server.IsPublic() || len(cfg.Staff) != 1 || cfg.Members[0].MailDomains[0] != "forge-a.fr" {
		t.Fatalf("parsed %+v", cfg)
	}
	cfg, _ = ParseConfig([]byte(taxonomyHead), "feeds.yaml")
	if !cfg.Server.IsPublic() {
		t.Error("server.public defaults to false; today's open intranet must stay open")
	}
}
