// Package cronexpr is the one reader of the cron expressions a config
// gives its digests: the validator (veille.ParseConfig), the digest
// schedule (digest.ParseSchedule, which computes the run times) and the
// wake-up job handed to gocron all accept exactly what Parse accepts.
//
// The language is standard 5-field cron — minute hour day-of-month month
// day-of-week, in the config's time zone — with lists, ranges, steps and
// names (MON, JAN). Descriptors (@weekly, @daily…) and intervals (@every)
// are refused, and so are TZ= prefixes: the zone is the config's timezone.
package cronexpr

import (
	"fmt"
	"strings"

	"github.com/robfig/cron/v3"
)

// Parse reads a 5-field cron expression.
func Parse(expr string) (spec *cron.SpecSchedule, err error) {
	expr = strings.TrimSpace(expr)
	if strings.HasPrefix(expr, "@every") {
		return nil, fmt.Errorf("use a cron expression such as \"0 8 * * 1\", not an interval")
	}
	fields := strings.Fields(expr)
	if len(fields) != 5 {
		return nil, fmt.Errorf("want 5 fields (minute hour day-of-month month day-of-week), got %d", len(fields))
	}
	for _, f := range fields {
		if strings.ContainsAny(f, "@=") {
			return nil, fmt.Errorf("unexpected %q", f)
		}
	}
	// robfig/cron panics on some malformed input.
	defer func() {
		if r := recover(); r != nil {
			spec, err = nil, fmt.Errorf("cannot parse: %v", r)
		}
	}()
	s, err := cron.ParseStandard(strings.Join(fields, " "))
	if err != nil {
		return nil, err
	}
	spec, ok := s.(*cron.SpecSchedule)
	if !ok {
		return nil, fmt.Errorf("use a cron expression such as \"0 8 * * 1\"")
	}
	return spec, nil
}
