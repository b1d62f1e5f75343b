package server

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/nogentech/veille"
)

// searchState is a search as URL parameters, from which every link of the
// page (facets, removable filters, pages, feed) is derived.
type searchState struct{ v url.Values }

func newSearchState(raw url.Values, req veille.SearchRequest) searchState {
	v := url.Values{}
	if req.Query != "" {
		v.Set("q", req.Query)
	}
	for _, name := range filterParams {
		for _, val := range filterValues(req, name) {
			v.Add(name, val)
		}
	}
	for _, k := range []string{"since", "until", "sort", "limit", allParam} {
		if s := strings.TrimSpace(raw.Get(k)); s != "" {
			v.Set(k, s)
		}
	}
	return searchState{v}
}

func (st searchState) clone() url.Values {
	out := make(url.Values, len(st.v))
	for k, vs := range st.v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

func pageURL(path string, v url.Values) string {
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

// has says whether the filter name holds term, case-insensitively (the
// index normalises keyword case).
func (st searchState) has(name, term string) bool {
	for _, v := range st.v[name] {
		if strings.EqualFold(v, term) {
			return true
		}
	}
	return false
}

// toggle adds term to the filter name or removes it when present.
func (st searchState) toggle(name, term string) string {
	v := st.clone()
	var kept []string
	found := false
	for _, x := range v[name] {
		if strings.EqualFold(x, term) {
			found = true
			continue
		}
		kept = append(kept, x)
	}
	if !found {
		kept = append(kept, term)
	}
	if len(kept) == 0 {
		delete(v, name)
	} else {
		v[name] = kept
	}
	return pageURL("/", v)
}

// with returns the URL with key set to value (deleted when empty).
func (st searchState) with(path string, kv ...string) string {
	v := st.clone()
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			delete(v, kv[i])
		} else {
			v.Set(kv[i], kv[i+1])
		}
	}
	return pageURL(path, v)
}

// feedURL follows the same search as Atom: the filters, not the paging.
func (st searchState) feedURL() string {
	v := st.clone()
	delete(v, "sort")
	delete(v, "limit")
	delete(v, allParam) // a feed is every item, as the API
	return pageURL("/feed.atom", v)
}

// pagination links the pages around the current one, the first and the
// last, within the offset the API accepts.
func pagination(st searchState, offset, limit, total int) (pages []pageLink, prev, next string) {
	if limit <= 0 || total <= limit {
		return nil, "", ""
	}
	last := (min(total, MaxOffset+limit) + limit - 1) / limit
	cur := offset/limit + 1
	link := func(n int) string {
		off := ""
		if n > 1 {
			off = strconv.Itoa((n - 1) * limit)
		}
		return st.with("/", "offset", off)
	}
	if cur > 1 {
		prev = link(cur - 1)
	}
	if cur < last {
		next = link(cur + 1)
	}
	gap := false
	for n := 1; n <= last; n++ {
		if n == 1 || n == last || (n >= cur-2 && n <= cur+2) {
			pl := pageLink{Number: n, Current: n == cur}
			if !pl.Current {
				pl.URL = link(n)
			}
			pages = append(pages, pl)
			gap = false
		} else if !gap {
			pages = append(pages, pageLink{})
			gap = true
		}
	}
	return pages, prev, next
}
