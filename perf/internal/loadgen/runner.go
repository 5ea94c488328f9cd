package loadgen

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fraiseql/fraiseql-http/perf/internal/hist"
	"github.com/fraiseql/fraiseql-http/perf/internal/workload"
	"github.com/jackc/pgx/v5"
)

// Bounds that keep one invocation from turning into a denial of service.
const (
	MaxConnections = 4096
	MaxDuration    = 10 * time.Minute
	MaxRate        = 1e6
	MaxRounds      = 100
)

// Config describes one benchmark invocation.
type Config struct {
	Targets     []Target
	Workloads   []workload.Workload
	Connections []int
	// Duration is the measured time per target and cell, split evenly across
	// Rounds slices that alternate between targets.
	Duration time.Duration
	Rounds   int
	// Rate > 0 selects the open-loop mode: requests are scheduled at this
	// fixed rate per target and latency counts from the intended send time,
	// so a stalled server is charged for the requests it delayed (no
	// coordinated omission). Rate 0 is the closed loop: each connection sends
	// its next request as soon as the previous answer is read.
	Rate float64
	// MaxRequests bounds the requests of one slice (0: bounded by time only).
	MaxRequests int64
	// Warmup, when positive, drives each target with each workload for this
	// long at the largest connection count before its cells are measured, and
	// throws the result away: a JIT (Node's V8) or a cache that needs traffic
	// to settle is not charged to the first measured cell.
	Warmup time.Duration
	// Timeout bounds one request (default 10s).
	Timeout time.Duration
	// Log receives progress lines (nil: discarded).
	Log io.Writer
	// PGMaxConns caps the PostgreSQL connections a floor target opens per
	// slice (default 20, the pool size the servers under test use): with
	// more client connections than that, workers share a pool, as requests
	// share a server's pool.
	PGMaxConns int

	// SameData names targets that must return the same data for every
	// variant of a read workload (compared as JSON, ignoring __typename and
	// the order of list items); a target whose answer differs from the first
	// named target's is skipped for that workload instead of measured.
	SameData []string
	// PIDs maps a target name to its server process: the CPU time of that
	// process and its descendants over each measured window is reported per
	// request (Result.ServerCPUUS).
	PIDs map[string]int
	// PGDatabase names the database whose PostgreSQL backends' CPU time over
	// each measured window is reported per request (Result.PGCPUUS).
	PGDatabase string
}

// Validate checks the bounds.
func (c *Config) Validate() error {
	if len(c.Targets) == 0 {
		return errors.New("no targets")
	}
	names := map[string]bool{}
	for _, t := range c.Targets {
		if names[t.Name] {
			return fmt.Errorf("duplicate target name %q", t.Name)
		}
		names[t.Name] = true
	}
	if len(c.Workloads) == 0 {
		return errors.New("no workloads")
	}
	if len(c.Connections) == 0 {
		return errors.New("no connection counts")
	}
	for _, n := range c.Connections {
		if n < 1 || n > MaxConnections {
			return fmt.Errorf("connections %d outside 1..%d", n, MaxConnections)
		}
	}
	if c.Duration <= 0 || c.Duration > MaxDuration {
		return fmt.Errorf("duration %v outside (0, %v]", c.Duration, MaxDuration)
	}
	if c.Rounds < 1 || c.Rounds > MaxRounds {
		return fmt.Errorf("rounds %d outside 1..%d", c.Rounds, MaxRounds)
	}
	if c.Rate < 0 || c.Rate > MaxRate {
		return fmt.Errorf("rate %v outside [0, %v]", c.Rate, MaxRate)
	}
	if c.MaxRequests < 0 {
		return errors.New("negative max requests")
	}
	if c.Warmup < 0 || c.Warmup > MaxDuration {
		return fmt.Errorf("warmup %v outside [0, %v]", c.Warmup, MaxDuration)
	}
	return nil
}

// Result is the measurement of one target on one workload at one concurrency.
type Result struct {
	Target      string  `json:"target"`
	Workload    string  `json:"workload"`
	Mode        string  `json:"mode"` // "closed" or "open"
	Connections int     `json:"connections"`
	Rate        float64 `json:"rate,omitempty"`
	Skipped     bool    `json:"skipped,omitempty"`
	SkipReason  string  `json:"skip_reason,omitempty"`
	Requests    uint64  `json:"requests"` // successful, measured
	Errors      uint64  `json:"errors"`
	ErrorSample string  `json:"error_sample,omitempty"`
	Seconds     float64 `json:"seconds"`
	RPS         float64 `json:"rps"`
	MeanBytes   float64 `json:"mean_bytes"`
	// Latencies in microseconds.
	P50  float64 `json:"p50_us"`
	P90  float64 `json:"p90_us"`
	P99  float64 `json:"p99_us"`
	P999 float64 `json:"p999_us"`
	Max  float64 `json:"max_us"`
	Mean float64 `json:"mean_us"`
	// CPU time per successful request, in microseconds, over the measured
	// windows: the server process (with its children) and the PostgreSQL
	// backends of Config.PGDatabase. Zero when not measured.
	ServerCPUUS float64 `json:"server_cpu_us,omitempty"`
	PGCPUUS     float64 `json:"pg_cpu_us,omitempty"`

	hist                 *hist.Histogram
	serverCPU, pgCPU     time.Duration
	serverCPUOK, pgCPUOK bool
}

// Schedule returns, for each round, the order in which targets are measured:
// forward on even rounds, reversed on odd ones (A B, B A, A B ...), so a
// machine that drifts during the run penalises every target alike and no
// target always runs right after another one's load.
func Schedule(targets, rounds int) [][]int {
	out := make([][]int, rounds)
	for r := range out {
		order := make([]int, targets)
		for i := range order {
			if r%2 == 0 {
				order[i] = i
			} else {
				order[i] = targets - 1 - i
			}
		}
		out[r] = order
	}
	return out
}

// preparedWorkload is a workload bound to one target: request bytes with the
// target's Host header, or SQL arguments for the floor.
type preparedWorkload struct {
	w       *workload.Workload
	reqs    [][]byte
	setup   [][]byte
	sqlArgs [][]any
}

func prepare(t Target, w *workload.Workload) (*preparedWorkload, string) {
	d, ok := w.ForDialect(t.Dialect)
	if !ok {
		return nil, "no " + t.Dialect + " query for this workload"
	}
	w = &d
	p := &preparedWorkload{w: w}
	for _, r := range w.Requests {
		p.reqs = append(p.reqs, BuildRequest(r.Method, r.Path, t.Host, r.Headers, r.Body))
		args := make([]any, len(r.SQLArgs))
		for i, a := range r.SQLArgs {
			args[i] = a
		}
		p.sqlArgs = append(p.sqlArgs, args)
	}
	for _, r := range w.Setup {
		p.setup = append(p.setup, BuildRequest(r.Method, r.Path, t.Host, r.Headers, r.Body))
	}
	return p, ""
}

// check returns why a response does not count as a success ("" when it does).
func (p *preparedWorkload) check(status int, body []byte) string {
	if status != p.w.ExpectStatus {
		return "status " + strconv.Itoa(status) + ": " + snippet(body)
	}
	if len(p.w.ExpectPrefix) > 0 && !bytes.HasPrefix(body, p.w.ExpectPrefix) {
		return "body does not start with " + string(p.w.ExpectPrefix) + ": " + snippet(body)
	}
	if len(p.w.Reject) > 0 && bytes.Contains(body, p.w.Reject) {
		return "body holds " + string(p.w.Reject) + ": " + snippet(body)
	}
	return ""
}

func snippet(b []byte) string {
	const n = 160
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}

func (c *Config) logf(format string, args ...any) {
	if c.Log != nil {
		fmt.Fprintf(c.Log, format+"\n", args...)
	}
}

func (c *Config) newExecutor(ctx context.Context, t Target, p *preparedWorkload) (executor, error) {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	switch t.Kind {
	case KindPG:
		cctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		conn, err := pgx.Connect(cctx, t.URL)
		if err != nil {
			return nil, err
		}
		return &pgExecutor{conn: conn, p: p}, nil
	default:
		return &httpExecutor{conn: newHTTPConn(t.Addr, timeout), reqs: p.reqs, p: p}, nil
	}
}

// probe runs the setup requests, then every variant once, and returns why the
// target cannot serve this workload ("" when it can).
func (c *Config) probe(ctx context.Context, t Target, p *preparedWorkload) string {
	if t.Kind == KindPG && p.w.SQL == "" {
		return "no SQL equivalent (workload has no sql)"
	}
	e, err := c.newExecutor(ctx, t, p)
	if err != nil {
		return "connect: " + err.Error()
	}
	defer e.close()
	if he, ok := e.(*httpExecutor); ok {
		for i, req := range p.setup {
			status, body, err := he.conn.do(req)
			if err != nil {
				return fmt.Sprintf("setup %d: %v", i, err)
			}
			if status/100 != 2 {
				return fmt.Sprintf("setup %d: status %d: %s", i, status, snippet(body))
			}
		}
	}
	for v := range p.reqs {
		if ok, _, reason := e.do(ctx, v); !ok {
			return "answered an error: " + reason
		}
	}
	return ""
}

type sliceResult struct {
	h        *hist.Histogram
	ok, errs uint64
	bytes    uint64
	sample   string
	elapsed  time.Duration
	// CPU time over the measured window (ok: it was measured)
	serverCPU, pgCPU     time.Duration
	serverCPUOK, pgCPUOK bool
}

// Run measures every workload × connection count × target, interleaving
// targets within each cell as Schedule says.
func Run(ctx context.Context, c Config) ([]Result, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	var out []Result
	slice := c.Duration / time.Duration(c.Rounds)
	mode := "closed"
	if c.Rate > 0 {
		mode = "open"
	}
	for wi := range c.Workloads {
		w := &c.Workloads[wi]
		prepared := make([]*preparedWorkload, len(c.Targets))
		skip := make([]string, len(c.Targets))
		for ti, t := range c.Targets {
			prepared[ti], skip[ti] = prepare(t, w)
			if skip[ti] == "" {
				skip[ti] = c.probe(ctx, t, prepared[ti])
			}
			if skip[ti] != "" {
				c.logf("%s: %s skipped: %s", w.Name, t.Name, skip[ti])
			}
		}
		if !w.Mutates {
			c.checkSameData(ctx, prepared, skip)
		}
		if c.Warmup > 0 {
			if err := c.warmUp(ctx, prepared, skip); err != nil {
				return out, err
			}
		}
		for _, conns := range c.Connections {
			acc := make([]*Result, len(c.Targets))
			for ti, t := range c.Targets {
				acc[ti] = &Result{Target: t.Name, Workload: w.Name, Mode: mode, Connections: conns, Rate: c.Rate,
					Skipped: skip[ti] != "", SkipReason: skip[ti], hist: hist.New()}
			}
			var totalBytes = make([]uint64, len(c.Targets))
			for _, order := range Schedule(len(c.Targets), c.Rounds) {
				for _, ti := range order {
					if skip[ti] != "" {
						continue
					}
					if err := ctx.Err(); err != nil {
						return out, err
					}
					sr, err := c.runSlice(ctx, c.Targets[ti], prepared[ti], conns, slice)
					if err != nil {
						if ctx.Err() != nil {
							return out, ctx.Err()
						}
						// a target that cannot open its connections is reported, not fatal
						acc[ti].Skipped, acc[ti].SkipReason = true, "slice failed: "+err.Error()
						skipCell(acc[ti])
						c.logf("%s: %s c=%d failed: %v", w.Name, c.Targets[ti].Name, conns, err)
						continue
					}
					if acc[ti].Skipped {
						continue
					}
					r := acc[ti]
					r.hist.Merge(sr.h)
					r.Requests += sr.ok
					r.Errors += sr.errs
					if r.ErrorSample == "" {
						r.ErrorSample = sr.sample
					}
					r.Seconds += sr.elapsed.Seconds()
					totalBytes[ti] += sr.bytes
					r.serverCPU += sr.serverCPU
					r.pgCPU += sr.pgCPU
					r.serverCPUOK = r.serverCPUOK || sr.serverCPUOK
					r.pgCPUOK = r.pgCPUOK || sr.pgCPUOK
				}
			}
			for ti, r := range acc {
				if !r.Skipped {
					finish(r, totalBytes[ti])
					cpu := ""
					if r.serverCPUOK || r.pgCPUOK {
						cpu = fmt.Sprintf("  CPU/req server %5.0f µs  PG %5.0f µs", r.ServerCPUUS, r.PGCPUUS)
					}
					c.logf("%-16s %-14s c=%-4d %9.0f req/s  p50 %8.0f µs  p99 %8.0f µs  errors %d%s",
						w.Name, r.Target, conns, r.RPS, r.P50, r.P99, r.Errors, cpu)
				}
				out = append(out, *r)
			}
		}
	}
	return out, nil
}

// warmUp runs one unmeasured slice per target at the largest connection count.
func (c *Config) warmUp(ctx context.Context, prepared []*preparedWorkload, skip []string) error {
	conns := 0
	for _, n := range c.Connections {
		conns = max(conns, n)
	}
	for ti, t := range c.Targets {
		if skip[ti] != "" {
			continue
		}
		saved := c.PIDs
		c.PIDs = nil // no CPU reading for a slice nobody reads
		_, err := c.runSlice(ctx, t, prepared[ti], conns, c.Warmup)
		c.PIDs = saved
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			c.logf("%s: %s warm-up failed: %v", prepared[ti].w.Name, t.Name, err)
		}
	}
	return nil
}

func skipCell(r *Result) {
	r.Requests, r.Errors, r.Seconds = 0, 0, 0
	r.hist = hist.New()
}

func finish(r *Result, bytes uint64) {
	h := r.hist
	if r.Seconds > 0 {
		r.RPS = float64(r.Requests) / r.Seconds
	}
	if r.Requests > 0 {
		r.MeanBytes = float64(bytes) / float64(r.Requests)
	}
	us := func(ns int64) float64 { return float64(ns) / 1e3 }
	r.P50, r.P90, r.P99, r.P999 = us(h.Quantile(0.5)), us(h.Quantile(0.9)), us(h.Quantile(0.99)), us(h.Quantile(0.999))
	r.Max, r.Mean = us(h.Max()), h.Mean()/1e3
	if r.Requests > 0 {
		if r.serverCPUOK {
			r.ServerCPUUS = float64(r.serverCPU.Microseconds()) / float64(r.Requests)
		}
		if r.pgCPUOK {
			r.PGCPUUS = float64(r.pgCPU.Microseconds()) / float64(r.Requests)
		}
	}
}

// runSlice drives one target with conns connections for d.
func (c *Config) runSlice(ctx context.Context, t Target, p *preparedWorkload, conns int, d time.Duration) (sliceResult, error) {
	execs := make([]executor, conns)
	defer func() {
		for _, e := range execs {
			if e != nil {
				e.close()
			}
		}
	}()
	if t.Kind == KindPG {
		pool, err := c.pgPool(ctx, t, conns)
		if err != nil {
			return sliceResult{}, err
		}
		defer pool.Close()
		for i := range execs {
			execs[i] = &pgPoolExecutor{pool: pool, p: p}
		}
	} else {
		for i := range execs {
			e, err := c.newExecutor(ctx, t, p)
			if err != nil {
				return sliceResult{}, err
			}
			execs[i] = e
		}
	}
	// Warm up every connection (TCP handshake, server-side caches, prepared
	// statements) before the clock starts.
	var wg sync.WaitGroup
	for i, e := range execs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e.do(ctx, i%len(p.reqs))
		}()
	}
	wg.Wait()

	var counter atomic.Int64
	hs := make([]*hist.Histogram, conns)
	oks := make([]uint64, conns)
	errs := make([]uint64, conns)
	byts := make([]uint64, conns)
	samples := make([]string, conns)
	cpu := c.startCPU(t) // before the clock starts: reading /proc takes a few ms
	start := time.Now()
	deadline := start.Add(d)
	var interval time.Duration
	if c.Rate > 0 {
		interval = time.Duration(float64(time.Second) / c.Rate)
		if interval <= 0 {
			interval = 1
		}
	}
	var lastDone atomic.Int64
	for i, e := range execs {
		hs[i] = hist.New()
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := hs[i]
			v := i % len(p.reqs)
			for ctx.Err() == nil {
				k := counter.Add(1) - 1
				if c.MaxRequests > 0 && k >= c.MaxRequests {
					return
				}
				var t0 time.Time
				if interval > 0 {
					t0 = start.Add(time.Duration(k) * interval)
					if !t0.Before(deadline) {
						return
					}
					if wait := time.Until(t0); wait > 0 {
						time.Sleep(wait)
					}
				} else {
					t0 = time.Now()
					if !t0.Before(deadline) {
						return
					}
				}
				ok, n, reason := e.do(ctx, v)
				t1 := time.Now()
				if t1.After(deadline) {
					return // answered outside the measured window
				}
				lastDone.Store(t1.UnixNano())
				if ok {
					h.Record(int64(t1.Sub(t0)))
					oks[i]++
					byts[i] += uint64(n)
				} else {
					errs[i]++
					if samples[i] == "" {
						samples[i] = reason
					}
					if n == 0 {
						time.Sleep(10 * time.Millisecond) // transport error: do not spin on a dead server
					}
				}
				v++
				if v == len(p.reqs) {
					v = 0
				}
			}
		}()
	}
	wg.Wait()
	sr := sliceResult{h: hist.New(), elapsed: d}
	cpu.stop(&sr)
	if c.MaxRequests > 0 && counter.Load() >= c.MaxRequests {
		if ld := lastDone.Load(); ld > 0 {
			sr.elapsed = time.Unix(0, ld).Sub(start)
		}
	}
	for i := range hs {
		sr.h.Merge(hs[i])
		sr.ok += oks[i]
		sr.errs += errs[i]
		sr.bytes += byts[i]
		if sr.sample == "" {
			sr.sample = samples[i]
		}
	}
	return sr, ctx.Err()
}
