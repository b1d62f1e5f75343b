package watch

import "time"

// Idle reports whether the scheduler waits with no run in flight, every
// finished run re-armed and its timer not yet fired at now, and the
// earliest planned wake (zero when none): a fake clock may be advanced
// then. Both are read at once, so a wake being handled is never missed.
func (s *Scheduler) Idle(now time.Time) (next time.Time, idle bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, at := range s.due {
		if next.IsZero() || at.Before(next) {
			next = at
		}
	}
	return next, s.parked && s.busy == 0 && (s.wakeAt.IsZero() || now.Before(s.wakeAt))
}
