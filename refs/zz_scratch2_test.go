package refs_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/crawler"
	"github.com/nogentech/veille/refs"
)

// dumps, for JORF items not in refs-dev, each date found with its sentence,
// and sentences with date words where no date was found
func TestZZDates(t *testing.T) {
	dev := map[string]bool{}
	for _, l := range devLabels(t) {
		dev[l.Link] = true
	}
	files, _ := filepath.Glob("/tmp/refsall/jorf-legifrss/*/*.xml")
	seen := map[string]bool{}
	out, _ := os.Create("/tmp/refs-dates.txt")
	defer out.Close()
	trig := regexp.MustCompile(`(?i)(en vigueur|applicable|à compter du|au plus tard|jusqu'au|avant le|date limite)[^.\n]{0,40}\b(1er|\d{1,2}) (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre) \d{4}`)
	for _, f := range files {
		b, _ := os.ReadFile(f)
		items, _ := crawler.ParseFeed(b, "", veille.Source{ID: "x"}, time.Now())
		for _, it := range items {
			if dev[it.Link] || seen[it.Link] || it.Content == "" {
				continue
			}
			seen[it.Link] = true
			refs.Apply(&it)
			fmt.Fprintf(out, "## %s %s\n", it.Link, it.Title[:min(80, len(it.Title))])
			for _, d := range it.Dates {
				i := strings.Index(it.Content, d.Text)
				ctx := d.Text
				if i >= 0 {
					ctx = it.Content[max(0, i-120):i] + "[[" + d.Text + "]]"
				}
				fmt.Fprintf(out, "  D %s %s | %s\n", d.Kind, d.Date, strings.ReplaceAll(ctx, "\n", " / "))
			}
			for _, m := range trig.FindAllString(it.Content, -1) {
				fmt.Fprintf(out, "  T %s\n", m)
			}
		}
	}
}
