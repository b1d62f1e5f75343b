package crawler

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nogentech/veille"
)

// fixedClock returns a settable clock for fetch state.
type fixedClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fixedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fixedClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// testCrawler fetches loopback test servers quickly.
func testCrawler(clock *fixedClock, tweak func(*Options)) *Crawler {
	o := Options{
		AllowPrivateNetworks: true, // httptest servers listen on 127.0.0.1
		HostDelay:            time.Millisecond,
		Timeout:              5 * time.Second,
		MinBackoff:           time.Minute,
		MaxBackoff:           time.Hour,
	}
	if clock != nil {
		o.Now = clock.Now
	}
	if tweak != nil {
		tweak(&o)
	}
	return New(o)
}

func feedSource(id, url string) veille.Source {
	return veille.Source{ID: id, Kind: veille.KindFeed, URL: url, Every: veille.Duration(2 * time.Hour), Lang: "fr"}
}

func TestFetchConditionalGet(t *testing.T) {
	feed := readTestdata(t, "sample/fda/fda_food_safety_recalls_slice.xml")
	const etag = `"fda-v1"`
	const lastMod = "Mon, 06 May 2024 23:30:00 GMT"
	var mu sync.Mutex
	var seen []http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Clone())
		mu.Unlock()
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", lastMod)
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		w.Write(feed)
	}))
	defer srv.Close()

	clock := &fixedClock{t: time.Date(2026, 11, 16, 8, 0, 0, 0, time.UTC)}
	c := testCrawler(clock, func(o *Options) { o.UserAgent = "veille-test/1 (+https://example.org/veille)" })
	src := feedSource("fda-food", srv.URL+"/rss.xml")

	first := c.Fetch(context.Background(), src, veille.FetchState{Source: src.ID})
	if first.Err != nil {
		t.Fatal(first.Err)
	}
	if len(first.Items) != 3 || first.NotModified || first.Bytes != int64(len(feed)) {
		t.Fatalf("items %d notModified %v bytes %d", len(first.Items), first.NotModified, first.Bytes)
	}
	st := first.State
	if st.Source != src.ID || st.ETag != etag || st.LastModified != lastMod || st.Status != 200 ||
		st.Failures != 0 || st.Error != "" || st.ItemCount != 3 ||
		!st.LastAttempt.Equal(clock.Now()) || !st.LastSuccess.Equal(clock.Now()) {
		t.Errorf("state after 200: %+v", st)
	}
	if want := clock.Now().Add(2 * time.Hour); !st.NextAttempt.Equal(want) {
		t.Errorf("next attempt %v, want exactly every (2h) later, %v", st.NextAttempt, want)
	}

	clock.Set(clock.Now().Add(3 * time.Hour))
	second := c.Fetch(context.Background(), src, st)
	if second.Err != nil {
		t.Fatal(second.Err)
	}
	if !second.NotModified || len(second.Items) != 0 {
		t.Errorf("notModified %v items %d", second.NotModified, len(second.Items))
	}
	st2 := second.State
	if st2.ETag != etag || st2.LastModified != lastMod || st2.Status != 304 || st2.ItemCount != 3 ||
		!st2.LastSuccess.Equal(clock.Now()) || st2.Failures != 0 {
		t.Errorf("state after 304: %+v", st2)
	}

	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 2 {
		t.Fatalf("%d requests", len(seen))
	}
	if ua := seen[0].Get("User-Agent"); ua != "veille-test/1 (+https://example.org/veille)" {
		t.Errorf("User-Agent %q", ua)
	}
	if seen[0].Get("If-None-Match") != "" || seen[0].Get("If-Modified-Since") != "" {
		t.Errorf("first request was conditional: %v", seen[0])
	}
	if seen[1].Get("If-None-Match") != etag || seen[1].Get("If-Modified-Since") != lastMod {
		t.Errorf("second request headers: If-None-Match %q If-Modified-Since %q", seen[1].Get("If-None-Match"), seen[1].Get("If-Modified-Since"))
	}
	if !strings.Contains(seen[0].Get("Accept"), "application/atom+xml") || !strings.Contains(seen[0].Get("Accept-Encoding"), "gzip") {
		t.Errorf("Accept %q Accept-Encoding %q", seen[0].Get("Accept"), seen[0].Get("Accept-Encoding"))
	}
}

func TestFetchDefaultUserAgent(t *testing.T) {
	var ua atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ua.Store(r.UserAgent())
		w.Write(readTestdata(t, "sample/fda/fda_food_safety_recalls_slice.xml"))
	}))
	defer srv.Close()
	c := New(Options{AllowPrivateNetworks: true})
	if r := c.Fetch(context.Background(), feedSource("f", srv.URL), veille.FetchState{}); r.Err != nil {
		t.Fatal(r.Err)
	}
	if ua.Load() != DefaultUserAgent {
		t.Errorf("User-Agent %q", ua.Load())
	}
}

func gzipped(t testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestFetchGzip(t *testing.T) {
	feed := readTestdata(t, "sample/jorf-legifrss/2d3a598/arrete_ministere-de-la-transition-ecologique.xml")
	gz := gzipped(t, feed)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			t.Errorf("Accept-Encoding %q", r.Header.Get("Accept-Encoding"))
		}
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Type", "application/atom+xml")
		w.Write(gz)
	}))
	defer srv.Close()
	r := testCrawler(nil, nil).Fetch(context.Background(), feedSource("jorf", srv.URL), veille.FetchState{})
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	if len(r.Items) != 50 || r.Bytes != int64(len(feed)) {
		t.Errorf("%d items, %d bytes (compressed %d, plain %d)", len(r.Items), r.Bytes, len(gz), len(feed))
	}
}

func TestFetchBodyCapAfterDecompression(t *testing.T) {
	// 2 MB of feed that gzips to a few KB: the cap must see the 2 MB.
	big := []byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>a</title><description>` +
		strings.Repeat("x", 2<<20) + `</description></item></channel></rss>`)
	gz := gzipped(t, big)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(gz)
	}))
	defer srv.Close()
	if len(gz) > 64<<10 {
		t.Fatalf("compressed body %d bytes: the test needs it under the cap", len(gz))
	}
	c := testCrawler(nil, func(o *Options) { o.MaxBody = 1 << 20 })
	r := c.Fetch(context.Background(), feedSource("bomb", srv.URL), veille.FetchState{})
	if r.Err == nil || !errors.Is(r.Err, ErrBodyTooLarge) {
		t.Fatalf("err %v, want the body cap", r.Err)
	}
	if want := "source bomb: fetch " + srv.URL + ": body exceeds 1 MiB cap"; r.Err.Error() != want {
		t.Errorf("error %q, want %q", r.Err, want)
	}
	if len(r.Items) != 0 || r.State.Failures != 1 {
		t.Errorf("items %d, state %+v", len(r.Items), r.State)
	}

	// the default cap is 10 MB
	c = testCrawler(nil, nil)
	r = c.Fetch(context.Background(), feedSource("bomb", srv.URL), veille.FetchState{})
	if r.Err != nil || len(r.Items) != 1 {
		t.Errorf("under the default cap: err %v items %d", r.Err, len(r.Items))
	}
	if got := formatSize(DefaultMaxBody); got != "10 MB" {
		t.Errorf("default cap reads %q", got)
	}
}

func TestFetchRedirects(t *testing.T) {
	feed := readTestdata(t, "sample/fda/fda_food_safety_recalls_slice.xml")
	var hits atomic.Int32
	mux := http.NewServeMux()
	// /hop/N redirects to /hop/N-1; /hop/0 serves the feed
	mux.HandleFunc("/hop/{n}", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		var n int
		fmt.Sscan(r.PathValue("n"), &n)
		if n == 0 {
			w.Write(feed)
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/hop/%d", n-1), http.StatusFound)
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Redirect(w, r, "/loop", http.StatusMovedPermanently)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c := testCrawler(nil, nil)

	tests := map[string]struct {
		path    string
		hits    int32
		wantErr string
	}{
		"five redirects are followed": {"/hop/5", 6, ""},
		"six are too many":            {"/hop/6", 6, "stopped after 5 redirects"},
		"a loop ends":                 {"/loop", 6, "stopped after 5 redirects"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			hits.Store(0)
			r := c.Fetch(context.Background(), feedSource("r", srv.URL+tc.path), veille.FetchState{})
			if hits.Load() != tc.hits {
				t.Errorf("%d requests, want %d", hits.Load(), tc.hits)
			}
			if tc.wantErr == "" {
				if r.Err != nil || len(r.Items) != 3 || r.URL != srv.URL+"/hop/0" {
					t.Errorf("err %v items %d final URL %q", r.Err, len(r.Items), r.URL)
				}
				return
			}
			if r.Err == nil || !strings.Contains(r.Err.Error(), tc.wantErr) {
				t.Errorf("err %v, want %q", r.Err, tc.wantErr)
			}
		})
	}
}

func TestFetchRetryAfter(t *testing.T) {
	clock := &fixedClock{t: time.Date(2026, 11, 16, 8, 0, 0, 0, time.UTC)}
	tests := map[string]struct {
		status     int
		retryAfter string
		want       time.Time
	}{
		"429 seconds":          {429, "7200", clock.t.Add(2 * time.Hour)},
		"503 http date":        {503, clock.t.Add(3 * time.Hour).Format(http.TimeFormat), clock.t.Add(3 * time.Hour)},
		"503 shorter":          {503, "10", clock.t.Add(time.Minute)}, // backoff (1m) wins
		"503 absurd is capped": {503, "99999999", clock.t.Add(7 * 24 * time.Hour)},
		"503 garbage ignored":  {503, "soon", clock.t.Add(time.Minute)},
		"500 not honoured":     {500, "7200", clock.t.Add(time.Minute)},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", tc.retryAfter)
				w.WriteHeader(tc.status)
			}))
			defer srv.Close()
			r := testCrawler(clock, nil).Fetch(context.Background(), feedSource("busy", srv.URL), veille.FetchState{})
			if r.Err == nil || r.State.Status != tc.status || r.State.Failures != 1 {
				t.Fatalf("err %v state %+v", r.Err, r.State)
			}
			if !r.State.NextAttempt.Equal(tc.want) {
				t.Errorf("next attempt %v, want %v", r.State.NextAttempt, tc.want)
			}
		})
	}
}

func TestFetchBackoff(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.NotFound(w, r)
	}))
	defer srv.Close()
	clock := &fixedClock{t: time.Date(2026, 11, 16, 8, 0, 0, 0, time.UTC)}
	c := testCrawler(clock, func(o *Options) { o.MinBackoff, o.MaxBackoff = 5*time.Minute, 12*time.Hour })
	src := feedSource("ansm-dm", srv.URL+"/missing.xml")
	lastOK := clock.Now().Add(-24 * time.Hour)
	st := veille.FetchState{ETag: `"kept"`, LastSuccess: lastOK, ItemCount: 12}
	want := []time.Duration{5 * time.Minute, 10 * time.Minute, 20 * time.Minute, 40 * time.Minute, 80 * time.Minute,
		160 * time.Minute, 320 * time.Minute, 640 * time.Minute, 12 * time.Hour, 12 * time.Hour}
	for i, w := range want {
		if !Due(st, clock.Now()) {
			t.Fatalf("attempt %d: not due at %v (next %v)", i+1, clock.Now(), st.NextAttempt)
		}
		r := c.Fetch(context.Background(), src, st)
		if got := fmt.Sprint(r.Err); got != "source ansm-dm: fetch "+src.URL+": 404 Not Found" {
			t.Fatalf("error %q", got)
		}
		st = r.State
		if st.Failures != i+1 || st.Status != 404 || st.Error != r.Err.Error() {
			t.Errorf("attempt %d: state %+v", i+1, st)
		}
		if got := st.NextAttempt.Sub(clock.Now()); got != w {
			t.Errorf("attempt %d: backoff %v, want %v", i+1, got, w)
		}
		if st.ETag != `"kept"` || st.ItemCount != 12 || !st.LastSuccess.Equal(lastOK) {
			t.Errorf("attempt %d: a failure must keep the validators and history: %+v", i+1, st)
		}
		if Due(st, st.NextAttempt.Add(-time.Second)) {
			t.Errorf("due before its next attempt")
		}
		clock.Set(clock.Now().Add(13 * time.Hour))
	}
	// never a permanent stop, even after many failures
	if d := c.Backoff(1000); d != 12*time.Hour {
		t.Errorf("backoff after 1000 failures: %v", d)
	}
	if int(hits.Load()) != len(want) {
		t.Errorf("%d requests", hits.Load())
	}

	// a success resets the count
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(readTestdata(t, "sample/fda/fda_food_safety_recalls_slice.xml"))
	}))
	defer ok.Close()
	src.URL = ok.URL
	r := c.Fetch(context.Background(), src, st)
	if r.Err != nil || r.State.Failures != 0 || r.State.Error != "" || r.State.ETag != "" {
		t.Errorf("after success: err %v state %+v", r.Err, r.State)
	}
}

func TestDue(t *testing.T) {
	now := time.Date(2026, 11, 16, 8, 0, 0, 0, time.UTC)
	tests := map[string]struct {
		next time.Time
		want bool
	}{
		"never fetched": {time.Time{}, true},
		"past":          {now.Add(-time.Second), true},
		"exactly now":   {now, true},
		"future":        {now.Add(time.Second), false},
	}
	for name, tc := range tests {
		if got := Due(veille.FetchState{NextAttempt: tc.next}, now); got != tc.want {
			t.Errorf("%s: Due = %v", name, got)
		}
	}
}

// inflight counts concurrent requests, per host and in total.
type inflight struct {
	mu                sync.Mutex
	perHost           map[string]int
	maxPerHost, total int
	maxTotal          int
	starts            map[string][]time.Time
	ends              map[string][]time.Time
}

func (f *inflight) handler(hold time.Duration, body []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, _ := net.SplitHostPort(r.Host)
		f.mu.Lock()
		f.perHost[host]++
		f.total++
		f.maxPerHost = max(f.maxPerHost, f.perHost[host])
		f.maxTotal = max(f.maxTotal, f.total)
		f.starts[host] = append(f.starts[host], time.Now())
		f.mu.Unlock()
		time.Sleep(hold)
		w.Write(body)
		f.mu.Lock()
		f.perHost[host]--
		f.total--
		f.ends[host] = append(f.ends[host], time.Now())
		f.mu.Unlock()
	})
}

// listenOn starts a test server on a given loopback address, or skips.
func listenOn(t *testing.T, addr string, h http.Handler) *httptest.Server {
	t.Helper()
	l, err := net.Listen("tcp", addr+":0")
	if err != nil {
		t.Skipf("cannot listen on %s: %v", addr, err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

func TestFetchPoliteness(t *testing.T) {
	feed := readTestdata(t, "sample/fda/fda_food_safety_recalls_slice.xml")
	f := &inflight{perHost: map[string]int{}, starts: map[string][]time.Time{}, ends: map[string][]time.Time{}}
	h := f.handler(30*time.Millisecond, feed)
	// three hosts: the loopback range gives each its own address
	servers := []*httptest.Server{listenOn(t, "127.0.0.1", h), listenOn(t, "127.0.0.2", h), listenOn(t, "127.0.0.3", h)}
	const delay = 40 * time.Millisecond
	c := testCrawler(nil, func(o *Options) { o.HostDelay = delay; o.Concurrency = 2 })

	var wg sync.WaitGroup
	errs := make(chan error, 12)
	for i := range 12 {
		srv := servers[i%3]
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := c.Fetch(context.Background(), feedSource(fmt.Sprintf("s%d", i), fmt.Sprintf("%s/feed/%d", srv.URL, i)), veille.FetchState{})
			if r.Err != nil {
				errs <- r.Err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.maxPerHost != 1 {
		t.Errorf("%d concurrent requests to one host, want 1", f.maxPerHost)
	}
	if f.maxTotal > 2 {
		t.Errorf("%d requests in flight, Concurrency is 2", f.maxTotal)
	}
	if f.maxTotal < 2 {
		t.Errorf("hosts were not fetched in parallel (max %d in flight)", f.maxTotal)
	}
	for host, starts := range f.starts {
		ends := f.ends[host]
		if len(starts) != 4 || len(ends) != 4 {
			t.Fatalf("%s: %d starts %d ends", host, len(starts), len(ends))
		}
		for i := 1; i < len(starts); i++ {
			// the server sees the end a moment before the client does
			if gap := starts[i].Sub(ends[i-1]); gap < delay-5*time.Millisecond {
				t.Errorf("%s: request %d started %v after the previous ended, HostDelay is %v", host, i, gap, delay)
			}
		}
	}
}

func TestFetchCancellation(t *testing.T) {
	release := make(chan struct{})
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(200)
		w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel>`))
		w.(http.Flusher).Flush()
		select { // a server that stalls mid-body
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)

	t.Run("context cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(100*time.Millisecond, cancel)
		start := time.Now()
		r := testCrawler(nil, nil).Fetch(ctx, feedSource("slow", srv.URL), veille.FetchState{Failures: 2, ETag: `"e"`})
		if el := time.Since(start); el > 2*time.Second {
			t.Errorf("fetch took %v after cancellation", el)
		}
		if r.Err == nil || !errors.Is(r.Err, context.Canceled) {
			t.Errorf("err %v", r.Err)
		}
		if r.State.Failures != 2 || r.State.ETag != `"e"` || r.State.Source != "slow" {
			t.Errorf("a cancelled fetch changed the state: %+v", r.State)
		}
	})
	t.Run("timeout covers the body", func(t *testing.T) {
		start := time.Now()
		r := testCrawler(nil, func(o *Options) { o.Timeout = 200 * time.Millisecond }).Fetch(context.Background(), feedSource("slow", srv.URL), veille.FetchState{})
		if el := time.Since(start); el > 2*time.Second {
			t.Errorf("fetch took %v with a 200ms timeout", el)
		}
		if r.Err == nil || !strings.Contains(r.Err.Error(), "timed out after 200ms") {
			t.Errorf("err %v", r.Err)
		}
	})
	t.Run("cancelled while waiting for the host", func(t *testing.T) {
		quick := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Write(readTestdata(t, "sample/fda/fda_food_safety_recalls_slice.xml"))
		}))
		defer quick.Close()
		c := testCrawler(nil, func(o *Options) { o.HostDelay = time.Hour })
		// both servers are on 127.0.0.1: one host, so the second fetch must wait an hour
		if r := c.Fetch(context.Background(), feedSource("a", quick.URL), veille.FetchState{}); r.Err != nil {
			t.Fatal(r.Err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		r := c.Fetch(ctx, feedSource("b", srv.URL), veille.FetchState{})
		if time.Since(start) > 2*time.Second || r.Err == nil || !errors.Is(r.Err, context.DeadlineExceeded) {
			t.Errorf("err %v after %v", r.Err, time.Since(start))
		}
	})
}

func TestFetchParseErrors(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/page", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(readTestdata(t, "sample/ansm/ansm_recall.html"))
	})
	mux.HandleFunc("/fr.json", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Accept") != "application/json" {
			t.Errorf("Accept %q", r.Header.Get("Accept"))
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(readTestdata(t, "sample/federalregister-api/search-newest-page-one.json"))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c := testCrawler(nil, nil)

	r := c.Fetch(context.Background(), feedSource("ansm-dm", srv.URL+"/page"), veille.FetchState{ETag: `"old"`})
	if r.Err == nil || !strings.Contains(r.Err.Error(), "source ansm-dm: parse "+srv.URL+"/page: expected a feed, got an HTML page") {
		t.Errorf("err %v", r.Err)
	}
	if r.State.Failures != 1 || r.State.Status != 200 || r.State.ETag != `"old"` {
		t.Errorf("state %+v", r.State)
	}

	fr := veille.Source{ID: "federal-register", Kind: KindFederalRegister, URL: srv.URL + "/fr.json"}
	r = c.Fetch(context.Background(), fr, veille.FetchState{})
	if r.Err != nil || len(r.Items) != 2 {
		t.Errorf("err %v items %d", r.Err, len(r.Items))
	}

	bad := []veille.Source{
		{ID: "k", Kind: "gopher", URL: srv.URL + "/page"},
		{ID: "u", Kind: veille.KindFeed, URL: "ftp://example.org/feed"},
		{ID: "v", Kind: veille.KindFeed, URL: "http://%zz"},
	}
	for _, s := range bad {
		r := c.Fetch(context.Background(), s, veille.FetchState{})
		if r.Err == nil || !strings.HasPrefix(r.Err.Error(), "source "+s.ID+": ") || r.State.Failures != 1 {
			t.Errorf("%s: err %v state %+v", s.ID, r.Err, r.State)
		}
	}
}

func TestFetchOneHostSerialised(t *testing.T) {
	f := &inflight{perHost: map[string]int{}, starts: map[string][]time.Time{}, ends: map[string][]time.Time{}}
	srv := httptest.NewServer(f.handler(20*time.Millisecond, readTestdata(t, "sample/fda/fda_food_safety_recalls_slice.xml")))
	defer srv.Close()
	c := testCrawler(nil, func(o *Options) { o.Concurrency = 8 })
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r := c.Fetch(context.Background(), feedSource(fmt.Sprintf("s%d", i), fmt.Sprintf("%s/%d", srv.URL, i)), veille.FetchState{}); r.Err != nil {
				t.Error(r.Err)
			}
		}()
	}
	wg.Wait()
	if f.maxPerHost != 1 || len(f.starts["127.0.0.1"]) != 6 {
		t.Errorf("max %d concurrent requests to one host over %d requests, want 1", f.maxPerHost, len(f.starts["127.0.0.1"]))
	}
}

func TestFetchErrorHidesPassword(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
	}))
	defer srv.Close()
	u := strings.Replace(srv.URL, "http://", "http://user:s3cret@", 1) + "/feed"
	r := testCrawler(nil, nil).Fetch(context.Background(), feedSource("private", u), veille.FetchState{})
	if r.Err == nil || strings.Contains(r.Err.Error(), "s3cret") || r.State.Status != 403 {
		t.Errorf("err %v status %d", r.Err, r.State.Status)
	}
}

// A body that announces its length is read into one buffer of that size;
// the cap holds whatever the length says, and a body cut short is an error.
func TestFetchBodyWithLength(t *testing.T) {
	feed := []byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>a</title><link>https://example.org/a</link><description>` +
		strings.Repeat("y", 100<<10) + `</description></item></channel></rss>`)
	for _, tc := range []struct {
		name    string
		length  int
		maxBody int64
		wantErr string
	}{
		{"exact", len(feed), 1 << 20, ""},
		{"over the cap", len(feed), 64 << 10, "body exceeds"},
		{"shorter than announced", len(feed) + 10, 1 << 20, "unexpected EOF"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Length", strconv.Itoa(tc.length))
				w.Write(feed)
			}))
			defer srv.Close()
			c := testCrawler(nil, func(o *Options) { o.MaxBody = tc.maxBody })
			r := c.Fetch(context.Background(), feedSource("len", srv.URL), veille.FetchState{})
			switch {
			case tc.wantErr == "" && r.Err != nil:
				t.Fatalf("err %v", r.Err)
			case tc.wantErr == "" && (len(r.Items) != 1 || len(r.Items[0].HTML) < 100<<10):
				t.Fatalf("items %d, want the one item whole", len(r.Items))
			case tc.wantErr != "" && (r.Err == nil || !strings.Contains(r.Err.Error(), tc.wantErr)):
				t.Fatalf("err %v, want %q", r.Err, tc.wantErr)
			}
		})
	}
}
