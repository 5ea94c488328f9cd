// Command wsbench measures GraphQL subscriptions over WebSocket: how many
// subscribed connections one server holds, their memory, and how long one
// change takes to reach all of them. It is a black box client: it starts
// the server (fraiseql-http, or its own minimal reference, `wsbench ref`:
// gorilla/websocket and pgx LISTEN with no GraphQL), opens the sockets,
// subscribes each to postUpdated of one post, then changes the post with an
// UPDATE (the trigger sends the event) and times every delivery.
//
//	wsbench run --target fraiseql --conns 10000 --groups 1 --events 5 --sustain 10
//	wsbench run --target ref ...
//
// Memory is the server's RSS after all sockets are subscribed, minus its
// RSS before the first one, divided by the sockets. Latency is from just
// before the UPDATE is sent to each socket's receipt of the new title. With
// --groups G the subscribers use G distinct documents (an alias differs), so
// the server reads G times per event. --sustain S then changes the post
// once a second for S seconds and reports the server's and PostgreSQL's CPU
// over that time. Everything runs on the same machine: results are shared
// with the load generator and PostgreSQL, so use the ratios. It must never
// import the product's packages (the server is a black box) nor change data
// other than the one post it updates.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/jackc/pgx/v5"

	"github.com/fraiseql/fraiseql-http/perf/internal/procstat"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: wsbench run|ref [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "run":
		err = run(os.Args[2:])
	case "ref":
		err = ref(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "wsbench:", err)
		os.Exit(1)
	}
}

type config struct {
	target, serverBin, schema, dbURL, post string
	conns, groups, events, sustain         int
}

// Result is one run's numbers (also printed as one JSON line).
type Result struct {
	Target         string  `json:"target"`
	Conns          int     `json:"conns"`
	Subscribed     int     `json:"subscribed"`
	Groups         int     `json:"groups"`
	RSSBaseKB      int64   `json:"rss_base_kb"`
	RSSSubscribed  int64   `json:"rss_subscribed_kb"`
	BytesPerConn   float64 `json:"bytes_per_conn"`
	Events         int     `json:"events"`
	Delivered      int     `json:"delivered"`
	FanP50         float64 `json:"fanout_p50_ms"`
	FanP99         float64 `json:"fanout_p99_ms"`
	FanMax         float64 `json:"fanout_max_ms"`
	SustainSeconds int     `json:"sustain_s"`
	SustainDeliv   int     `json:"sustain_deliveries"`
	SustainP50     float64 `json:"sustain_p50_ms"`
	SustainP99     float64 `json:"sustain_p99_ms"`
	ServerCPU      float64 `json:"sustain_server_cpu_pct"`
	PostgresCPU    float64 `json:"sustain_postgres_cpu_pct"`
	RSSSustainKB   int64   `json:"rss_sustain_kb"`
}

func run(args []string) error {
	var c config
	fs := flag.NewFlagSet("run", flag.ExitOnError)
	fs.StringVar(&c.target, "target", "fraiseql", "fraiseql or ref")
	fs.StringVar(&c.serverBin, "server-bin", "bin/fraiseql-http", "fraiseql-http binary")
	fs.StringVar(&c.schema, "schema", "examples/blog/app.graphql,examples/blog/subscriptions.graphql", "declaration")
	fs.StringVar(&c.dbURL, "database-url", os.Getenv("FRAISEQL_DATABASE_URL"), "PostgreSQL URL (a scratch demo database: the run updates a post)")
	fs.StringVar(&c.post, "post", "22222222-2222-4222-8222-222222222201", "post the subscribers follow")
	fs.IntVar(&c.conns, "conns", 10000, "subscribed connections")
	fs.IntVar(&c.groups, "groups", 1, "distinct subscription documents")
	fs.IntVar(&c.events, "events", 5, "timed events")
	fs.IntVar(&c.sustain, "sustain", 0, "seconds of one event per second after the timed events")
	fs.Parse(args)
	if _, err := procstat.RaiseNoFile(); err != nil {
		return err
	}
	ctx := context.Background()
	argv := []string{c.serverBin, "serve", "--schema", c.schema, "--database-url", c.dbURL, "--port", "0",
		"--max-connections", strconv.Itoa(c.conns + 1000), "--pool-size", "8"}
	if c.target == "ref" {
		self, err := os.Executable()
		if err != nil {
			return err
		}
		argv = []string{self, "ref", "--database-url", c.dbURL, "--port", "0"}
	}
	p, err := procstat.Start(ctx, argv, nil, "/health", 30*time.Second)
	if err != nil {
		return err
	}
	defer p.Stop()
	pid := p.Cmd.Process.Pid
	time.Sleep(500 * time.Millisecond)
	res := Result{Target: c.target, Conns: c.conns, Groups: c.groups, Events: c.events, SustainSeconds: c.sustain}
	res.RSSBaseKB, _ = procstat.RSSKB(pid)

	db, err := pgx.Connect(ctx, c.dbURL)
	if err != nil {
		return err
	}
	defer db.Close(ctx)

	col := newCollector(c.conns)
	clients, err := dialAll(p.Addr, &c, col)
	res.Subscribed = len(clients)
	defer func() {
		for _, cl := range clients {
			cl.Close()
		}
	}()
	if err != nil {
		fmt.Fprintf(os.Stderr, "wsbench: %v (continuing with %d)\n", err, len(clients))
	}
	// Warm-up: change the post until every socket has had an event, so all
	// subscriptions are registered before anything is timed.
	warm := false
	for i := 0; i < 30 && !warm; i++ {
		title := fmt.Sprintf("warm-%d-%d", time.Now().UnixNano(), i)
		col.expect(title, time.Now())
		if _, err := db.Exec(ctx, `UPDATE tb_post SET title = $2 WHERE id = $1`, c.post, title); err != nil {
			return err
		}
		warm = col.wait(title, len(clients), 2*time.Second) == len(clients)
	}
	if !warm {
		return fmt.Errorf("not every socket received the warm-up event")
	}
	time.Sleep(2 * time.Second)
	res.RSSSubscribed, _ = procstat.RSSKB(pid)
	res.BytesPerConn = float64(res.RSSSubscribed-res.RSSBaseKB) * 1024 / float64(len(clients))

	var all []time.Duration
	for k := 0; k < c.events; k++ {
		title := fmt.Sprintf("ev-%d-%d", time.Now().UnixNano(), k)
		col.expect(title, time.Now())
		if _, err := db.Exec(ctx, `UPDATE tb_post SET title = $2 WHERE id = $1`, c.post, title); err != nil {
			return err
		}
		col.wait(title, len(clients), 30*time.Second)
		lat := col.latencies(title)
		res.Delivered += len(lat)
		all = append(all, lat...)
		time.Sleep(300 * time.Millisecond)
	}
	res.FanP50, res.FanP99, res.FanMax = quantile(all, 0.5), quantile(all, 0.99), quantile(all, 1)

	if c.sustain > 0 {
		dbName := db.Config().Database
		cpu0, _ := procstat.TreeCPU(pid)
		pg0, _ := procstat.BackendCPU(dbName)
		t0 := time.Now()
		var titles []string
		tick := time.NewTicker(time.Second)
		for s := 0; s < c.sustain; s++ {
			title := fmt.Sprintf("sus-%d-%d", time.Now().UnixNano(), s)
			titles = append(titles, title)
			col.expect(title, time.Now())
			if _, err := db.Exec(ctx, `UPDATE tb_post SET title = $2 WHERE id = $1`, c.post, title); err != nil {
				return err
			}
			<-tick.C
		}
		tick.Stop()
		col.wait(titles[len(titles)-1], len(clients), 10*time.Second)
		elapsed := time.Since(t0)
		cpu1, _ := procstat.TreeCPU(pid)
		pg1, _ := procstat.BackendCPU(dbName)
		res.ServerCPU = 100 * cpu1.Since(cpu0).Seconds() / elapsed.Seconds()
		res.PostgresCPU = 100 * pg1.Since(pg0).Seconds() / elapsed.Seconds()
		var sus []time.Duration
		for _, t := range titles {
			sus = append(sus, col.latencies(t)...)
		}
		res.SustainDeliv = len(sus)
		res.SustainP50, res.SustainP99 = quantile(sus, 0.5), quantile(sus, 0.99)
		res.RSSSustainKB, _ = procstat.RSSKB(pid)
	}
	report(&res)
	return nil
}

func quantile(d []time.Duration, q float64) float64 {
	if len(d) == 0 {
		return math.NaN()
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := int(math.Ceil(q*float64(len(s)))) - 1
	i = max(0, min(i, len(s)-1))
	return float64(s[i].Microseconds()) / 1000
}

func report(r *Result) {
	fmt.Printf("target %s: %d/%d sockets subscribed, %d distinct documents\n", r.Target, r.Subscribed, r.Conns, r.Groups)
	fmt.Printf("  RSS %.1f MB idle -> %.1f MB subscribed: %.0f bytes per subscribed connection\n",
		float64(r.RSSBaseKB)/1024, float64(r.RSSSubscribed)/1024, r.BytesPerConn)
	fmt.Printf("  fan-out of %d events: %d deliveries, latency p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
		r.Events, r.Delivered, r.FanP50, r.FanP99, r.FanMax)
	if r.SustainSeconds > 0 {
		fmt.Printf("  sustained %d s at 1 event/s (%d deliveries/s): p50 %.1f ms, p99 %.1f ms; server CPU %.0f%%, PostgreSQL CPU %.0f%% (of one core), RSS %.1f MB\n",
			r.SustainSeconds, r.Subscribed, r.SustainP50, r.SustainP99, r.ServerCPU, r.PostgresCPU, float64(r.RSSSustainKB)/1024)
	}
	b, _ := json.Marshal(r)
	fmt.Printf("json %s\n", b)
}

// collector times deliveries: expect records when a title was sent; each
// socket's reader reports the titles it receives.
type collector struct {
	mu   sync.Mutex
	sent map[string]time.Time
	got  map[string][]time.Duration
	cond *sync.Cond
}

func newCollector(n int) *collector {
	c := &collector{sent: map[string]time.Time{}, got: map[string][]time.Duration{}}
	c.cond = sync.NewCond(&c.mu)
	return c
}

func (c *collector) expect(title string, at time.Time) {
	c.mu.Lock()
	c.sent[title] = at
	c.mu.Unlock()
}

func (c *collector) receive(title string, at time.Time) {
	c.mu.Lock()
	if t0, ok := c.sent[title]; ok {
		c.got[title] = append(c.got[title], at.Sub(t0))
		c.cond.Broadcast()
	}
	c.mu.Unlock()
}

// wait blocks until n deliveries of title arrived or d passed; it returns
// how many did.
func (c *collector) wait(title string, n int, d time.Duration) int {
	timer := time.AfterFunc(d, func() { c.mu.Lock(); c.cond.Broadcast(); c.mu.Unlock() })
	defer timer.Stop()
	deadline := time.Now().Add(d)
	c.mu.Lock()
	defer c.mu.Unlock()
	for len(c.got[title]) < n && time.Now().Before(deadline) {
		c.cond.Wait()
	}
	return len(c.got[title])
}

func (c *collector) latencies(title string) []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.got[title])
}

// titleKey finds the title in a payload: fraiseql-http writes compact JSON,
// the reference PostgreSQL's jsonb text ("title": "…").
var titleKey = []byte(`"title":`)

// dialAll opens c.conns sockets, 64 at a time, each subscribed.
func dialAll(addr string, c *config, col *collector) ([]*websocket.Conn, error) {
	u := url.URL{Scheme: "ws", Host: addr, Path: "/graphql"}
	d := websocket.Dialer{Subprotocols: []string{"graphql-transport-ws"}, ReadBufferSize: 512, WriteBufferSize: 512,
		HandshakeTimeout: 30 * time.Second}
	conns := make([]*websocket.Conn, c.conns)
	var failed atomic.Int64
	var firstErr atomic.Value
	sem := make(chan struct{}, 64)
	var wg sync.WaitGroup
	for i := range c.conns {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			ws, err := subscribe(&d, u.String(), c, i)
			if err != nil {
				failed.Add(1)
				firstErr.CompareAndSwap(nil, err)
				return
			}
			conns[i] = ws
			go read(ws, col)
		}()
	}
	wg.Wait()
	out := slices.DeleteFunc(conns, func(ws *websocket.Conn) bool { return ws == nil })
	if n := failed.Load(); n > 0 {
		return out, fmt.Errorf("%d sockets failed, first: %v", n, firstErr.Load())
	}
	return out, nil
}

func subscribe(d *websocket.Dialer, u string, c *config, i int) (*websocket.Conn, error) {
	ws, _, err := d.Dial(u, nil)
	if err != nil {
		return nil, err
	}
	alias := ""
	if c.groups > 1 {
		alias = fmt.Sprintf(" g%d: id", i%c.groups)
	}
	doc := fmt.Sprintf(`subscription { postUpdated(id: "%s") { id title%s } }`, c.post, alias)
	sub, _ := json.Marshal(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]string{"query": doc}})
	if c.target == "ref" {
		// The reference's protocol: the first message is the group.
		if err := ws.WriteMessage(websocket.TextMessage, sub); err != nil {
			ws.Close()
			return nil, err
		}
		return ws, nil
	}
	if err := ws.WriteMessage(websocket.TextMessage, []byte(`{"type":"connection_init"}`)); err != nil {
		ws.Close()
		return nil, err
	}
	ws.SetReadDeadline(time.Now().Add(30 * time.Second))
	for {
		_, msg, err := ws.ReadMessage()
		if err != nil {
			ws.Close()
			return nil, err
		}
		if strings.Contains(string(msg), "connection_ack") {
			break
		}
	}
	ws.SetReadDeadline(time.Time{})
	if err := ws.WriteMessage(websocket.TextMessage, sub); err != nil {
		ws.Close()
		return nil, err
	}
	return ws, nil
}

// read reports the title of every next message; it answers pings (the
// server's ping messages) with pong.
func read(ws *websocket.Conn, col *collector) {
	for {
		_, msg, err := ws.ReadMessage()
		if err != nil {
			return
		}
		at := time.Now()
		if i := bytes.Index(msg, titleKey); i >= 0 {
			rest := bytes.TrimLeft(msg[i+len(titleKey):], " ")
			rest = bytes.TrimPrefix(rest, []byte(`"`))
			if j := bytes.IndexByte(rest, '"'); j >= 0 {
				col.receive(string(rest[:j]), at)
			}
			continue
		}
		if bytes.Contains(msg, []byte(`"type":"ping"`)) {
			ws.WriteMessage(websocket.TextMessage, []byte(`{"type":"pong"}`))
		}
	}
}
