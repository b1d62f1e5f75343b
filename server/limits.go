package server

import (
	"fmt"
	"math"
	"net"
	"net/http"
	"net/netip"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/nogentech/veille"
)

// Limits bound what one client, and all clients together, may ask of the
// server, so that a flood is answered 429 or 503 at once instead of
// queueing until the index collapses. The zero value limits only request
// bodies; `veille serve` uses DefaultLimits.
type Limits struct {
	// Rate is the searches per second one client (one IP address) may
	// sustain, Burst how many it may make at once (default 2×Rate, at
	// least 1). Zero or negative: no per-client limit.
	Rate  float64
	Burst int
	// MaxInFlight bounds the searches running at once, all clients
	// together (zero: no bound); QueueWait is how long a search waits for
	// a slot before it is answered 503 (default 2s).
	MaxInFlight int
	QueueWait   time.Duration
	// MaxBody caps request bodies (default 1 MiB); no route needs more.
	MaxBody int64
}

// DefaultLimits are the limits of `veille serve`: 5 searches a second per
// client with bursts of 20 (a person paging and filtering never meets
// them), 4 searches in flight per CPU, 2 s of queueing at most.
func DefaultLimits() Limits {
	return Limits{Rate: 5, Burst: 20, MaxInFlight: 4 * runtime.GOMAXPROCS(0), QueueWait: 2 * time.Second, MaxBody: 1 << 20}
}

func (l Limits) withDefaults() Limits {
	if l.Rate > 0 && l.Burst <= 0 {
		l.Burst = max(1, int(2*l.Rate))
	}
	if l.QueueWait <= 0 {
		l.QueueWait = 2 * time.Second
	}
	if l.MaxBody <= 0 {
		l.MaxBody = 1 << 20
	}
	return l
}

// searchRoute reports whether a request runs a search in the index: the
// routes a client can make expensive by asking often.
func searchRoute(r *http.Request) bool {
	switch r.URL.Path {
	case "/", "/api/search", "/feed.atom":
		return true
	}
	return false
}

// limiter holds the per-client buckets and the in-flight slots.
type limiter struct {
	l     Limits
	slots chan struct{}

	mu      sync.Mutex
	clients map[string]*client
	sweep   time.Time
}

type client struct {
	lim  *rate.Limiter
	seen time.Time
}

// maxClients bounds the table of buckets; idle clients leave it first.
const maxClients = 10000

func newLimiter(l Limits) *limiter {
	l = l.withDefaults()
	lm := &limiter{l: l, clients: map[string]*client{}, sweep: time.Now()}
	if l.MaxInFlight > 0 {
		lm.slots = make(chan struct{}, l.MaxInFlight)
	}
	return lm
}

// allow takes a token from key's bucket.
func (lm *limiter) allow(key string, now time.Time) bool {
	if lm.l.Rate <= 0 {
		return true
	}
	lm.mu.Lock()
	defer lm.mu.Unlock()
	if len(lm.clients) >= maxClients || now.Sub(lm.sweep) > time.Minute {
		// a bucket idle long enough to have refilled is a fresh one
		idle := time.Duration(float64(lm.l.Burst)/lm.l.Rate*float64(time.Second)) + time.Minute
		for k, c := range lm.clients {
			if now.Sub(c.seen) > idle {
				delete(lm.clients, k)
			}
		}
		if len(lm.clients) >= maxClients {
			lm.clients = map[string]*client{} // a flood of addresses: start over
		}
		lm.sweep = now
	}
	c := lm.clients[key]
	if c == nil {
		c = &client{lim: rate.NewLimiter(rate.Limit(lm.l.Rate), lm.l.Burst)}
		lm.clients[key] = c
	}
	c.seen = now
	return c.lim.AllowN(now, 1)
}

// clientKey is the client's IP address: the TCP peer, or, when the peer is
// one of the trusted proxies (server.trusted_proxies), the address its
// X-Forwarded-For names. The header is read from the right, where the
// trusted proxies appended; the first address that is not one of them is
// the client. From any other peer the header is ignored: anyone could set
// it to escape its bucket.
func clientKey(r *http.Request, trusted []netip.Prefix) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !isTrusted(peer, trusted) {
		return host
	}
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(h, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a garbled hop: what lies left of it cannot be trusted
		}
		if !isTrusted(a, trusted) {
			return a.Unmap().String()
		}
		host = a.Unmap().String()
	}
	return host
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	a = a.Unmap()
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// trustedProxies reads server.trusted_proxies (validated with the config;
// an entry that does not parse here is logged and left out).
func (s *Server) trustedProxies() []netip.Prefix {
	var out []netip.Prefix
	for _, p := range s.o.Config.Server.TrustedProxies {
		pr, err := veille.ParseProxy(p)
		if err != nil {
			s.o.Logger.Warn("server.trusted_proxies: entry ignored", "err", err)
			continue
		}
		out = append(out, pr)
	}
	return out
}

// limit is the middleware: cross-origin protection for unsafe methods (the
// admin routes), a cap on request bodies, and for searches the per-client
// rate and the in-flight bound.
func (s *Server) limit(next http.Handler) http.Handler {
	lm := newLimiter(s.o.Limits)
	trusted := s.trusted
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.refuse(w, r, http.StatusForbidden, "cross-origin "+r.Method+" refused: requests that change something must come from this site or carry no browser origin",
			"limit.crossorigin")
	}))
	guarded := cop.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > lm.l.MaxBody {
			s.refuse(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body of %d bytes is over the %d-byte limit", r.ContentLength, lm.l.MaxBody),
				"limit.body", r.ContentLength, lm.l.MaxBody)
			return
		}
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = http.MaxBytesReader(w, r.Body, lm.l.MaxBody)
		}
		if !searchRoute(r) {
			next.ServeHTTP(w, r)
			return
		}
		if key := clientKey(r, trusted); !lm.allow(key, time.Now()) {
			w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(1/lm.l.Rate))))
			s.refuse(w, r, http.StatusTooManyRequests, fmt.Sprintf("too many searches from %s: at most %g a second (burst %d); try again shortly", key, lm.l.Rate, lm.l.Burst),
				"limit.rate", lm.l.Rate, lm.l.Burst)
			return
		}
		if lm.slots == nil {
			next.ServeHTTP(w, r)
			return
		}
		t := time.NewTimer(lm.l.QueueWait)
		defer t.Stop()
		select {
		case lm.slots <- struct{}{}:
		case <-t.C:
			w.Header().Set("Retry-After", "1")
			s.refuse(w, r, http.StatusServiceUnavailable, fmt.Sprintf("the server is busy: %d searches are running; try again in a moment", lm.l.MaxInFlight),
				"limit.busy", lm.l.MaxInFlight)
			return
		case <-r.Context().Done():
			return
		}
		defer func() { <-lm.slots }()
		next.ServeHTTP(w, r)
	}))
	return guarded
}

// refuse answers a limit: in JSON (English, for scripts) under /api/, else
// as the site's error page in the reader's language. Numbers in args are
// written as the language writes them.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, status int, apiMsg, key string, args ...any) {
	w.Header().Set("Cache-Control", "no-store")
	if strings.HasPrefix(r.URL.Path, "/api/") {
		writeError(w, status, apiMsg)
		return
	}
	l := s.locale(w, r)
	shown := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case int:
			shown[i] = l.Number(int64(v))
		case int64:
			shown[i] = l.Number(v)
		case float64:
			shown[i] = l.Decimal(v)
		default:
			shown[i] = a
		}
	}
	s.renderError(w, r, l, status, l.T(key, shown...))
}
