package veille

import "time"

// DisplayDate is the date an item is shown, sorted and filtered by: when
// it was published, else when the watch first saw it (else updated), in
// UTC, so that undated items still have a place in a list by date.
func (it *Item) DisplayDate() time.Time {
	for _, t := range []time.Time{it.Published, it.FirstSeen, it.Updated} {
		if !t.IsZero() {
			return t.UTC()
		}
	}
	return time.Time{}
}

// ParseDay reads a day written YYYY-MM-DD as its midnight in loc (UTC when
// nil). The one reader of a date a person types, on the command line or in
// a search URL; callers say in their own words what was wrong.
func ParseDay(s string, loc *time.Location) (time.Time, bool) {
	if loc == nil {
		loc = time.UTC
	}
	t, err := time.ParseInLocation(time.DateOnly, s, loc)
	return t, err == nil
}
