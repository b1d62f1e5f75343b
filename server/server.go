// Package server serves the watch over HTTP: the JSON API, health and,
// later, the HTML pages. It reads the index and the store through their
// query functions and never writes to them.
package server

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/index"
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
}

// Server holds the handlers.
type Server struct {
	o   Options
	mux *http.ServeMux
}

// MaxLimit caps the page size of HTTP searches; the CLI has no cap.
const MaxLimit = 100

// New builds the handlers.
func New(o Options) *Server {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.SearchTimeout <= 0 {
		o.SearchTimeout = 10 * time.Second
	}
	s := &Server{o: o, mux: http.NewServeMux()}
	s.routes()
	return s
}

func (s *Server) routes() {
	s.mux.HandleFunc("GET /healthz", s.handleHealth)
	s.mux.HandleFunc("GET /api/search", s.handleSearch)
	s.mux.HandleFunc("GET /api/items/{id}", s.handleItem)
	s.mux.HandleFunc("GET /api/sources", s.handleSources)
	s.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such API route: "+r.Method+" "+r.URL.Path)
	})
}

// Handler returns the root handler with its middleware.
func (s *Server) Handler() http.Handler {
	return s.accessLog(s.mux)
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	if _, err := s.o.Index.Count(); err != nil {
		http.Error(w, "index unavailable: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	req, err := ParseSearch(r.URL.Query(), s.o.Config.Location, MaxLimit)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.o.SearchTimeout)
	defer cancel()
	res, err := s.o.Index.Search(ctx, req)
	if err != nil {
		s.searchError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (s *Server) searchError(w http.ResponseWriter, err error) {
	var qe *index.QueryError
	switch {
	case errors.As(err, &qe):
		writeError(w, http.StatusBadRequest, qe.Error())
	case errors.Is(err, context.DeadlineExceeded):
		writeError(w, http.StatusServiceUnavailable, "search took too long; narrow the query or the filters")
	case errors.Is(err, context.Canceled):
		// The client went away; nobody reads the answer.
	default:
		s.o.Logger.Error("search failed", "err", err)
		writeError(w, http.StatusInternalServerError, "search failed")
	}
}

func (s *Server) handleItem(w http.ResponseWriter, r *http.Request) {
	it, err := s.o.Store.Item(r.Context(), r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, http.StatusNotFound, "no item with id "+r.PathValue("id"))
		return
	}
	if err != nil {
		s.o.Logger.Error("read item", "id", r.PathValue("id"), "err", err)
		writeError(w, http.StatusInternalServerError, "could not read the item")
		return
	}
	writeJSON(w, http.StatusOK, it)
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
		ss.Stale = IsStale(st, src.Every.D(), now)
		out = append(out, ss)
	}
	return out, nil
}

// IsStale reports whether a source has gone three of its intervals without
// a success (a source never tried is not stale yet).
func IsStale(st veille.FetchState, every time.Duration, now time.Time) bool {
	if st.LastAttempt.IsZero() || every <= 0 {
		return false
	}
	since := st.LastSuccess
	if since.IsZero() {
		return st.Failures >= 3
	}
	return now.Sub(since) > 3*every
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
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// statusWriter remembers the status for the access log.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) { w.status = code; w.ResponseWriter.WriteHeader(code) }
func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (s *Server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		s.o.Logger.Info("http", "method", r.Method, "path", r.URL.Path, "status", sw.status,
			"bytes", sw.bytes, "dur_ms", time.Since(start).Milliseconds(), "remote", r.RemoteAddr)
	})
}
