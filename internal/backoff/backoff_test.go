package backoff

import (
	"testing"
	"time"
)

func TestDoubling(t *testing.T) {
	m := time.Minute
	for failures, want := range map[int]time.Duration{0: 5 * m, 1: 5 * m, 2: 10 * m, 3: 20 * m, 4: 40 * m, 5: time.Hour, 40: time.Hour} {
		if got := Doubling(5*m, time.Hour, failures); got != want {
			t.Errorf("Doubling(5m, 1h, %d) = %v, want %v", failures, got, want)
		}
	}
}
