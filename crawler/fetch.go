package crawler

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/nogentech/veille"
)

// response is what a fetch keeps of an HTTP answer.
type response struct {
	status  int
	header  http.Header
	body    []byte
	url     string    // after redirects
	retryAt time.Time // from Retry-After on 429/503
}

// ErrBodyTooLarge is returned (wrapped) when a body exceeds MaxBody after
// decompression: a truncated feed would be parsed as a shorter one.
var ErrBodyTooLarge = errors.New("body too large")

type bodyTooLargeError struct{ limit int64 }

func (e bodyTooLargeError) Error() string {
	return "body exceeds " + formatSize(e.limit) + " cap"
}

func (e bodyTooLargeError) Is(target error) bool { return target == ErrBodyTooLarge }

// newGuard is the address check of o: nil when private networks are
// allowed, else the deny-list less o.AllowNetworks.
func newGuard(o Options) func(netip.Addr) bool {
	if o.AllowPrivateNetworks {
		return nil
	}
	if len(o.AllowNetworks) == 0 {
		return Forbidden
	}
	allowed := append([]netip.Prefix(nil), o.AllowNetworks...)
	return func(ip netip.Addr) bool {
		u := ip.WithZone("").Unmap()
		for _, p := range allowed {
			if p.Contains(u) {
				return false
			}
		}
		return Forbidden(ip)
	}
}

// newClientWithGuard builds the HTTP client; forbidden, when set, vets
// every address dialed.
func newClientWithGuard(o Options, forbidden func(netip.Addr) bool) *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	if forbidden != nil {
		dialer.Control = guardControl(forbidden)
	}
	tr := &http.Transport{
		// No proxy: the guard must see the address of the publisher, not
		// of a proxy that would reach the intranet on our behalf.
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          32,
		MaxIdleConnsPerHost:   2,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: o.Timeout,
		ExpectContinueTimeout: time.Second,
		// The transport asks for gzip and decompresses it transparently;
		// the size cap applies to what it hands us, after decompression.
		DisableCompression: false,
	}
	return &http.Client{
		Transport: tr,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > MaxRedirects {
				return fmt.Errorf("stopped after %d redirects", MaxRedirects)
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return fmt.Errorf("refusing redirect to %s", req.URL.Redacted())
			}
			// a redirect may name a host the first URL did not: same checks
			if err := checkHost(forbidden, req.URL.Hostname()); err != nil {
				return err
			}
			return nil
		},
	}
}

// hostSlot serialises the requests to one host and remembers when the last
// one ended, for the polite delay.
type hostSlot struct {
	lock chan struct{} // a mutex that a context can abandon
	last time.Time
}

func (c *Crawler) slot(host string) *hostSlot {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.hosts[host]
	if s == nil {
		// one entry per host the config names: bounded by the config
		s = &hostSlot{lock: make(chan struct{}, 1)}
		c.hosts[host] = s
	}
	return s
}

// acquire waits for the host to be free and rested, then for a global
// fetch slot. The returned release must be called once the body is read.
func (c *Crawler) acquire(ctx context.Context, host string) (release func(), err error) {
	s := c.slot(host)
	select {
	case s.lock <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if wait := c.opts.HostDelay - time.Since(s.last); !s.last.IsZero() && wait > 0 {
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			<-s.lock
			return nil, ctx.Err()
		}
	}
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		<-s.lock
		return nil, ctx.Err()
	}
	return func() {
		<-c.sem
		s.last = time.Now() // written while holding s.lock
		<-s.lock
	}, nil
}

// acceptFor tells the server what each kind of source can parse.
func acceptFor(kind string) string {
	switch kind {
	case veille.KindHTML:
		return "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
	case KindFederalRegister:
		return "application/json"
	}
	return "application/atom+xml, application/rss+xml, application/rdf+xml, application/feed+json, " +
		"application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
}

// get performs one conditional GET of src.URL. On an HTTP error status it
// returns the response (status, Retry-After) together with the error.
func (c *Crawler) get(ctx context.Context, src veille.Source, prev veille.FetchState) (*response, error) {
	u, err := url.Parse(src.URL)
	if err != nil {
		return nil, fmt.Errorf("invalid URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("unsupported URL scheme %q (want http or https)", u.Scheme)
	}
	if u.Host == "" {
		return nil, errors.New("URL has no host")
	}
	if err := c.checkHost(u.Hostname()); err != nil {
		return nil, err
	}
	release, err := c.acquire(ctx, strings.ToLower(u.Hostname()))
	if err != nil {
		return nil, err
	}
	defer release()

	rctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", c.opts.UserAgent)
	req.Header.Set("Accept", acceptFor(src.Kind))
	if l := langSubtag(src.Lang); l != "" && l != "en" {
		req.Header.Set("Accept-Language", l+", en;q=0.8")
	}
	if prev.ETag != "" {
		req.Header.Set("If-None-Match", prev.ETag)
	}
	if prev.LastModified != "" {
		req.Header.Set("If-Modified-Since", prev.LastModified)
	}

	resp, err := c.client.Do(req)
	if err != nil {
		return nil, c.explain(ctx, err)
	}
	defer resp.Body.Close()
	r := &response{status: resp.StatusCode, header: resp.Header, url: resp.Request.URL.String()}

	switch {
	case resp.StatusCode == http.StatusNotModified:
		return r, nil
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
	default:
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
			r.retryAt = retryAfter(resp.Header.Get("Retry-After"), c.opts.Now())
		}
		// drain a little so the connection can be reused
		_, _ = io.CopyN(io.Discard, resp.Body, 4096)
		return r, fmt.Errorf("%d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	}

	body, err := readBody(resp, c.opts.MaxBody)
	if err != nil {
		return r, c.explain(ctx, fmt.Errorf("read body: %w", err))
	}
	if int64(len(body)) > c.opts.MaxBody {
		return r, bodyTooLargeError{c.opts.MaxBody}
	}
	r.body = body
	return r, nil
}

// readBody reads at most max+1 bytes of the body. A body that announces
// its length is read into one buffer of that size: io.ReadAll would grow
// its buffer step by step, copying a large feed several times over.
func readBody(resp *http.Response, max int64) ([]byte, error) {
	var buf bytes.Buffer
	if n := resp.ContentLength; n > 0 && n <= max {
		buf.Grow(int(n) + bytes.MinRead) // MinRead: room to read the end of file without growing
	}
	_, err := buf.ReadFrom(io.LimitReader(resp.Body, max+1))
	return buf.Bytes(), err
}

// explain rewords a client error: without the method and URL that the
// caller already names, and saying so when the cause is our own timeout.
func (c *Crawler) explain(parent context.Context, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if errors.Is(err, context.DeadlineExceeded) && parent.Err() == nil {
		return fmt.Errorf("timed out after %s: %w", c.opts.Timeout, err)
	}
	return err
}

// retryAfter reads a Retry-After header: delay-seconds or an HTTP date.
// The zero time when absent or unreadable; never more than maxRetryAfter
// from now.
func retryAfter(v string, now time.Time) time.Time {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}
	}
	var at time.Time
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return time.Time{}
		}
		d := time.Duration(min(secs, int64(maxRetryAfter/time.Second))) * time.Second
		at = now.Add(d)
	} else if t, err := http.ParseTime(v); err == nil {
		at = t
	} else {
		return time.Time{}
	}
	if limit := now.Add(maxRetryAfter); at.After(limit) {
		at = limit
	}
	return at
}

// formatSize writes a byte count the way feeds.yaml does ("10 MB").
func formatSize(n int64) string {
	switch {
	case n >= 1000*1000 && n%(1000*1000) == 0:
		return strconv.FormatInt(n/(1000*1000), 10) + " MB"
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1000 && n%1000 == 0:
		return strconv.FormatInt(n/1000, 10) + " KB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}
