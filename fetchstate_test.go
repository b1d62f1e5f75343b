package veille

import (
	"testing"
	"time"
)

func TestSourceStateAndStaleness(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	h := time.Hour
	tests := map[string]struct {
		st    FetchState
		every time.Duration
		stale bool
	}{
		"never tried":                      {FetchState{}, h, false},
		"fine":                             {FetchState{LastAttempt: now, LastSuccess: now}, h, false},
		"failing for two intervals":        {FetchState{LastAttempt: now, LastSuccess: now.Add(-2 * h), Failures: 2}, h, false},
		"failing for more than three":      {FetchState{LastAttempt: now, LastSuccess: now.Add(-3*h - time.Minute), Failures: 3}, h, true},
		"never succeeded, three failures":  {FetchState{LastAttempt: now, Failures: 3}, h, true},
		"never succeeded, two failures":    {FetchState{LastAttempt: now, Failures: 2}, h, false},
		"slow source, one day interval ok": {FetchState{LastAttempt: now, LastSuccess: now.Add(-50 * h)}, 24 * h, false},
	}
	for name, tc := range tests {
		if got := tc.st.Stale(tc.every, now); got != tc.stale {
			t.Errorf("%s: stale = %v", name, got)
		}
	}
}
