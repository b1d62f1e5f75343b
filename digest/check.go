package digest

import (
	"fmt"
	"strings"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/index"
)

// ConfigChecks are the config rules of a process that sends digests and
// alerts (veille serve, veille check), for veille.ParseConfig and
// veille.LoadConfig, which place each problem at its line: the mail
// server and recipients sending needs, and the alerts' queries, which
// only the index's query language can read.
var ConfigChecks = []veille.Check{veille.CheckDelivery, CheckAlertQueries}

// CheckAlertQueries parses each alert's query as the alert will run it.
func CheckAlertQueries(cfg veille.Config) []veille.Problem {
	var ps []veille.Problem
	voc := index.NewVocabulary(cfg)
	for i, a := range cfg.Alerts {
		q := strings.TrimSpace(a.Query)
		if q == "" {
			continue
		}
		if _, err := voc.ParseQuery(q); err != nil {
			// The parser's message names the query and what is wrong.
			ps = append(ps, veille.Problem{Path: fmt.Sprintf("alerts[%d].query", i), Msg: err.Error()})
		}
	}
	return ps
}
