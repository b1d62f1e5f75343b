package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/refs"
)

// extractRefs measures reference extraction (package refs) alone, on the
// corpus's items as the floor reads them: the share of the crawl's cost that
// is reading acts, articles and dates, which the floor does not do.
func extractRefs(_ context.Context, s spec) (phaseResult, error) {
	res := phaseResult{Phase: s.Phase}
	f, err := os.Open(s.itemsFile())
	if err != nil {
		return res, err
	}
	defer f.Close()
	var items []veille.Item
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var it veille.Item
		if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
			return res, err
		}
		items = append(items, it)
	}
	if err := sc.Err(); err != nil {
		return res, err
	}
	stop := profile(s.Profile, s.Phase)
	sec := begin()
	nRefs, nDates, withRefs := 0, 0, 0
	for i := range items {
		refs.Apply(&items[i])
		nRefs += len(items[i].Refs)
		nDates += len(items[i].Dates)
		if len(items[i].Refs) > 0 {
			withRefs++
		}
	}
	res.WallS, res.CPUS = sec.end()
	stop()
	res.Items = len(items)
	if res.Items != s.N {
		return res, fmt.Errorf("extraction read %d items, want %d", res.Items, s.N)
	}
	res.Notes = map[string]any{"refs": nRefs, "dates": nDates, "items_with_refs": withRefs}
	return res, nil
}
