package demo_test

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/demo"
)

// TestRuleMentions is a tool for whoever writes tagging rules, not a check:
// given a file of rule entries, one per line as feeds.yaml writes them
// ("a|b|c"), it lists the demo sample items that mention each entry anywhere
// (title, summary or body), with the tags the shipped rules give them, so a
// new rule's false positives can be read before it is committed:
//
//	VEILLE_RULES=entries.txt go test ./demo -run TestRuleMentions -v
func TestRuleMentions(t *testing.T) {
	p := os.Getenv("VEILLE_RULES")
	if p == "" {
		t.Skip("tool: set VEILLE_RULES to a file of rule entries, one per line")
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var entries []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			entries = append(entries, l)
		}
	}
	// One category per entry, the entry as a strong term: any mention
	// anywhere tags it.
	cats := make([]veille.Category, len(entries))
	for i, e := range entries {
		cats[i] = veille.Category{ID: fmt.Sprint(i), Strong: []string{e}}
	}
	probe, err := veille.NewTagger(cats, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := demo.Config("http://127.0.0.1:1")
	if err != nil {
		t.Fatal(err)
	}
	shipped, err := veille.NewTagger(cfg.Domains, cfg.Competences)
	if err != nil {
		t.Fatal(err)
	}
	items, sources := crawlSample(t)
	mentions := make([][]string, len(entries))
	for _, key := range slices.Sorted(maps.Keys(items)) {
		it := items[key]
		probe.Tag(&it, veille.Source{})
		if len(it.Domains) == 0 {
			continue
		}
		tagged := items[key]
		shipped.Tag(&tagged, sources[tagged.Source])
		line := fmt.Sprintf("%.100s  %v %v", it.Title, tagged.Domains, tagged.Competences)
		for _, d := range it.Domains {
			var i int
			fmt.Sscan(d, &i)
			mentions[i] = append(mentions[i], line)
		}
	}
	for i, e := range entries {
		t.Logf("%d of %d sample items mention %s", len(mentions[i]), len(items), e)
		for _, m := range mentions[i] {
			t.Logf("    %s", m)
		}
	}
}
