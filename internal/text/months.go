package text

import "time"

var monthsFR = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet",
	"août", "septembre", "octobre", "novembre", "décembre"}

// MonthFR is the French name of m, in lower case as French writes it.
func MonthFR(m time.Month) string { return monthsFR[m-1] }
