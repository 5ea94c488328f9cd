package subscriptions

// Test scaffolding, not a product Executor: the real one is graphqlexec's.
// scriptedExecutor answers by the query text so that protocol tests are
// deterministic; its subscriptions read from PostgreSQL when given a
// connection config (hub tests), or return a counter otherwise.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/fraiseql/fraiseql-http/testdb"
)

type scriptedExecutor struct {
	pool    *pgxpool.Pool // nil: subscriptions answer without a database
	reads   atomic.Int64
	block   chan struct{}      // when not nil, Read waits on it
	prepare func(req *Request) // observed requests
}

type scriptedSingle struct {
	kind OperationKind
	body string
	err  error
	slow time.Duration
}

func (s *scriptedSingle) Kind() OperationKind { return s.kind }
func (s *scriptedSingle) Execute(ctx context.Context) ([]byte, error) {
	if s.slow > 0 {
		select {
		case <-time.After(s.slow):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if s.body == "panic" {
		panic("scripted panic in Execute")
	}
	return []byte(s.body), s.err
}

// scriptedSub is postUpdated(id:) on Post, scoped by tenant when the
// variables carry one.
type scriptedSub struct {
	x      *scriptedExecutor
	id     string
	tenant string
	key    string
}

func (s *scriptedSub) Kind() OperationKind { return KindSubscription }
func (s *scriptedSub) Entity() string      { return "Post" }
func (s *scriptedSub) Filter() Filter {
	f := Filter{ID: s.id}
	if s.tenant != "" {
		f.Scope = map[string]string{"tenant_id": s.tenant}
	}
	return f
}
func (s *scriptedSub) GroupKey() string { return s.key }
func (s *scriptedSub) Read(ctx context.Context, ev Event) ([]byte, bool, error) {
	n := s.x.reads.Add(1)
	if s.x.block != nil {
		select {
		case <-s.x.block:
		case <-ctx.Done():
			return nil, false, ctx.Err()
		}
	}
	if s.x.pool == nil {
		if ev.ID == "fail" {
			return nil, false, errors.New("scripted read failure")
		}
		if ev.ID == "skip" {
			return nil, false, nil
		}
		if ev.ID == "big" {
			return fmt.Appendf(nil, `{"data":{"postUpdated":{"pad":%q}}}`, strings.Repeat("x", 256<<10)), true, nil
		}
		return fmt.Appendf(nil, `{"data":{"postUpdated":{"id":%q,"op":%q,"read":%d}}}`, ev.ID, ev.Op, n), true, nil
	}
	var data []byte
	sql := `SELECT data::text FROM v_post WHERE id = $1`
	args := []any{ev.ID}
	if s.tenant != "" {
		sql += ` AND tenant_id = $2`
		args = append(args, s.tenant)
	}
	err := s.x.pool.QueryRow(ctx, sql, args...).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return append(append([]byte(`{"data":{"postUpdated":`), data...), `}}`...), true, nil
}

func (x *scriptedExecutor) Prepare(ctx context.Context, req *Request) (Operation, error) {
	if x.prepare != nil {
		x.prepare(req)
	}
	q := strings.TrimSpace(req.Query)
	switch {
	case q == "{ ok }":
		return &scriptedSingle{kind: KindQuery, body: `{"data":{"ok":true}}`}, nil
	case q == "{ slow }":
		return &scriptedSingle{kind: KindQuery, body: `{"data":{"slow":true}}`, slow: 300 * time.Millisecond}, nil
	case q == "{ whoami }":
		who := "anonymous"
		if req.Auth != nil && req.Auth.User != nil {
			who = req.Auth.User.UserID
		}
		return &scriptedSingle{kind: KindQuery, body: fmt.Sprintf(`{"data":{"whoami":%q}}`, who)}, nil
	case strings.HasPrefix(q, "mutation"):
		return &scriptedSingle{kind: KindMutation, body: `{"data":{"touch":{"ok":true}}}`}, nil
	case q == "{ nope }":
		return nil, &RequestError{Errors: json.RawMessage(`[{"message":"Cannot query field 'nope' on type 'Query'.","locations":[{"line":1,"column":3}]}]`)}
	case q == "{ boom }":
		return nil, errors.New("scripted engine failure: connection refused to 10.0.0.1")
	case q == "{ panic }":
		panic("scripted panic in Prepare")
	case q == "{ executePanic }":
		return &scriptedSingle{kind: KindQuery, body: "panic"}, nil
	case strings.HasPrefix(q, "subscription"):
		var vars struct {
			ID     string `json:"id"`
			Tenant string `json:"tenant"`
		}
		if req.Variables != nil {
			if err := json.Unmarshal(req.Variables, &vars); err != nil {
				return nil, &RequestError{Errors: json.RawMessage(`[{"message":"bad variables"}]`)}
			}
		}
		return &scriptedSub{x: x, id: vars.ID, tenant: vars.Tenant, key: q + "|" + string(req.Variables)}, nil
	}
	return nil, &RequestError{Errors: json.RawMessage(`[{"message":"unknown scripted query"}]`)}
}

// ---- a server and a client ----

type testServer struct {
	t    *testing.T
	srv  *httptest.Server
	h    *Handler
	hub  *Hub
	exec *scriptedExecutor
}

// newTestServer serves a Handler over a real TCP listener. hub may be nil.
func newTestServer(t *testing.T, cfg Config, exec *scriptedExecutor, hub *Hub, authn Authenticator) *testServer {
	t.Helper()
	if exec == nil {
		exec = &scriptedExecutor{}
	}
	if cfg.Logger == nil {
		cfg.Logger = quietLogger()
	}
	if strings.HasPrefix(t.Name(), "TestGoroutinePerSocket/") {
		cfg.GoroutinePerSocket = true
	}
	h, err := NewHandler(cfg, exec, hub, authn)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	ts := &testServer{t: t, srv: srv, h: h, hub: hub, exec: exec}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := h.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		srv.Close()
	})
	return ts
}

// newHubForTest is a Hub that is never Run: tests feed it with dispatch.
func newHubForTest(t testing.TB) *Hub {
	t.Helper()
	cc, err := pgx.ParseConfig("postgres://nobody@127.0.0.1:1/none")
	if err != nil {
		t.Fatal(err)
	}
	h, err := NewHub(HubConfig{ConnConfig: cc, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func (h *Hub) testEvent(entity, op, id string, scope map[string]string) {
	b, _ := json.Marshal(map[string]any{"entity": entity, "op": op, "id": id, "scope": scope})
	h.dispatch(context.Background(), b)
}

type client struct {
	t  *testing.T
	ws *websocket.Conn
}

func (ts *testServer) dial(protocols ...string) *client {
	ts.t.Helper()
	c, resp, err := ts.tryDial(http.Header{}, protocols...)
	if err != nil {
		ts.t.Fatalf("dial: %v (%v)", err, resp)
	}
	return c
}

func (ts *testServer) tryDial(h http.Header, protocols ...string) (*client, *http.Response, error) {
	d := websocket.Dialer{Subprotocols: protocols, HandshakeTimeout: 5 * time.Second}
	ws, resp, err := d.Dial("ws"+strings.TrimPrefix(ts.srv.URL, "http")+"/graphql", h)
	if err != nil {
		return nil, resp, err
	}
	c := &client{t: ts.t, ws: ws}
	ts.t.Cleanup(func() { ws.Close() })
	return c, resp, nil
}

func (c *client) send(s string) {
	c.t.Helper()
	if err := c.ws.WriteMessage(websocket.TextMessage, []byte(s)); err != nil {
		c.t.Fatalf("send %s: %v", s, err)
	}
}

// next reads one message (failing on close or after 5 s).
func (c *client) next() map[string]any {
	c.t.Helper()
	_ = c.ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, data, err := c.ws.ReadMessage()
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		c.t.Fatalf("server sent invalid JSON %q", data)
	}
	return m
}

// nextRaw reads one message's bytes.
func (c *client) nextRaw() string {
	c.t.Helper()
	_ = c.ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, data, err := c.ws.ReadMessage()
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	return string(data)
}

// expectType reads messages, skipping keepalives, until one arrives; it
// must have type typ.
func (c *client) expectType(typ string) map[string]any {
	c.t.Helper()
	for {
		m := c.next()
		if m["type"] == "ka" || (m["type"] == "ping" && typ != "ping") {
			continue
		}
		if m["type"] != typ {
			c.t.Fatalf("got %v, want type %s", m, typ)
		}
		return m
	}
}

// expectClose reads until the close frame and checks its code.
func (c *client) expectClose(code int) string {
	c.t.Helper()
	_ = c.ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		_, data, err := c.ws.ReadMessage()
		if err == nil {
			var m map[string]any
			_ = json.Unmarshal(data, &m)
			if m["type"] == "ka" || m["type"] == "ping" || m["type"] == "connection_error" ||
				m["type"] == "next" || m["type"] == "data" {
				continue
			}
			c.t.Fatalf("got message %s, want close %d", data, code)
		}
		var ce *websocket.CloseError
		if !errors.As(err, &ce) {
			c.t.Fatalf("got %v, want close %d", err, code)
		}
		if ce.Code != code {
			c.t.Fatalf("close %d %q, want %d", ce.Code, ce.Text, code)
		}
		return ce.Text
	}
}

// init sends connection_init and waits for the ack.
func (c *client) init(payload string) {
	c.t.Helper()
	if payload == "" {
		c.send(`{"type":"connection_init"}`)
	} else {
		c.send(`{"type":"connection_init","payload":` + payload + `}`)
	}
	c.expectType("connection_ack")
}

// sync makes sure every earlier message was handled: a ping's pong comes
// back after them.
func (c *client) sync() {
	c.t.Helper()
	c.send(`{"type":"ping"}`)
	c.expectType("pong")
}

// waitFor polls cond for up to 5 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// ---- PostgreSQL ----

// freshDB creates a database of its own loaded with examples/blog/schema.sql
// and NotifySQL (tests change rows and triggers, never the shared demo
// database) and returns its config; testdb drops it at cleanup.
func freshDB(t *testing.T) *pgx.ConnConfig {
	t.Helper()
	return testdb.Scratch(t, "fraiseql_subs_test", testdb.File(t, "../examples/blog/schema.sql"), NotifySQL).Config.Copy()
}

func execSQL(t *testing.T, cfg *pgx.ConnConfig, sql string, args ...any) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}
