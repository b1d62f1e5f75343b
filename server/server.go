// Package server serves the watch over HTTP: the HTML pages people read,
// the JSON API scripts use, Atom feeds and the OPML list of sources,
// health, metrics and the admin crawl trigger. It reads the index and the
// store through their query functions and never writes to them, except
// for the commission's edition, which staff edit here (editions_*.go).
package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/microcosm-cc/bluemonday"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/digest"
	"github.com/nogentech/veille/index"
	"github.com/nogentech/veille/members"
	"github.com/nogentech/veille/store"
)

// Options wires the server to its data.
type Options struct {
	Config veille.Config
	Index  *index.Index
	Store  *store.Store
	Logger *slog.Logger
	Now    func() time.Time
	// SearchTimeout bounds the work of one search in the index.
	SearchTimeout time.Duration

	// Crawl runs a crawl for POST /api/crawl; nil answers 503 there. The
	// server records the reports it gets in Metrics itself.
	Crawl CrawlFunc
	// AdminToken is the bearer token of the admin routes. When empty it is
	// read, once, from the environment variable named by
	// Config.Server.AdminTokenEnv; when still empty the routes answer 403.
	AdminToken string
	// Getenv reads the environment (os.Getenv by default; tests inject).
	Getenv func(string) string
	// BaseContext is the context of background work (admin crawls): cancel
	// it at shutdown, then call Wait.
	BaseContext context.Context
	// CrawlWait is how long an admin crawl request waits for the crawl to
	// end before answering 202 Accepted (default 20s, under the server's
	// write timeout).
	CrawlWait time.Duration
	// Metrics receives the server's series; New makes one when nil. Pass
	// the scheduler's so that crawls and requests are in one registry.
	Metrics *Metrics
	// Limits bound searches per client and in flight, and request bodies
	// (server/limits.go); the zero value caps only request bodies.
	Limits Limits
	// Notices returns lines /healthz shows under "ok": what the process
	// had to repair at start-up (a damaged index rebuilt from the store).
	Notices func() []string
	// Local answers the CLI's read-only commands (server/admin.go); nil
	// answers 503 there.
	Local LocalFunc
	// Notifier sends the commission's edition when staff approve it
	// (server/editions_api.go): pass the scheduler's, so that one notifier
	// serialises every send. Nil: approving answers 503.
	Notifier *digest.Notifier
	// Mailer sends the sign-in links of the members' space; nil builds
	// the SMTP mailer of Config.SMTP (digest.NewMailer).
	Mailer digest.Mailer
}

// Server holds the handlers.
type Server struct {
	o             Options
	loc           *time.Location
	mux           *http.ServeMux
	sources       map[string]veille.Source
	pages         map[string]*template.Template
	assets        *assetSet
	metrics       *Metrics
	adminToken    string
	itemPolicy    *bluemonday.Policy
	snippetPolicy *bluemonday.Policy
	auth          *members.Auth
	table         []route
	results       resultCache
	actsCache     actsCaches
	// trusted are the reverse proxies whose X-Forwarded-For names the
	// client (server.trusted_proxies).
	trusted []netip.Prefix
	crawlMu sync.Mutex
	bg      sync.WaitGroup
}

// MaxLimit caps the page size of HTTP searches; the CLI has no cap.
const MaxLimit = 100

// New builds the handlers; it fails only if the embedded templates or
// assets are broken.
func New(o Options) (*Server, error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.SearchTimeout <= 0 {
		o.SearchTimeout = 10 * time.Second
	}
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.BaseContext == nil {
		o.BaseContext = context.Background()
	}
	if o.CrawlWait <= 0 {
		o.CrawlWait = 20 * time.Second
	}
	if o.Metrics == nil {
		o.Metrics = NewMetrics(MetricsOptions{Index: o.Index})
	}
	// server.rate_limit, when written, is the per-client rate whatever the
	// caller's defaults (validated with the config).
	if rl := o.Config.Server.RateLimit; rl != nil && rl.PerSecond > 0 && rl.Burst > 0 {
		o.Limits.Rate, o.Limits.Burst = rl.PerSecond, rl.Burst
	}
	s := &Server{o: o, loc: o.Config.Loc(), mux: http.NewServeMux(), sources: map[string]veille.Source{},
		metrics: o.Metrics, adminToken: strings.TrimSpace(o.AdminToken),
		itemPolicy: itemPolicy(), snippetPolicy: snippetPolicy()}
	if s.adminToken == "" && o.Config.Server.AdminTokenEnv != "" {
		s.adminToken = strings.TrimSpace(o.Getenv(o.Config.Server.AdminTokenEnv))
	}
	for _, src := range o.Config.Sources {
		s.sources[src.ID] = src
	}
	s.trusted = s.trustedProxies()
	var err error
	if s.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	if s.pages, err = parseTemplates(s.assets); err != nil {
		return nil, err
	}
	// Without a store (benchmarks of search alone) there is no members'
	// space: everyone is anonymous.
	if o.Store != nil {
		if s.auth, err = members.New(o.BaseContext, members.Options{Config: o.Config, Store: o.Store, Mailer: o.Mailer,
			Getenv: o.Getenv, Now: o.Now, Logger: o.Logger, BaseContext: o.BaseContext}); err != nil {
			return nil, err
		}
	}
	if o.Index != nil {
		o.Index.Serving()
	}
	s.routes()
	return s, nil
}

func (s *Server) routes() {
	// Pages.
	s.handle("GET /{$}", reader, s.handleSearchPage)
	s.handle("GET /items/{id}", reader, s.handleItemPage)
	s.handle("GET /sources", reader, s.handleSourcesPage)
	s.handle("GET /static/{name}", anyone, s.assets.ServeHTTP)
	s.handle("GET /robots.txt", anyone, handleRobots)
	// Feeds.
	s.handle("GET /feed.atom", reader, s.handleFeed)
	s.handle("GET /sources.opml", reader, s.handleOPML)
	// Operations.
	s.handle("GET /healthz", anyone, s.handleHealth)
	s.handle("GET /metrics", anyone, s.metrics.Handler().ServeHTTP)
	// JSON API.
	s.handle("GET /api/search", reader, s.handleSearch)
	s.handle("GET /api/items/{id}", reader, s.handleItem)
	s.handle("GET /api/sources", reader, s.handleSources)
	s.handle("POST /api/crawl", admin, s.handleCrawlAll)
	s.handle("POST /api/crawl/{source}", admin, s.handleCrawlSource)
	s.localRoutes()   // /api/admin/local/… (server/admin.go)
	s.digestRoutes()  // /digests…, /api/deliveries (server/digests.go)
	s.editionRoutes() // /editions…, /api/editions… (server/editions_api.go)
	s.actRoutes()     // /acts…, /calendar… (server/acts.go, calendar.go)
	s.memberRoutes()  // sign-in, register, saved searches (server/members.go)
	// Everything else: 404, or 405 when the path exists for another method.
	s.mux.HandleFunc("/", s.handleFallback)
}

// Handler returns the root handler with its middleware.
func (s *Server) Handler() http.Handler {
	h := withRoute(s.mux)
	if s.auth != nil {
		h = s.auth.Sessions(h)
	}
	return securityHeaders(s.recoverPanics(s.observe(s.limit(gzipResponses(h)))))
}

// Wait blocks until background work (admin crawls) is over; call it after
// cancelling BaseContext and before closing the index and the store.
func (s *Server) Wait() {
	s.bg.Wait()
	if s.auth != nil {
		s.auth.Wait()
	}
}

func handleRobots(w http.ResponseWriter, r *http.Request) {
	// An intranet watch has nothing for search engines.
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("User-agent: *\nDisallow: /\n"))
}

// htmlRoute reports whether a path is one people read in a browser, whose
// errors are the site's pages; the operational and feed routes answer
// their tools in plain text.
func htmlRoute(path string) bool {
	switch {
	case path == "/healthz", path == "/metrics", path == "/robots.txt", path == "/sources.opml",
		strings.HasPrefix(path, "/static/"), strings.HasSuffix(path, ".atom"):
		return false
	}
	return true
}

// handleFallback answers what no route claims: 405 with the allowed
// methods when the path exists for another method, else 404; in JSON under
// /api/, as a page elsewhere.
func (s *Server) handleFallback(w http.ResponseWriter, r *http.Request) {
	api := strings.HasPrefix(r.URL.Path, "/api/")
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "" && pattern != "/" {
			allow = append(allow, m)
			if m == http.MethodGet {
				allow = append(allow, http.MethodHead)
			}
		}
	}
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		msg := fmt.Sprintf("%s is not allowed on %s (allowed: %s)", r.Method, r.URL.Path, strings.Join(allow, ", "))
		switch {
		case api:
			writeError(w, http.StatusMethodNotAllowed, msg)
		case !htmlRoute(r.URL.Path):
			http.Error(w, msg, http.StatusMethodNotAllowed)
		default:
			l := s.locale(w, r)
			s.renderError(w, r, l, http.StatusMethodNotAllowed, l.T("error.method", r.Method, r.URL.Path, strings.Join(allow, ", ")))
		}
		return
	}
	switch {
	case api:
		writeError(w, http.StatusNotFound, "no such API route: "+r.Method+" "+r.URL.Path)
	case r.Method == http.MethodGet || r.Method == http.MethodHead:
		s.handleNotFound(w, r)
	default:
		s.handleNotFound(w, r)
	}
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if _, err := s.o.Index.Count(); err != nil {
		http.Error(w, "index unavailable: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
	if s.o.Notices != nil {
		for _, n := range s.o.Notices() {
			fmt.Fprintln(w, n)
		}
	}
}

func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	req, err := ParseSearch(r.URL.Query(), s.loc, MaxLimit)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	res, err := s.search(r.Context(), "api", req)
	if err != nil {
		if status, msg := s.searchErrorStatus(err); status != 0 {
			writeError(w, status, msg)
		}
		return
	}
	// Arrays and objects, never null, for scripts that iterate.
	if res.Hits == nil {
		res.Hits = []veille.Hit{}
	}
	if res.Facets == nil {
		res.Facets = map[string][]veille.FacetCount{}
	}
	writeJSON(w, http.StatusOK, res)
}

func (s *Server) handleItem(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	it, err := s.o.Store.Item(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, http.StatusNotFound, "no item with id "+id)
		return
	}
	if err != nil {
		s.o.Logger.Error("read item", "id", id, "err", err)
		writeError(w, http.StatusInternalServerError, "could not read the item")
		return
	}
	// The stored references: the crawl extracts them and `veille reindex`
	// (which a new mapping version requires) writes them back to the store.
	writeJSON(w, http.StatusOK, itemJSON{Item: it, Refs: it.Refs, Dates: it.Dates})
}

// itemJSON is an item as the API shows it: refs and dates always present,
// empty lists when it cites nothing (the stored record leaves them out).
type itemJSON struct {
	veille.Item
	Refs  []veille.Ref     `json:"refs"`
	Dates []veille.KeyDate `json:"dates"`
}

func (j itemJSON) MarshalJSON() ([]byte, error) {
	if j.Refs == nil {
		j.Refs = []veille.Ref{}
	}
	if j.Dates == nil {
		j.Dates = []veille.KeyDate{}
	}
	type plain itemJSON // without this method
	return json.Marshal(plain(j))
}

// SourceStatus is one line of /api/sources.
type SourceStatus struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	Kind        string     `json:"kind"`
	URL         string     `json:"url"`
	Every       string     `json:"every"`
	Disabled    bool       `json:"disabled,omitempty"`
	LastAttempt *time.Time `json:"last_attempt"`
	LastSuccess *time.Time `json:"last_success"`
	NextAttempt *time.Time `json:"next_attempt"`
	Status      int        `json:"http_status"`
	Error       string     `json:"error"`
	Failures    int        `json:"consecutive_failures"`
	Items       int        `json:"item_count"`
	// Stale is true when the source has not succeeded for 3 of its intervals.
	Stale bool `json:"stale"`
}

// Sources gathers the config and the stored state of every source.
func (s *Server) Sources(ctx context.Context) ([]SourceStatus, error) {
	states, err := s.o.Store.FetchStates(ctx)
	if err != nil {
		return nil, err
	}
	counts, err := s.o.Store.CountBySource(ctx)
	if err != nil {
		return nil, err
	}
	now := s.o.Now()
	out := make([]SourceStatus, 0, len(s.o.Config.Sources))
	for _, src := range s.o.Config.Sources {
		st := states[src.ID]
		ss := SourceStatus{ID: src.ID, Name: src.Name, Kind: src.Kind, URL: src.URL, Every: src.Every.D().String(),
			Disabled: src.Disabled, LastAttempt: timePtr(st.LastAttempt), LastSuccess: timePtr(st.LastSuccess),
			NextAttempt: timePtr(st.NextAttempt), Status: st.Status, Error: st.Error, Failures: st.Failures,
			Items: counts[src.ID]}
		ss.Stale = st.Stale(src.Every.D(), now)
		out = append(out, ss)
	}
	return out, nil
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func (s *Server) handleSources(w http.ResponseWriter, r *http.Request) {
	out, err := s.Sources(r.Context())
	if err != nil {
		s.o.Logger.Error("read sources", "err", err)
		writeError(w, http.StatusInternalServerError, "could not read the sources' state")
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}
