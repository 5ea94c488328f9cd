package httpcore

import (
	"strconv"
	"sync"
	"time"

	"github.com/fraiseql/fraiseql-http/pyjson"
)

// What GET /graphql/metrics counts. v1 counts executions in its
// UnifiedExecutor; the recorded development profile answers
// "execution_counts":{"normal":25} after, in order, 21 POSTs that executed,
// one POST with invalid JSON, three POSTs rejected by the body model (empty
// body, a JSON array, a text/plain body), a 404, a 307, one GET that
// executed, a GET with bad variables (400), the GraphiQL page, /health and
// /ready. The rule that yields 25 and counts every executed request is:
// a POST /graphql counts once its body got past JSON parsing (whether the
// body model then accepted it or answered 422), a GET /graphql counts when
// it executes its query. Requests refused earlier (json_invalid 422, 400s,
// the playground page) do not count. This is derived from the golden, not
// from v1's source, and is pinned by TestMetricsCountsLikeGolden.

// execMetrics is v1's UnifiedExecutor bookkeeping behind GET /graphql/metrics:
// a count and the last 100 durations.
type execMetrics struct {
	mu    sync.Mutex
	count int64
	times [100]time.Duration
	n     int // filled entries of times
	next  int // ring position
}

func (m *execMetrics) record(d time.Duration) {
	m.mu.Lock()
	m.count++
	m.times[m.next] = d
	m.next = (m.next + 1) % len(m.times)
	if m.n < len(m.times) {
		m.n++
	}
	m.mu.Unlock()
}

// appendJSON renders get_metrics(): average in ms rounded to 2 places as a
// Python float, or the int 0 before any request.
func (m *execMetrics) appendJSON(dst []byte) []byte {
	m.mu.Lock()
	count, n := m.count, m.n
	var sum time.Duration
	for i := 0; i < n; i++ {
		sum += m.times[i]
	}
	m.mu.Unlock()
	dst = append(dst, `{"execution_counts":{"normal":`...)
	dst = appendInt64(dst, count)
	dst = append(dst, `},"average_execution_times":{"normal":`...)
	if n == 0 {
		dst = append(dst, '0')
	} else {
		avgMS := sum.Seconds() / float64(n) * 1000
		dst = pyjson.AppendFloat(dst, pythonRound2(avgMS))
	}
	dst = append(dst, `},"mode_selector_metrics":{"turbo_enabled":true,"passthrough_enabled":true,"mode_hints_enabled":true,"priority":["turbo","passthrough","normal"]}}`...)
	return dst
}

func appendInt64(dst []byte, n int64) []byte { return strconv.AppendInt(dst, n, 10) }

// pythonRound2 is Python's round(x, 2) for the values metrics produce:
// the correctly rounded two-decimal value, as a float again.
func pythonRound2(x float64) float64 {
	f, err := strconv.ParseFloat(strconv.FormatFloat(x, 'f', 2, 64), 64)
	if err != nil {
		return x
	}
	return f
}
