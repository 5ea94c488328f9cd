package subscriptions

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
)

// benchSub is a Subscription whose Read costs nothing, so the benchmarks
// measure the Hub's own work per event: filtering, grouping, fan-out.
type benchSub struct {
	key   string
	reads *atomic.Int64
}

func (s *benchSub) Kind() OperationKind { return KindSubscription }
func (s *benchSub) Entity() string      { return "Post" }
func (s *benchSub) Filter() Filter      { return Filter{} }
func (s *benchSub) GroupKey() string    { return s.key }
func (s *benchSub) Read(_ context.Context, ev Event) ([]byte, bool, error) {
	s.reads.Add(1)
	return []byte(`{"data":{"postUpdated":{"id":"` + ev.ID + `"}}}`), true, nil
}

func benchmarkDispatch(b *testing.B, subscribers, groups int) {
	hub := newHubForTest(b)
	var reads, delivered atomic.Int64
	for i := range subscribers {
		hub.Subscribe(&benchSub{key: strconv.Itoa(i % groups), reads: &reads}, func([]byte) { delivered.Add(1) })
	}
	payload := []byte(`{"entity":"Post","op":"UPDATE","id":"` + postA + `","scope":{"tenant_id":"` + tenantA + `"}}`)
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		hub.dispatch(ctx, payload)
	}
	b.StopTimer()
	if got := reads.Load(); got != int64(b.N*groups) {
		b.Fatalf("%d reads, want %d", got, b.N*groups)
	}
	if got := delivered.Load(); got != int64(b.N*subscribers) {
		b.Fatalf("%d deliveries, want %d", got, b.N*subscribers)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*subscribers), "ns/delivery")
}

// BenchmarkDispatch10kOneGroup: one event to 10,000 subscribers that share
// a selection and a context (one read).
func BenchmarkDispatch10kOneGroup(b *testing.B) { benchmarkDispatch(b, 10000, 1) }

// BenchmarkDispatch1kDistinct: 1,000 subscribers in 1,000 groups.
func BenchmarkDispatch1kDistinct(b *testing.B) { benchmarkDispatch(b, 1000, 1000) }
