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

func TestZZMiss(t *testing.T) {
	files, _ := filepath.Glob("/tmp/refsall/jorf-legifrss/*/*.xml")
	seen := map[string]bool{}
	out, _ := os.Create("/tmp/refs-miss.txt")
	defer out.Close()
	art := regexp.MustCompile(`\b([LRD])\. ?\*? ?(\d+(?:-\d+)+)`)
	eu := regexp.MustCompile(`(?i)(règlement|directive|décision)[^.;]{0,40}?\d{2,4}/\d{1,4}`)
	for _, f := range files {
		b, _ := os.ReadFile(f)
		items, _ := crawler.ParseFeed(b, "", veille.Source{ID: "x"}, time.Now())
		for _, it := range items {
			if seen[it.Link] || it.Content == "" {
				continue
			}
			seen[it.Link] = true
			refs.Apply(&it)
			ids := map[string]bool{}
			for _, r := range it.Refs {
				ids[r.ID[strings.LastIndex(r.ID, " ")+1:]] = true
				ids[r.Text] = true
			}
			text := it.Title + "\n" + it.Content
			for _, m := range art.FindAllStringSubmatchIndex(text, -1) {
				if !ids[text[m[4]:m[5]]] {
					fmt.Fprintf(out, "ART %s | %s\n", it.Link[len(it.Link)-8:], strings.ReplaceAll(text[max(0, m[0]-100):min(len(text), m[1]+60)], "\n", " / "))
				}
			}
			for _, m := range eu.FindAllStringIndex(text, -1) {
				found := false
				for _, r := range it.Refs {
					if r.Kind == "eu-act" && strings.Contains(text[m[0]:m[1]], r.ID[strings.LastIndex(r.ID, " ")+1:][:4]) {
						found = true
					}
				}
				if !found {
					fmt.Fprintf(out, "EU %s | %s\n", it.Link[len(it.Link)-8:], strings.ReplaceAll(text[max(0, m[0]-20):min(len(text), m[1]+40)], "\n", " / "))
				}
			}
		}
	}
}
