package digest

import (
	"strings"
	"time"

	"github.com/nogentech/veille/internal/i18n"

	"github.com/nogentech/veille"
)

// SignInMail is the mail carrying a one-time sign-in link to the members'
// space (members/); it goes through the same Mailer as digests and alerts.
func SignInMail(lang i18n.Lang, from, to, link string, ttl time.Duration, now time.Time, messageID string) Mail {
	return Mail{From: from, To: to, Date: now, MessageID: messageID,
		Subject: lang.T("mail.signin_subject"),
		Text:    lang.T("mail.signin_body", link, int(ttl/time.Minute))}
}

// MessageIDDomain is the domain part for the Message-ID of mails from
// from: its own domain, so that the IDs are unique to this sender.
func MessageIDDomain(from string) string {
	if _, d, ok := strings.Cut(from, "@"); ok && d != "" {
		return strings.Trim(d, "> ")
	}
	return "veille.invalid"
}

// NewMailer returns the SMTP mailer the config describes, or, when it
// describes none that can work, a mailer whose every send fails with the
// reason: the one way to build a mailer from feeds.yaml.
func NewMailer(c veille.SMTP, getenv func(string) string) Mailer {
	m, err := mailerFromConfig(c, getenv)
	if err != nil {
		return brokenMailer{err}
	}
	return m
}
