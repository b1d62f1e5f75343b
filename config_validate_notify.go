package veille

import (
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/nogentech/veille/internal/cronexpr"
)

func (c checker) digests(digests []Digest, domains, competences, memberIDs idSet) {
	seen := idSet{}
	for i, dg := range digests {
		p := fmt.Sprintf("digests[%d]", i)
		c.checkID(p+".id", dg.ID, seen)
		if dg.Schedule == "" {
			c.add(p+".schedule", "missing schedule (a cron expression such as \"0 8 * * 1\")")
		} else if err := checkCron(dg.Schedule); err != nil {
			c.add(p+".schedule", "invalid cron schedule %q: %v", dg.Schedule, err)
		}
		c.refs(p+".domains", "domain", dg.Domains, domains)
		c.refs(p+".competences", "competence", dg.Competences, competences)
		// members: "all", or a list of member ids ("forge-exemple, coutellerie-exemple").
		if sel := strings.TrimSpace(dg.Members); sel != "" && !strings.EqualFold(sel, "all") {
			for _, id := range strings.FieldsFunc(sel, func(r rune) bool { return r == ',' || r == ' ' }) {
				if _, ok := memberIDs[id]; !ok {
					c.add(p+".members", "no member %q: use \"all\" or ids of members", id)
				}
			}
		}
		if len(dg.Domains) == 0 && len(dg.Competences) == 0 && strings.TrimSpace(dg.Members) == "" {
			c.add(p, "a digest needs domains, competences or members")
		}
		for j, to := range dg.To {
			c.email(fmt.Sprintf("%s.to[%d]", p, j), to)
		}
		c.lang(p+".lang", dg.Lang)
		switch dg.OnTimeout {
		case "", OnTimeoutSend, OnTimeoutHold:
		default:
			c.add(p+".on_timeout", "must be %q or %q, not %q", OnTimeoutSend, OnTimeoutHold, dg.OnTimeout)
		}
		if dg.OnTimeout != "" && !dg.Editorial {
			c.add(p+".on_timeout", "only an editorial digest (editorial: true) has an edition to wait for")
		}
	}
}

func (c checker) alerts(alerts []Alert, domains, competences idSet) {
	seen := idSet{}
	for i, a := range alerts {
		p := fmt.Sprintf("alerts[%d]", i)
		c.checkID(p+".id", a.ID, seen)
		c.refs(p+".domains", "domain", a.Domains, domains)
		c.refs(p+".competences", "competence", a.Competences, competences)
		for j, to := range a.To {
			c.email(fmt.Sprintf("%s.to[%d]", p, j), to)
		}
		if a.Webhook != "" && !httpURL(a.Webhook) {
			c.add(p+".webhook", "not an absolute http(s) URL: %q", a.Webhook)
		}
		if a.SecretEnv != "" && a.Webhook == "" {
			c.add(p+".secret_env", "secret_env without a webhook: the secret signs webhook calls")
		}
		c.lang(p+".lang", a.Lang)
		if len(a.To) == 0 && a.Webhook == "" && !c.isBad(p+".to") {
			c.add(p, "an alert needs recipients: to or webhook")
		}
		switch a.Batch {
		case "", "item", "crawl":
		default:
			c.add(p+".batch", "unknown batch %q: use item or crawl", a.Batch)
		}
	}
}

func (c checker) smtp(s SMTP) {
	switch s.TLS {
	case "", "starttls", "tls", "none":
	default:
		c.add("smtp.tls", "unknown tls mode %q: use starttls, tls or none", s.TLS)
	}
	if s.Port < 0 || s.Port > 65535 {
		c.add("smtp.port", "must be between 1 and 65535, got %d", s.Port)
	}
	if s.From != "" {
		c.email("smtp.from", s.From)
	}
}

// checkCron accepts the five-field cron expressions the scheduler runs
// (minute hour day-of-month month day-of-week), in the config's time zone:
// the one reader, internal/cronexpr, which digest.ParseSchedule uses too.
func checkCron(expr string) error {
	_, err := cronexpr.Parse(expr)
	return err
}

// CheckDelivery holds the rules that matter only to a process that sends
// digests and alerts (veille serve, veille check): a config read to crawl
// or search needs no mail server. Pass it to ParseConfig or LoadConfig.
func CheckDelivery(cfg Config) []Problem {
	var ps []Problem
	add := func(path, format string, args ...any) {
		ps = append(ps, Problem{Path: path, Msg: fmt.Sprintf(format, args...)})
	}
	for i, dg := range cfg.Digests {
		if len(dg.To) == 0 && strings.TrimSpace(dg.Members) == "" {
			add(fmt.Sprintf("digests[%d]", i), "no recipient (set to: or members:)")
		}
	}
	needMail := len(cfg.Digests) > 0
	for _, a := range cfg.Alerts {
		needMail = needMail || len(a.To) > 0
	}
	if !needMail {
		return ps
	}
	s := cfg.SMTP
	if s.Host == "" {
		add("smtp.host", "host is required to send digests and alerts")
	}
	if s.From == "" {
		add("smtp.from", "from is required to send digests and alerts")
	}
	if s.TLS == "none" && s.Host != "" && !IsLoopbackHost(s.Host) {
		add("smtp.tls", "tls: none is allowed for a loopback host only (not %s)", s.Host)
	}
	if s.Username != "" && s.PasswordEnv == "" {
		add("smtp.username", "username without password_env")
	}
	if t := s.Timeout.D(); t < 0 || (t > 0 && t < time.Second) {
		add("smtp.timeout", "timeout %s is too short", t)
	}
	return ps
}

// IsLoopbackHost says whether host is this machine (localhost, 127.0.0.1,
// ::1): the only place mail may go without TLS.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
