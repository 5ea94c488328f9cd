package metrics

import "github.com/prometheus/client_golang/prometheus"

// SocketStats are the WebSocket side's numbers (GraphQL over WebSocket and
// the subscriptions' LISTEN connection), read at each scrape.
type SocketStats struct {
	Sockets       int   // WebSocket connections open
	Subscriptions int   // live subscriptions
	Listening     bool  // the LISTEN connection is up
	Events        int64 // change events received
	BadEvents     int64 // notifications dropped (not an event)
	Reads         int64 // group reads run (one per group per event)
	Reconnects    int64 // LISTEN connections restored after a loss
}

var (
	socketsDesc       = prometheus.NewDesc("fraiseql_ws_connections_active", "WebSocket connections open now.", nil, nil)
	subscriptionsDesc = prometheus.NewDesc("fraiseql_ws_subscriptions_active", "Live GraphQL subscriptions.", nil, nil)
	listeningDesc     = prometheus.NewDesc("fraiseql_subscriptions_listening", "1 while the LISTEN connection for change events is up, else 0.", nil, nil)
	eventsDesc        = prometheus.NewDesc("fraiseql_subscriptions_events_total", "Change events received on the LISTEN connection.", nil, nil)
	badEventsDesc     = prometheus.NewDesc("fraiseql_subscriptions_bad_events_total", "Notifications dropped because they were not change events.", nil, nil)
	readsDesc         = prometheus.NewDesc("fraiseql_subscriptions_reads_total", "Reads run for events: one per group of subscribers that read the same thing.", nil, nil)
	reconnectsDesc    = prometheus.NewDesc("fraiseql_subscriptions_reconnects_total", "LISTEN connections restored after a loss (subscribers were sent EVENTS_MISSED).", nil, nil)
)

type socketCollector struct{ stats func() SocketStats }

func (socketCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{socketsDesc, subscriptionsDesc, listeningDesc, eventsDesc, badEventsDesc, readsDesc, reconnectsDesc} {
		ch <- d
	}
}

func (c socketCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.stats()
	listening := 0.0
	if s.Listening {
		listening = 1
	}
	ch <- prometheus.MustNewConstMetric(socketsDesc, prometheus.GaugeValue, float64(s.Sockets))
	ch <- prometheus.MustNewConstMetric(subscriptionsDesc, prometheus.GaugeValue, float64(s.Subscriptions))
	ch <- prometheus.MustNewConstMetric(listeningDesc, prometheus.GaugeValue, listening)
	ch <- prometheus.MustNewConstMetric(eventsDesc, prometheus.CounterValue, float64(s.Events))
	ch <- prometheus.MustNewConstMetric(badEventsDesc, prometheus.CounterValue, float64(s.BadEvents))
	ch <- prometheus.MustNewConstMetric(readsDesc, prometheus.CounterValue, float64(s.Reads))
	ch <- prometheus.MustNewConstMetric(reconnectsDesc, prometheus.CounterValue, float64(s.Reconnects))
}
