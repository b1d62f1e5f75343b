package server

import (
	"net/http"
	"strings"
)

// sourceProblems say, from the stored error of a failed fetch, what went
// wrong in words a reader of /sources understands, in their language; the
// technical text stays beside it for whoever fixes the source. Checked in
// order: the first whose marker the error holds names the cause.
var sourceProblems = []struct{ marker, key string }{
	{"timed out", "srcerr.timeout"},
	{"deadline exceeded", "srcerr.timeout"},
	{"no such host", "srcerr.dns"},
	{"connection refused", "srcerr.refused"},
	{"connection reset", "srcerr.reset"},
	{"private or reserved network", "srcerr.private"},
	{"x509", "srcerr.tls"},
	{"tls:", "srcerr.tls"},
	{"certificate", "srcerr.tls"},
	{"redirect", "srcerr.redirect"},
	{"body too large", "srcerr.toolarge"},
	{"no items found", "srcerr.noitems"},
	{"expected a feed, got an html page", "srcerr.html"},
	{"not a feed", "srcerr.notfeed"},
	{"parse", "srcerr.parse"},
	{"character encoding", "srcerr.parse"},
}

// sourceProblem says in words why a source failed: its HTTP status when it
// answered with an error, else the cause read in the error text; "" when
// there is no error.
func (t tr) sourceProblem(status int, errText string) string {
	if errText == "" && status < 400 {
		return ""
	}
	if status >= 400 {
		switch {
		case status == http.StatusNotFound, status == http.StatusGone:
			return t.T("srcerr.gone", status)
		case status == http.StatusUnauthorized, status == http.StatusForbidden:
			return t.T("srcerr.forbidden", status)
		case status == http.StatusTooManyRequests:
			return t.T("srcerr.throttled", status)
		case status >= 500:
			return t.T("srcerr.server", status)
		}
		return t.T("srcerr.http", status)
	}
	low := strings.ToLower(errText)
	for _, p := range sourceProblems {
		if strings.Contains(low, p.marker) {
			return t.T(p.key)
		}
	}
	return t.T("srcerr.other")
}
