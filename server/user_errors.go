package server

import (
	"errors"
	"fmt"
	"strings"

	"github.com/nogentech/veille/index"
	"github.com/nogentech/veille/internal/i18n"
)

// userError is a mistake in a request that the person who made it must
// read: in English for the JSON API (Error), in the reader's language on a
// page (tr.userMessage). Format is the English message and the key of its
// translation; Args fill it.
type userError struct {
	Format string
	Args   []any
}

func userErrorf(format string, args ...any) *userError {
	return &userError{Format: format, Args: args}
}

func (e *userError) Error() string { return fmt.Sprintf(e.Format, e.Args...) }

// userMessage says a request's mistake in the reader's language; ok is
// false when err is not one (an internal error, to be said generically).
func (t tr) userMessage(err error) (msg string, ok bool) {
	var format string
	var args []any
	var ue *userError
	var qe *index.QueryError
	switch {
	case errors.As(err, &ue):
		format, args = ue.Format, ue.Args
	case errors.As(err, &qe) && qe.Format != "":
		format, args = qe.Format, qe.Args
	default:
		return "", false
	}
	// The format is the English message and its key in the catalogue
	// (internal/i18n/msg_errors.go).
	if m, found := i18n.Lookup(format); found {
		format = m.In(t.lang)
	}
	format = strings.ReplaceAll(format, "%q", t.lang.Quote("%s"))
	format = strings.ReplaceAll(format, "\"phrase\"", t.lang.Quote("phrase"))
	return fmt.Sprintf(format, args...), true
}
