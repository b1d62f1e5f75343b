package members

import (
	"testing"

	"github.com/nogentech/veille"
)

func TestDirectoryLookup(t *testing.T) {
	d := NewDirectory(veille.Config{
		Staff: []string{"Equipe@Cluster.example"},
		Members: []veille.Member{
			{ID: "a", Email: "veille@forge-a.example", MailDomains: []string{"forge-a.example"}, Users: []string{"patron@webmail.example"}},
			{ID: "b", Email: "qualite@surf-b.example"},
		},
	})
	for addr, want := range map[string]Identity{
		"equipe@cluster.example":        {Email: "equipe@cluster.example", Staff: true},
		"EQUIPE@cluster.example":        {Email: "equipe@cluster.example", Staff: true},
		"anyone@forge-a.example":        {Email: "anyone@forge-a.example", Member: "a"},
		"Jo <jo@FORGE-A.example>":       {Email: "jo@forge-a.example", Member: "a"},
		"patron@webmail.example":        {Email: "patron@webmail.example", Member: "a"},
		"qualite@surf-b.example":        {Email: "qualite@surf-b.example", Member: "b"},
		"other@surf-b.example":          {},
		"other@webmail.example":         {},
		"x@sub.forge-a.example":         {},
		"forge-a.example":               {},
		"":                              {},
		"a@forge-a.example\r\nBcc: x@y": {},
	} {
		got, ok := d.Lookup(addr)
		if got != want || ok != (want.Email != "") {
			t.Errorf("Lookup(%q) = %+v, %v; want %+v", addr, got, ok, want)
		}
	}
}
