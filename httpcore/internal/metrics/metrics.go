package metrics

import (
	"crypto/subtle"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Sources are what the scrape reads from the process; nil members are
// left out.
type Sources struct {
	// ActiveConnections and TotalConnections are the listener's counts
	// (HTTP/1.1, HTTP/2 and upgraded WebSocket connections alike).
	ActiveConnections func() int64
	TotalConnections  func() uint64
	// Pool is the PostgreSQL pool.
	Pool *pgxpool.Pool
	// Sockets, when set, reports the WebSocket side (nil: GraphQL over
	// WebSocket is not served).
	Sockets func() SocketStats
	// DocumentCache returns the engine's document cache lookups that found
	// a parsed and validated document, and those that parsed one.
	DocumentCache func() (hits, misses uint64)
	// APQ returns the persisted-query hits, misses and registrations.
	APQ func() (hits, misses, registrations uint64)
}

// Operations are the values of the "operation" label: the GraphQL
// operation type, or "none" when no operation ran (other routes, requests
// refused before execution).
var Operations = []string{"query", "mutation", "subscription", "none"}

// ErrorClasses are the values of the "class" label of the error counter
// (graphqlexec's error classes).
var ErrorClasses = []string{"request", "input", "database", "timeout", "data", "internal"}

// Metrics holds the registry and the request-path metrics.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration [4]prometheus.Observer // by operation, Operations' order
	inFlight prometheus.Gauge
	errors   map[string]prometheus.Counter
	// byStatus caches the requests counter of each (status, operation):
	// WithLabelValues hashes its labels, this is one atomic load.
	byStatus [600 - 100][4]atomic.Pointer[prometheus.Counter]
	// byName is the duration by operation type and name, for the first
	// MaxOperationNames names seen; names caches its observers by name,
	// one map per operation type, and nameCount counts the names admitted.
	byName    *prometheus.HistogramVec
	names     [3]sync.Map
	nameCount atomic.Int32
}

// MaxOperationNames bounds the distinct operation names the duration by
// name records; later names, and names that are not GraphQL names of at
// most 64 characters, are recorded as "other", so a client cannot grow the
// registry. Operations without a name are "anonymous".
const MaxOperationNames = 100

// New registers every metric on a registry of its own.
func New(src Sources) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry(), errors: map[string]prometheus.Counter{}}
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "fraiseql_http_requests_total",
		Help: "HTTP requests answered, by status code and GraphQL operation type (none: no operation ran).",
	}, []string{"code", "operation"})
	duration := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "fraiseql_http_request_duration_seconds",
		Help:    "Time from a request's arrival (body read) to its response being ready, by GraphQL operation type.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	}, []string{"operation"})
	m.inFlight = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "fraiseql_http_requests_in_flight",
		Help: "Requests being handled now.",
	})
	errs := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "fraiseql_graphql_errors_total",
		Help: "GraphQL errors reported to clients, by class (request, input, database, timeout, data, internal).",
	}, []string{"class"})
	m.byName = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "fraiseql_graphql_operation_duration_seconds",
		Help:    "Time from a GraphQL request's arrival to its response being ready, by operation type and name (the first 100 names; then \"other\").",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	}, []string{"operation", "name"})
	m.reg.MustRegister(m.requests, duration, m.inFlight, errs, m.byName)
	for i, op := range Operations {
		m.duration[i] = duration.WithLabelValues(op)
	}
	for _, c := range ErrorClasses {
		m.errors[c] = errs.WithLabelValues(c)
	}
	if f := src.ActiveConnections; f != nil {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "fraiseql_http_connections_active",
			Help: "Client connections open now (HTTP/1.1, HTTP/2, WebSocket).",
		}, func() float64 { return float64(f()) }))
	}
	if f := src.TotalConnections; f != nil {
		m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "fraiseql_http_connections_total",
			Help: "Client connections accepted since start.",
		}, func() float64 { return float64(f()) }))
	}
	if src.Pool != nil {
		m.reg.MustRegister(poolCollector{src.Pool})
	}
	if f := src.DocumentCache; f != nil {
		for _, r := range []struct {
			result string
			pick   func(h, m uint64) uint64
		}{{"hit", func(h, _ uint64) uint64 { return h }}, {"miss", func(_, m uint64) uint64 { return m }}} {
			m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
				Name:        "fraiseql_graphql_document_cache_lookups_total",
				Help:        "Document cache lookups by result: hit (parsed and validated document reused), miss (parsed and validated now).",
				ConstLabels: prometheus.Labels{"result": r.result},
			}, func() float64 { return float64(r.pick(f())) }))
		}
	}
	if f := src.APQ; f != nil {
		for _, r := range []struct {
			result string
			pick   func(h, m, reg uint64) uint64
		}{
			{"hit", func(h, _, _ uint64) uint64 { return h }},
			{"miss", func(_, m, _ uint64) uint64 { return m }},
			{"registered", func(_, _, reg uint64) uint64 { return reg }},
		} {
			m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
				Name:        "fraiseql_apq_requests_total",
				Help:        "Automatic persisted query requests by result: hit (stored text run), miss (PersistedQueryNotFound), registered (text stored).",
				ConstLabels: prometheus.Labels{"result": r.result},
			}, func() float64 { return float64(r.pick(f())) }))
		}
	}
	if f := src.Sockets; f != nil {
		m.reg.MustRegister(socketCollector{f})
	}
	return m
}

// operationIndex maps an operation type to its index in Operations.
func operationIndex(op string) int {
	switch op {
	case "query":
		return 0
	case "mutation":
		return 1
	case "subscription":
		return 2
	}
	return 3
}

// Begin counts a request in flight; End must follow.
func (m *Metrics) Begin() { m.inFlight.Inc() }

// End records a finished request; name is its operationName ("" when it
// gave none).
func (m *Metrics) End(status int, operation, name string, elapsed time.Duration) {
	m.inFlight.Dec()
	op := operationIndex(operation)
	secs := elapsed.Seconds()
	m.duration[op].Observe(secs)
	if op != 3 {
		m.nameObserver(op, name).Observe(secs)
	}
	if status < 100 || status >= 600 {
		m.requests.WithLabelValues(strconv.Itoa(status), Operations[op]).Inc()
		return
	}
	p := &m.byStatus[status-100][op]
	c := p.Load()
	if c == nil {
		// Two requests may both resolve it: WithLabelValues returns the
		// same counter for the same labels.
		nc := m.requests.WithLabelValues(strconv.Itoa(status), Operations[op])
		p.Store(&nc)
		c = &nc
	}
	(*c).Inc()
}

// nameObserver is the duration observer of an operation type (an index
// of Operations, not "none") and name.
func (m *Metrics) nameObserver(op int, name string) prometheus.Observer {
	switch {
	case name == "":
		name = "anonymous"
	case !graphQLName(name):
		name = "other"
	}
	if o, ok := m.names[op].Load(name); ok {
		return o.(prometheus.Observer)
	}
	if name != "anonymous" && name != "other" && m.nameCount.Add(1) > MaxOperationNames {
		m.nameCount.Add(-1)
		return m.nameObserver(op, "\x00") // not a GraphQL name: "other"
	}
	o, _ := m.names[op].LoadOrStore(name, m.byName.WithLabelValues(Operations[op], name))
	return o.(prometheus.Observer)
}

// graphQLName reports whether s is a GraphQL name of at most 64 bytes.
func graphQLName(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && '0' <= c && c <= '9' {
			continue
		}
		return false
	}
	return true
}

// Error counts one GraphQL error of a class (ErrorClasses; others are
// counted as internal).
func (m *Metrics) Error(class string) {
	c, ok := m.errors[class]
	if !ok {
		c = m.errors["internal"]
	}
	c.Inc()
}

// Registry is the registry, for tests and for embedding programs that
// add their own metrics.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the exposition (text format, or what the scraper
// negotiates). With a token, a request must carry "Authorization: Bearer
// <token>" or gets 401.
func (m *Metrics) Handler(token string) http.Handler {
	h := promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
	if token == "" {
		return h
	}
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := []byte(r.Header.Get("Authorization"))
		if subtle.ConstantTimeCompare(got, want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte("unauthorized\n"))
			return
		}
		h.ServeHTTP(w, r)
	})
}
