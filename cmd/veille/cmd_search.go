package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/internal/datadir"
	"github.com/nogentech/veille/server"
)

func runSearch(ctx context.Context, g *globals, args []string) error {
	fs := newFlagSet(g, "search")
	var domains, competences, sources, langs, jurisdictions, refsF multiFlag
	asJSON := fs.Bool("json", false, "print the search JSON")
	fs.Var(&domains, "domain", "only items of this domain (repeatable: OR)")
	fs.Var(&competences, "competence", "only items of this competence (repeatable: OR)")
	fs.Var(&sources, "source", "only items of this source (repeatable: OR)")
	fs.Var(&langs, "lang", "only items in this language: fr, en (repeatable: OR)")
	fs.Var(&jurisdictions, "jurisdiction", "only items of this jurisdiction: FR, EU, US, UK (repeatable: OR)")
	fs.Var(&refsF, "ref", "only items citing (or being) this act: KIND:ID, e.g. 'eu-act:Regulation (EU) 2017/745' (repeatable: OR)")
	since := fs.String("since", "", "only items published on or after this day (YYYY-MM-DD)")
	until := fs.String("until", "", "only items published on or before this day (YYYY-MM-DD)")
	limit := fs.Int("limit", 20, "number of results")
	offset := fs.Int("offset", 0, "skip this many results")
	sortBy := fs.String("sort", "", "relevance or date (default: relevance, date for an empty query)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return usageError{fmt.Sprintf("one query expected, got %d arguments (quote the query: veille search \"chrome hexavalent\")", fs.NArg())}
	}
	q := strings.TrimSpace(fs.Arg(0))
	if q == "*" {
		q = ""
	}
	cfg, err := loadConfig(g.config)
	if err != nil {
		return err
	}
	// The flags fill the request directly; the server's rules check it,
	// as they check the API's parameters.
	req := veille.SearchRequest{Query: q, Domains: server.SplitValues(domains), Competences: server.SplitValues(competences),
		Sources: server.SplitValues(sources), Langs: server.SplitValues(langs), Jurisdictions: server.SplitValues(jurisdictions),
		Refs: server.RefValues(refsF), Limit: *limit, Offset: *offset, Sort: *sortBy}
	if req.Since, req.Until, err = server.SearchDays(*since, *until, cfg.Location); err != nil {
		return usageError{err.Error()}
	}
	if err := server.CheckSearch(req, 0); err != nil {
		return usageError{err.Error()}
	}
	if err := errNoData(g.data); err != nil {
		return err
	}
	res, err := searchLocal(ctx, g, cfg, req)
	var held *datadir.HeldError
	if errors.As(err, &held) && held.Holder.Addr != "" {
		// A running `veille serve` owns the data: ask it, over the data
		// dir's socket (no page cap, no rate limit), else over HTTP.
		var local veille.SearchResult
		v := server.SearchValues(req, cfg.Location)
		if lerr := askHolder(ctx, g.data, localSearch, v, err, &local); lerr == nil {
			res, err = &local, nil
		} else if _, ok := lerr.(usageError); ok {
			return lerr
		} else {
			res, err = searchRemote(ctx, held.Holder.Addr, v, *limit)
		}
	}
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(g.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	printHits(g.stdout, res, *offset, cfg.Location)
	return nil
}

// errNoData says the data dir holds nothing yet, and how to fill it,
// instead of creating it to answer "no items match".
func errNoData(dir string) error {
	if _, err := os.Stat(storePath(dir)); err == nil {
		return nil
	}
	what := "does not exist yet"
	if _, err := os.Stat(dir); err == nil {
		what = "is empty"
	}
	return fmt.Errorf("data dir %q %s: nothing has been crawled into it. Fill it with `veille crawl` (once) or `veille serve` (on schedule), or point to another with --data DIR (env VEILLE_DATA)", dir, what)
}

func searchLocal(ctx context.Context, g *globals, cfg veille.Config, req veille.SearchRequest) (*veille.SearchResult, error) {
	a, err := openApp(ctx, g, cfg, "search")
	if err != nil {
		return nil, err
	}
	defer a.Close()
	res, err := a.index.Search(ctx, req)
	if err != nil {
		return nil, usageOrErr(err)
	}
	return res, nil
}

// searchRemote pages through the running server's API, whose pages are capped.
func searchRemote(ctx context.Context, addr string, v url.Values, limit int) (*veille.SearchResult, error) {
	var all *veille.SearchResult
	offset, _ := strconv.Atoi(v.Get("offset"))
	for limit > 0 {
		n := min(limit, server.MaxLimit)
		v.Set("limit", strconv.Itoa(n))
		v.Set("offset", strconv.Itoa(offset))
		res, err := getSearch(ctx, "http://"+addr+"/api/search?"+v.Encode())
		if err != nil {
			return nil, fmt.Errorf("ask the running server at %s: %w", addr, err)
		}
		if all == nil {
			all = res
		} else {
			all.Hits = append(all.Hits, res.Hits...)
		}
		if len(res.Hits) < n {
			break
		}
		limit -= n
		offset += n
	}
	return all, nil
}

func getSearch(ctx context.Context, u string) (*veille.SearchResult, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		var e struct{ Error string }
		if json.Unmarshal(body, &e) == nil && e.Error != "" {
			return nil, usageError{e.Error}
		}
		return nil, fmt.Errorf("HTTP %s", resp.Status)
	}
	var res veille.SearchResult
	if err := json.Unmarshal(body, &res); err != nil {
		return nil, fmt.Errorf("decode answer: %w", err)
	}
	return &res, nil
}

var markTag = regexp.MustCompile(`</?mark>`)

func printHits(w io.Writer, res *veille.SearchResult, offset int, loc *time.Location) {
	if res.Total == 0 {
		fmt.Fprintf(w, "no items match %q\n", res.Query)
		return
	}
	fmt.Fprintf(w, "%d items match (%d ms); showing %d–%d\n\n", res.Total, res.TookMS, offset+1, offset+len(res.Hits))
	for i, h := range res.Hits {
		fmt.Fprintf(w, "%d. %s\n", offset+i+1, h.Title)
		tags := append(append([]string(nil), h.Domains...), h.Competences...)
		fmt.Fprintf(w, "   %s · %s · %s", h.Published.In(loc).Format("2006-01-02"), strings.Join(h.Sources, ", "), h.Lang)
		if len(tags) > 0 {
			fmt.Fprintf(w, " · %s", strings.Join(tags, ", "))
		}
		fmt.Fprintln(w)
		if why := formatWhy(h); why != "" {
			fmt.Fprintf(w, "   why: %s\n", why)
		}
		if h.Snippet != "" {
			// «» stand in for the <mark> highlights on a terminal.
			s := markTag.ReplaceAllStringFunc(h.Snippet, func(m string) string {
				if m == "<mark>" {
					return "«"
				}
				return "»"
			})
			fmt.Fprintf(w, "   %s\n", html.UnescapeString(s))
		}
		fmt.Fprintf(w, "   %s\n\n", h.Link)
	}
}

func formatWhy(h veille.Hit) string {
	var parts []string
	for _, tag := range append(append([]string(nil), h.Domains...), h.Competences...) {
		if terms := h.Why[tag]; len(terms) > 0 {
			parts = append(parts, tag+": "+strings.Join(terms, ", "))
		}
	}
	return strings.Join(parts, "; ")
}
