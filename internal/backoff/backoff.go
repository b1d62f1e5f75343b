// Package backoff is the one rule for waiting after failures, shared by
// the crawler (a source that fails) and the notifier (a mail or webhook
// that fails): the first pause, doubled after each further failure, up
// to a cap.
package backoff

import "time"

// Doubling is the pause after the given number of consecutive failures:
// base after the first, doubled for each one after, never more than ceiling.
func Doubling(base, ceiling time.Duration, failures int) time.Duration {
	d := base
	for i := 1; i < failures && d < ceiling; i++ {
		d *= 2
	}
	return min(d, ceiling)
}
