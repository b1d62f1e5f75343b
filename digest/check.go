package digest

import (
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/index"
)

// Check reports what is wrong in the digests, alerts, members and SMTP
// sections of a config, every problem at once, so `veille check` and
// `veille serve` fail before the first Monday rather than on it.
func Check(cfg veille.Config) error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	has := func(cats []veille.Category, id string) bool {
		return slices.ContainsFunc(cats, func(c veille.Category) bool { return c.ID == id })
	}
	checkCats := func(where string, domains, competences []string) {
		for _, d := range domains {
			if !has(cfg.Domains, d) {
				add("%s: unknown domain %q", where, d)
			}
		}
		for _, c := range competences {
			if !has(cfg.Competences, c) {
				add("%s: unknown competence %q", where, c)
			}
		}
	}
	checkLang := func(where, l string) {
		if l != "" && l != LangFR && l != LangEN {
			add("%s: lang %q (use fr or en)", where, l)
		}
	}
	checkAddr := func(where, a string) {
		if _, err := mail.ParseAddress(a); err != nil {
			add("%s: %q is not a mail address", where, a)
		}
	}
	loc := cfg.Loc()
	members := map[string]bool{}
	for i, m := range cfg.Members {
		where := fmt.Sprintf("members[%d] (%s)", i, m.ID)
		members[m.ID] = true
		checkCats(where, nil, m.Competences)
		checkLang(where, m.Lang)
		if m.Email != "" {
			checkAddr(where+".email", m.Email)
		}
	}
	ids := map[string]bool{}
	for i, d := range cfg.Digests {
		where := fmt.Sprintf("digests[%d] (%s)", i, d.ID)
		if d.ID == "" {
			add("digests[%d]: id is required", i)
		} else if ids["digest:"+d.ID] {
			add("%s: duplicate id", where)
		}
		ids["digest:"+d.ID] = true
		if d.Schedule != "" {
			if _, err := ParseSchedule(d.Schedule, loc); err != nil {
				add("%s: %v", where, err)
			}
		}
		checkCats(where, d.Domains, d.Competences)
		checkLang(where, d.Lang)
		for _, a := range d.To {
			checkAddr(where+".to", a)
		}
		if sel := strings.TrimSpace(d.Members); sel != "" && !strings.EqualFold(sel, "all") {
			for _, id := range strings.FieldsFunc(sel, func(r rune) bool { return r == ',' || r == ' ' }) {
				if !members[id] {
					add("%s: members: no member %q (use all, or member ids)", where, id)
				}
			}
		}
		if len(d.To) == 0 && strings.TrimSpace(d.Members) == "" {
			add("%s: no recipient (set to: or members:)", where)
		}
	}
	voc := index.NewVocabulary(cfg)
	for i, a := range cfg.Alerts {
		where := fmt.Sprintf("alerts[%d] (%s)", i, a.ID)
		if a.ID == "" {
			add("alerts[%d]: id is required", i)
		} else if ids["alert:"+a.ID] {
			add("%s: duplicate id", where)
		}
		ids["alert:"+a.ID] = true
		checkCats(where, a.Domains, a.Competences)
		checkLang(where, a.Lang)
		for _, to := range a.To {
			checkAddr(where+".to", to)
		}
		if q := strings.TrimSpace(a.Query); q != "" {
			if _, err := voc.ParseQuery(q); err != nil {
				add("%s: query: %v", where, err)
			}
		}
		switch a.Batch {
		case "", BatchItem, BatchCrawl:
		default:
			add("%s: batch %q (use item or crawl)", where, a.Batch)
		}
		if a.Webhook != "" {
			u, err := url.Parse(a.Webhook)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				add("%s: webhook %q is not an http(s) URL", where, a.Webhook)
			}
		} else if a.SecretEnv != "" {
			add("%s: secret_env without a webhook", where)
		}
		if len(a.To) == 0 && a.Webhook == "" {
			add("%s: no recipient (set to: or webhook:)", where)
		}
	}
	needMail := len(cfg.Digests) > 0 || slices.ContainsFunc(cfg.Alerts, func(a veille.Alert) bool { return len(a.To) > 0 })
	if needMail {
		s := cfg.SMTP
		if s.Host == "" {
			add("smtp: host is required to send digests and alerts")
		}
		if s.From == "" {
			add("smtp: from is required")
		} else {
			checkAddr("smtp.from", s.From)
		}
		switch s.TLS {
		case "", "starttls", "tls":
		case "none":
			if s.Host != "" && !isLoopback(s.Host) {
				add("smtp: tls: none is allowed for a loopback host only (not %s)", s.Host)
			}
		default:
			add("smtp: tls %q (use starttls, tls or none)", s.TLS)
		}
		if s.Username != "" && s.PasswordEnv == "" {
			add("smtp: username without password_env")
		}
		if s.Timeout.D() < 0 || (s.Timeout.D() > 0 && s.Timeout.D() < time.Second) {
			add("smtp: timeout %s is too short", s.Timeout.D())
		}
	}
	return errors.Join(errs...)
}
