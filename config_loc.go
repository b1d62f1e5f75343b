package veille

import "time"

// Loc is the config's time zone: Location as ParseConfig sets it, else
// Timezone loaded (a Config built in code), else UTC. Every package asks
// this rather than guarding a nil Location itself.
func (c Config) Loc() *time.Location {
	if c.Location != nil {
		return c.Location
	}
	if c.Timezone != "" {
		if loc, err := time.LoadLocation(c.Timezone); err == nil {
			return loc
		}
	}
	return time.UTC
}
