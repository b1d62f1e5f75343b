package server

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/nogentech/veille"
	"github.com/nogentech/veille/index"
)

// Metrics are the Prometheus series of one process, in a registry of its
// own: tests build several servers, and nothing leaks into the global one.
// The scheduler reports its crawls with ObserveCrawl; the server counts
// requests and searches itself.
type Metrics struct {
	reg          *prometheus.Registry
	crawls       *prometheus.CounterVec
	failures     *prometheus.CounterVec
	fetchSeconds *prometheus.HistogramVec
	parseSeconds *prometheus.HistogramVec
	itemsNew     *prometheus.CounterVec
	itemsUpdated *prometheus.CounterVec
	search       *prometheus.HistogramVec
	searchErrors *prometheus.CounterVec
	requests     *prometheus.CounterVec
	reqSeconds   *prometheus.HistogramVec
}

// MetricsOptions wires the gauges read at scrape time.
type MetricsOptions struct {
	// Index, when set, gives the document count.
	Index *index.Index
}

// NewMetrics registers every series.
func NewMetrics(o MetricsOptions) *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		reg: reg,
		crawls: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "veille_crawls_total",
			Help: "Fetches of a source, successful or not."}, []string{"source"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "veille_crawl_failures_total",
			Help: "Fetches of a source that failed."}, []string{"source"}),
		fetchSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "veille_fetch_duration_seconds",
			Help: "Time to fetch a source over HTTP.", Buckets: []float64{.05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}}, []string{"source"}),
		parseSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "veille_parse_duration_seconds",
			Help: "Time to parse and normalise what a source returned.", Buckets: []float64{.001, .005, .01, .05, .1, .25, .5, 1, 5}}, []string{"source"}),
		itemsNew: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "veille_items_new_total",
			Help: "Items seen for the first time, by the source that first saw them."}, []string{"source"}),
		itemsUpdated: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "veille_items_updated_total",
			Help: "Known items whose content changed."}, []string{"source"}),
		search: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "veille_search_duration_seconds",
			Help:    "Time spent in the index per search, by what asked (api, ui, feed, period).",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10}}, []string{"endpoint"}),
		searchErrors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "veille_search_errors_total",
			Help: "Searches that failed, by kind (query, timeout, canceled, internal)."}, []string{"kind"}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "veille_http_requests_total",
			Help: "HTTP requests by route pattern and status code."}, []string{"route", "code"}),
		reqSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "veille_http_request_duration_seconds",
			Help: "HTTP request duration by route pattern.", Buckets: prometheus.DefBuckets}, []string{"route"}),
	}
	reg.MustRegister(m.crawls, m.failures, m.fetchSeconds, m.parseSeconds, m.itemsNew, m.itemsUpdated,
		m.search, m.searchErrors, m.requests, m.reqSeconds,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if o.Index != nil {
		reg.MustRegister(docCount{o.Index})
	}
	return m
}

// docCount reads the index size at scrape time; on error the series is
// left out rather than reported as a false zero.
type docCount struct{ ix *index.Index }

var docCountDesc = prometheus.NewDesc("veille_index_documents", "Documents in the search index.", nil, nil)

func (d docCount) Describe(ch chan<- *prometheus.Desc) { ch <- docCountDesc }
func (d docCount) Collect(ch chan<- prometheus.Metric) {
	if n, err := d.ix.Count(); err == nil {
		ch <- prometheus.MustNewConstMetric(docCountDesc, prometheus.GaugeValue, float64(n))
	}
}

// ObserveCrawl records what one crawl did, source by source. Sources a
// scheduled crawl skipped (not due) are not counted.
func (m *Metrics) ObserveCrawl(rep veille.CrawlReport) {
	if m == nil {
		return
	}
	for _, sr := range rep.Sources {
		if sr.Skipped {
			continue
		}
		m.crawls.WithLabelValues(sr.Source).Inc()
		if sr.Err != nil {
			m.failures.WithLabelValues(sr.Source).Inc()
		}
		m.fetchSeconds.WithLabelValues(sr.Source).Observe(sr.FetchDuration.Seconds())
		m.parseSeconds.WithLabelValues(sr.Source).Observe(sr.ParseDuration.Seconds())
		m.itemsNew.WithLabelValues(sr.Source).Add(float64(sr.New))
		m.itemsUpdated.WithLabelValues(sr.Source).Add(float64(sr.Updated))
	}
}

func (m *Metrics) observeSearch(endpoint string, d time.Duration, err error) {
	if m == nil {
		return
	}
	m.search.WithLabelValues(endpoint).Observe(d.Seconds())
	if err != nil {
		var qe *index.QueryError
		kind := "internal"
		switch {
		case errors.As(err, &qe):
			kind = "query"
		case errors.Is(err, context.DeadlineExceeded):
			kind = "timeout"
		case errors.Is(err, context.Canceled):
			kind = "canceled"
		}
		m.searchErrors.WithLabelValues(kind).Inc()
	}
}

func (m *Metrics) observeRequest(route string, code int, d time.Duration) {
	m.requests.WithLabelValues(route, strconv.Itoa(code)).Inc()
	m.reqSeconds.WithLabelValues(route).Observe(d.Seconds())
}

// Handler serves the series in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}
