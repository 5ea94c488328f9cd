package metrics

import (
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

// poolCollector reads pgxpool's statistics at scrape time.
type poolCollector struct{ pool *pgxpool.Pool }

var (
	poolMax          = prometheus.NewDesc("fraiseql_db_pool_max_connections", "The pool's maximum size (--pool-size).", nil, nil)
	poolTotal        = prometheus.NewDesc("fraiseql_db_pool_connections", "PostgreSQL connections open now, by state (idle, acquired, constructing).", []string{"state"}, nil)
	poolAcquires     = prometheus.NewDesc("fraiseql_db_pool_acquires_total", "Connections handed out by the pool.", nil, nil)
	poolWaits        = prometheus.NewDesc("fraiseql_db_pool_acquire_waits_total", "Acquires that had to wait for a connection (the pool was empty).", nil, nil)
	poolWaitSeconds  = prometheus.NewDesc("fraiseql_db_pool_acquire_wait_seconds_total", "Time spent waiting in acquires that waited.", nil, nil)
	poolAcquireTotal = prometheus.NewDesc("fraiseql_db_pool_acquire_seconds_total", "Time spent in every acquire.", nil, nil)
	poolCanceled     = prometheus.NewDesc("fraiseql_db_pool_acquires_canceled_total", "Acquires given up (the request's deadline or cancellation).", nil, nil)
	poolOpened       = prometheus.NewDesc("fraiseql_db_pool_connections_opened_total", "PostgreSQL connections opened since start.", nil, nil)
)

func (poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{poolMax, poolTotal, poolAcquires, poolWaits, poolWaitSeconds, poolAcquireTotal, poolCanceled, poolOpened} {
		ch <- d
	}
}

func (c poolCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.pool.Stat()
	ch <- prometheus.MustNewConstMetric(poolMax, prometheus.GaugeValue, float64(s.MaxConns()))
	ch <- prometheus.MustNewConstMetric(poolTotal, prometheus.GaugeValue, float64(s.IdleConns()), "idle")
	ch <- prometheus.MustNewConstMetric(poolTotal, prometheus.GaugeValue, float64(s.AcquiredConns()), "acquired")
	ch <- prometheus.MustNewConstMetric(poolTotal, prometheus.GaugeValue, float64(s.ConstructingConns()), "constructing")
	ch <- prometheus.MustNewConstMetric(poolAcquires, prometheus.CounterValue, float64(s.AcquireCount()))
	ch <- prometheus.MustNewConstMetric(poolWaits, prometheus.CounterValue, float64(s.EmptyAcquireCount()))
	ch <- prometheus.MustNewConstMetric(poolWaitSeconds, prometheus.CounterValue, s.EmptyAcquireWaitTime().Seconds())
	ch <- prometheus.MustNewConstMetric(poolAcquireTotal, prometheus.CounterValue, s.AcquireDuration().Seconds())
	ch <- prometheus.MustNewConstMetric(poolCanceled, prometheus.CounterValue, float64(s.CanceledAcquireCount()))
	ch <- prometheus.MustNewConstMetric(poolOpened, prometheus.CounterValue, float64(s.NewConnsCount()))
}
