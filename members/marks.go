package members

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nogentech/veille/store"
)

// Statuses of a mark in the compliance register, as the API spells them.
var Statuses = []string{"applies", "not-applicable", "to-assess"}

// maxMarkText bounds each free-text field of a mark.
const maxMarkText = 4000

// MarkError is a mark that cannot be stored, with the field at fault.
type MarkError struct{ Field, Msg string }

func (e *MarkError) Error() string { return e.Field + ": " + e.Msg }

// CheckMark trims a mark's fields and checks them: a known status, a due
// date as YYYY-MM-DD, text fields of reasonable size.
func CheckMark(m *store.Mark) error {
	m.Status = strings.TrimSpace(m.Status)
	if !slices.Contains(Statuses, m.Status) {
		return &MarkError{"status", fmt.Sprintf("%q is not one of %s", m.Status, strings.Join(Statuses, ", "))}
	}
	m.Due = strings.TrimSpace(m.Due)
	if m.Due != "" {
		if _, err := time.Parse(time.DateOnly, m.Due); err != nil {
			return &MarkError{"due", fmt.Sprintf("%q is not a date YYYY-MM-DD", m.Due)}
		}
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"note", &m.Note}, {"owner", &m.Owner}, {"action", &m.Action}} {
		*f.v = strings.TrimSpace(*f.v)
		if utf8.RuneCountInString(*f.v) > maxMarkText {
			return &MarkError{f.name, fmt.Sprintf("longer than %d characters", maxMarkText)}
		}
	}
	return nil
}
