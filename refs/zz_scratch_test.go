package refs_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/crawler"
	"github.com/nogentech/veille/refs"
)

func TestZZScratch(t *testing.T) {
	dev := map[string]bool{}
	for _, l := range devLabels(t) {
		dev[l.Link] = true
	}
	var files []string
	filepath.Walk("/tmp/refsall", func(p string, i os.FileInfo, err error) error {
		if err == nil && !i.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	seen := map[string]bool{}
	out, _ := os.Create("/tmp/refs-eye.txt")
	defer out.Close()
	n := 0
	for _, f := range files {
		b, _ := os.ReadFile(f)
		var items []veille.Item
		var err error
		if strings.HasSuffix(f, ".json") {
			items, err = crawler.ParseFederalRegister(b, veille.Source{ID: "fr"}, time.Now())
		} else {
			items, err = crawler.ParseFeed(b, "", veille.Source{ID: "x"}, time.Now())
		}
		if err != nil {
			t.Log(f, err)
			continue
		}
		for _, it := range items {
			key := it.Link + it.Title
			if dev[it.Link] || seen[key] || (it.Content == "" && it.Summary == "" && false) {
				continue
			}
			seen[key] = true
			refs.Apply(&it)
			n++
			a, _ := json.Marshal(it.Act)
			fmt.Fprintf(out, "## %s\n   %s\n   act %s\n", it.Link, it.Title, a)
			for _, r := range it.Refs {
				fmt.Fprintf(out, "   R %-9s | %-45s | %s | %s\n", r.Kind, r.ID, r.Text, r.Rel)
			}
			for _, d := range it.Dates {
				fmt.Fprintf(out, "   D %-9s %s | %s\n", d.Kind, d.Date, d.Text)
			}
		}
	}
	t.Log(n, "items")
}
