package veille

import "time"

// Stale reports whether a source crawled every `every` has gone three of
// its intervals without a success; one that never succeeded is stale
// after three failures, and one never tried is not stale yet. The sources
// page, its JSON and anything else that flags a source ask this one rule.
func (st FetchState) Stale(every time.Duration, now time.Time) bool {
	if st.LastAttempt.IsZero() || every <= 0 {
		return false
	}
	if st.LastSuccess.IsZero() {
		return st.Failures >= 3
	}
	return now.Sub(st.LastSuccess) > 3*every
}
