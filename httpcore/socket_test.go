package httpcore

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/jackc/pgx/v5"

	"github.com/fraiseql/fraiseql-http/subscriptions"
)

// The WebSocket side of the server, over real sockets with gorilla's
// client, against a fresh demo database with the subscriptions trigger.

const wsPost = "22222222-2222-4222-8222-222222222201" // tenant A

// subscriptionsDatabase is demoDatabase plus the shipped trigger function
// and the demo's installation on tb_post and tb_comment.
func subscriptionsDatabase(t *testing.T) string {
	t.Helper()
	url := demoDatabase(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	demo, err := os.ReadFile(filepath.Join("..", "examples", "blog", "subscriptions.sql"))
	if err != nil {
		t.Fatal(err)
	}
	for _, sql := range []string{subscriptions.NotifySQL, string(demo)} {
		if _, err := conn.PgConn().Exec(ctx, sql).ReadAll(); err != nil {
			t.Fatalf("installing the trigger: %v", err)
		}
	}
	return url
}

// socketApp is one running App serving the demo's subscriptions.
type socketApp struct {
	app  *App
	addr string
	done chan error
}

func startSocketApp(t *testing.T, dbURL string, set func(*Config)) *socketApp {
	t.Helper()
	cfg := DefaultConfig()
	cfg.SchemaPath = "../examples/blog/app.graphql,../examples/blog/subscriptions.graphql"
	cfg.DatabaseURL = dbURL
	cfg.Port = 0
	cfg.PoolSize = 2
	if set != nil {
		set(&cfg)
	}
	app, err := Open(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	addr, err := app.Listen()
	if err != nil {
		t.Fatal(err)
	}
	sa := &socketApp{app: app, addr: addr.String(), done: make(chan error, 1)}
	go func() { sa.done <- app.Serve() }()
	t.Cleanup(func() { sa.stop(t) })
	// Events are only delivered once LISTEN is up; /ready says when.
	for deadline := time.Now().Add(10 * time.Second); ; {
		if _, listening := app.Subscriptions(); listening {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("LISTEN not up after 10 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	return sa
}

func (sa *socketApp) stop(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := sa.app.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	if sa.done != nil {
		if err := <-sa.done; err != nil {
			t.Errorf("Serve: %v", err)
		}
		sa.done = nil
	}
}

func (sa *socketApp) post(t *testing.T, query string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": query})
	resp, err := http.Post("http://"+sa.addr+"/graphql", "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func (sa *socketApp) dial(t *testing.T, path, protocol string, header http.Header) *websocket.Conn {
	t.Helper()
	d := websocket.Dialer{Subprotocols: []string{protocol}, HandshakeTimeout: 5 * time.Second}
	c, resp, err := d.Dial("ws://"+sa.addr+path, header)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Fatalf("dial %s: %v (status %d)", path, err, status)
	}
	t.Cleanup(func() { c.Close() })
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	return c
}

func send(t *testing.T, c *websocket.Conn, msg string) {
	t.Helper()
	if err := c.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
		t.Fatal(err)
	}
}

// next reads messages until one of type typ (skipping keepalives).
func next(t *testing.T, c *websocket.Conn, typ string) map[string]json.RawMessage {
	t.Helper()
	for {
		_, b, err := c.ReadMessage()
		if err != nil {
			t.Fatalf("waiting for %s: %v", typ, err)
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("not JSON: %s", b)
		}
		var got string
		json.Unmarshal(m["type"], &got)
		if got == "ka" || got == "ping" || got == "pong" {
			continue
		}
		if got != typ {
			t.Fatalf("got %s, want %s", b, typ)
		}
		return m
	}
}

// mutateUntil runs updatePost through sa until c receives a message of
// type typ (a subscribe has no acknowledgement: the first mutation may
// come before the subscription is registered).
func mutateUntil(t *testing.T, sa *socketApp, c *websocket.Conn, typ, title string) map[string]json.RawMessage {
	t.Helper()
	return actUntil(t, c, typ, func(i int) {
		body := sa.post(t, fmt.Sprintf(`mutation { updatePost(input: {id: %q, title: "%s %d"}) { __typename } }`, wsPost, title, i))
		if !strings.Contains(body, "UpdatePostSuccess") {
			t.Fatalf("updatePost: %s", body)
		}
	})
}

// actUntil repeats act (at most 40 times, 250 ms apart) until c receives a
// message of type typ, which it returns.
func actUntil(t *testing.T, c *websocket.Conn, typ string, act func(i int)) map[string]json.RawMessage {
	t.Helper()
	msgs := make(chan map[string]json.RawMessage, 1)
	go func() {
		var m map[string]json.RawMessage
		defer func() { msgs <- m }()
		for {
			_, b, err := c.ReadMessage()
			if err != nil {
				return
			}
			var mm map[string]json.RawMessage
			if json.Unmarshal(b, &mm) != nil {
				return
			}
			var got string
			json.Unmarshal(mm["type"], &got)
			if got == typ {
				m = mm
				return
			}
		}
	}()
	for i := 0; i < 40; i++ {
		act(i)
		select {
		case m := <-msgs:
			if m == nil {
				t.Fatal("the socket closed before the event")
			}
			return m
		case <-time.After(250 * time.Millisecond):
		}
	}
	t.Fatal("no event after 40 tries")
	return nil
}

func TestWebSocketSubscriptions(t *testing.T) {
	t.Parallel()
	db := subscriptionsDatabase(t)
	a := startSocketApp(t, db, nil)

	t.Run("graphql-transport-ws on /graphql", func(t *testing.T) {
		c := a.dial(t, "/graphql", subscriptions.ProtocolTransportWS, nil)
		send(t, c, `{"type":"connection_init"}`)
		next(t, c, "connection_ack")
		if n := a.app.ActiveConnections(); n < 1 {
			t.Errorf("ActiveConnections with a socket open = %d", n)
		}
		send(t, c, `{"id":"1","type":"subscribe","payload":{"query":"subscription($id: UUID) { postUpdated(id: $id) { id title } }","variables":{"id":"`+wsPost+`"}}}`)
		m := mutateUntil(t, a, c, "next", "transport")
		if !strings.HasPrefix(string(m["payload"]), `{"data":{"postUpdated":{"__typename":"Post","id":"`+wsPost+`","title":"transport `) {
			t.Fatalf("payload %s", m["payload"])
		}
		// A query over the socket answers what HTTP answers, then completes.
		send(t, c, `{"id":"2","type":"subscribe","payload":{"query":"{ post(id: \"`+wsPost+`\") { id } }"}}`)
		q := next(t, c, "next")
		if http := a.post(t, `{ post(id: "`+wsPost+`") { id } }`); string(q["payload"]) != http {
			t.Errorf("query over the socket: %s, over HTTP: %s", q["payload"], http)
		}
		next(t, c, "complete")
	})

	t.Run("legacy graphql-ws on /graphql/subscriptions", func(t *testing.T) {
		c := a.dial(t, "/graphql/subscriptions", subscriptions.ProtocolLegacyWS, nil)
		send(t, c, `{"type":"connection_init","payload":{}}`)
		next(t, c, "connection_ack")
		send(t, c, `{"id":"a","type":"start","payload":{"query":"subscription { postUpdated { id title } }"}}`)
		m := mutateUntil(t, a, c, "data", "legacy")
		if !strings.Contains(string(m["payload"]), `"title":"legacy `) {
			t.Fatalf("payload %s", m["payload"])
		}
	})

	t.Run("commentAdded(postId:) fires for a comment of that post only", func(t *testing.T) {
		c := a.dial(t, "/graphql", subscriptions.ProtocolTransportWS, nil)
		send(t, c, `{"type":"connection_init"}`)
		next(t, c, "connection_ack")
		send(t, c, `{"id":"c","type":"subscribe","payload":{"query":"subscription { commentAdded(postId: \"`+wsPost+`\") { content } }"}}`)
		conn, err := pgx.Connect(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(context.Background())
		insert := func(post, content string) {
			t.Helper()
			_, err := conn.Exec(context.Background(), `INSERT INTO tb_comment (id, tenant_id, post_id, author_id, content, created_at)
				SELECT gen_random_uuid(), p.tenant_id, p.id, p.author_id, $2, now() FROM tb_post p WHERE p.id = $1`, post, content)
			if err != nil {
				t.Fatal(err)
			}
		}
		// A comment on another post first each time: the subscriber must
		// skip it and receive the one on its post.
		m := actUntil(t, c, "next", func(i int) {
			insert("22222222-2222-4222-8222-222222222202", "elsewhere")
			insert(wsPost, fmt.Sprintf("here %d", i))
		})
		if !strings.HasPrefix(string(m["payload"]), `{"data":{"commentAdded":{"__typename":"Comment","content":"here `) {
			t.Fatalf("payload %s", m["payload"])
		}
	})

	t.Run("an invalid subscription gets an error, the socket stays", func(t *testing.T) {
		c := a.dial(t, "/graphql", subscriptions.ProtocolTransportWS, nil)
		send(t, c, `{"type":"connection_init"}`)
		next(t, c, "connection_ack")
		send(t, c, `{"id":"1","type":"subscribe","payload":{"query":"subscription { postUpdatd { id } }"}}`)
		if m := next(t, c, "error"); !strings.Contains(string(m["payload"]), "postUpdatd") {
			t.Errorf("error payload %s", m["payload"])
		}
		send(t, c, `{"type":"ping"}`)
		_, b, err := c.ReadMessage()
		if err != nil || !strings.Contains(string(b), "pong") {
			t.Errorf("after the error: %s %v", b, err)
		}
	})

	t.Run("a foreign Origin is refused, no subprotocol closes 4406", func(t *testing.T) {
		d := websocket.Dialer{Subprotocols: []string{subscriptions.ProtocolTransportWS}}
		_, resp, err := d.Dial("ws://"+a.addr+"/graphql", http.Header{"Origin": {"https://evil.example"}})
		if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
			t.Errorf("foreign origin: err=%v resp=%v", err, resp)
		}
		c, _, err := websocket.DefaultDialer.Dial("ws://"+a.addr+"/graphql", nil)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_, _, err = c.ReadMessage()
		var ce *websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != subscriptions.CloseSubprotocolNotOK {
			t.Errorf("no subprotocol: %v", err)
		}
	})

	t.Run("/ready reports LISTEN", func(t *testing.T) {
		resp, err := http.Get("http://" + a.addr + "/ready")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), `"subscriptions":"ok"`) {
			t.Errorf("/ready %d %s", resp.StatusCode, b)
		}
		// The metrics count the sockets and the subscriptions.
		c := a.dial(t, "/graphql", subscriptions.ProtocolTransportWS, nil)
		send(t, c, `{"type":"connection_init"}`)
		next(t, c, "connection_ack")
		send(t, c, `{"id":"m","type":"subscribe","payload":{"query":"subscription { postUpdated { id } }"}}`)
		var text string
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			code, body := get(t, "http://"+a.addr+"/metrics", "")
			text = body
			if code == 200 && strings.Contains(text, "\nfraiseql_subscriptions_listening 1\n") && !strings.Contains(text, "\nfraiseql_ws_subscriptions_active 0\n") {
				break
			}
		}
		for _, want := range []string{"\nfraiseql_subscriptions_listening 1\n", "\nfraiseql_ws_connections_active ", "\nfraiseql_subscriptions_reads_total "} {
			if !strings.Contains(text, want) {
				t.Errorf("metrics lack %q", want)
			}
		}
		if strings.Contains(text, "\nfraiseql_ws_subscriptions_active 0\n") || strings.Contains(text, "\nfraiseql_ws_connections_active 0\n") {
			t.Errorf("metrics count no socket or subscription")
		}
	})
}

// Two instances on one database: an event caused through A reaches a
// subscriber of B (each holds its own LISTEN connection).
func TestWebSocketTwoInstances(t *testing.T) {
	t.Parallel()
	db := subscriptionsDatabase(t)
	a := startSocketApp(t, db, nil)
	b := startSocketApp(t, db, nil)
	c := b.dial(t, "/graphql", subscriptions.ProtocolTransportWS, nil)
	send(t, c, `{"type":"connection_init"}`)
	next(t, c, "connection_ack")
	send(t, c, `{"id":"1","type":"subscribe","payload":{"query":"subscription { postUpdated(id: \"`+wsPost+`\") { title } }"}}`)
	m := mutateUntil(t, a, c, "next", "through A")
	if !strings.Contains(string(m["payload"]), `"title":"through A `) {
		t.Fatalf("payload %s", m["payload"])
	}
}

// Shutdown sends every socket a close frame 1001.
func TestWebSocketShutdown(t *testing.T) {
	t.Parallel()
	a := startSocketApp(t, subscriptionsDatabase(t), nil)
	c := a.dial(t, "/graphql", subscriptions.ProtocolTransportWS, nil)
	send(t, c, `{"type":"connection_init"}`)
	next(t, c, "connection_ack")
	send(t, c, `{"id":"1","type":"subscribe","payload":{"query":"subscription { postUpdated { id } }"}}`)
	a.stop(t)
	// A message the subscription got before the close (a loaded machine
	// may still be answering the subscribe when Shutdown starts) may come
	// first; the close frame must follow.
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	var before []string
	for {
		_, msg, err := c.ReadMessage()
		if err == nil {
			before = append(before, string(msg))
			continue
		}
		var ce *websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != websocket.CloseGoingAway {
			t.Fatalf("after Shutdown: %v (after %q)", err, before)
		}
		break
	}
	if len(before) > 0 {
		t.Logf("before the close frame: %q", before)
	}
}

// With --max-connections-overflow reject, a connection over the limit is
// answered at once: 503 with Retry-After, or close 1013 for an upgrade.
func TestOverflowReject(t *testing.T) {
	t.Parallel()
	a := startSocketApp(t, subscriptionsDatabase(t), func(c *Config) {
		c.MaxConnections = 1
		c.MaxConnectionsOverflow = "reject"
	})
	held := a.dial(t, "/graphql", subscriptions.ProtocolTransportWS, nil)
	send(t, held, `{"type":"connection_init"}`)
	next(t, held, "connection_ack")

	c, err := net.Dial("tcp", a.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	c.Write([]byte("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") != "1" || string(body) != overflowBody {
		t.Errorf("over the limit: %d %v %s", resp.StatusCode, resp.Header, body)
	}

	d := websocket.Dialer{Subprotocols: []string{subscriptions.ProtocolTransportWS}, HandshakeTimeout: 5 * time.Second}
	ws, _, err := d.Dial("ws://"+a.addr+"/graphql", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, _, err = ws.ReadMessage()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.CloseTryAgainLater {
		t.Errorf("upgrade over the limit: %v", err)
	}
}

func (sa *socketApp) postAs(t *testing.T, token, query string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": query})
	req, _ := http.NewRequest("POST", "http://"+sa.addr+"/graphql", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func closeCode(t *testing.T, c *websocket.Conn) int {
	t.Helper()
	for {
		_, _, err := c.ReadMessage()
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			return ce.Code
		}
		if err != nil {
			t.Fatalf("read: %v", err)
		}
	}
}

// Tokens on a socket: the same provider as HTTP, refused rather than made
// anonymous; each subscriber reads under its own tenant; production's
// introspection policy holds over the socket.
func TestWebSocketAuthAndTenants(t *testing.T) {
	t.Parallel()
	const tenantA, tenantB = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa", "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb"
	const postB = "22222222-2222-4222-8222-222222222228"
	a := startSocketApp(t, subscriptionsDatabase(t), func(c *Config) {
		c.Environment = "production"
		c.AuthAlgorithms = []string{"HS256"}
		c.AuthSecret = testSecret
		c.AuthAudience = []string{testAudience}
		c.AuthIssuer = testIssuer
	})
	tokenA := hsToken(t, "HS256", []byte(testSecret), validClaims(tenantA))
	tokenB := hsToken(t, "HS256", []byte(testSecret), validClaims(tenantB))
	forged := hsToken(t, "HS256", []byte("another-secret-0123456789abcdefgh"), validClaims(tenantB))

	for name, init := range map[string]string{
		"no token":             `{"type":"connection_init"}`,
		"token of another key": `{"type":"connection_init","payload":{"authorization":"Bearer ` + forged + `"}}`,
	} {
		c := a.dial(t, "/graphql", subscriptions.ProtocolTransportWS, nil)
		send(t, c, init)
		if code := closeCode(t, c); code != subscriptions.CloseForbidden {
			t.Errorf("%s: close %d, want 4403", name, code)
		}
	}

	// Tenant B, token in the init payload; tenant A, token on the upgrade.
	b := a.dial(t, "/graphql", subscriptions.ProtocolTransportWS, nil)
	send(t, b, `{"type":"connection_init","payload":{"authorization":"Bearer `+tokenB+`"}}`)
	next(t, b, "connection_ack")
	send(t, b, `{"id":"1","type":"subscribe","payload":{"query":"subscription { postUpdated { id title } }"}}`)
	ac := a.dial(t, "/graphql/subscriptions", subscriptions.ProtocolTransportWS, http.Header{"Authorization": {"Bearer " + tokenA}})
	send(t, ac, `{"type":"connection_init"}`)
	next(t, ac, "connection_ack")

	// Introspection is refused in production, over the socket as over HTTP.
	send(t, ac, `{"id":"i","type":"subscribe","payload":{"query":"{ __schema { queryType { name } } }"}}`)
	if m := next(t, ac, "error"); !strings.Contains(string(m["payload"]), "introspection") {
		t.Errorf("introspection in production: %s", m["payload"])
	}

	// B's subscriber sees B's post change and never A's, which is changed
	// first every time (events arrive in commit order).
	m := actUntil(t, b, "next", func(i int) {
		if body := a.postAs(t, tokenA, fmt.Sprintf(`mutation { updatePost(input: {id: %q, title: "A %d"}) { __typename } }`, wsPost, i)); !strings.Contains(body, "UpdatePostSuccess") {
			t.Fatalf("A's update: %s", body)
		}
		if body := a.postAs(t, tokenB, fmt.Sprintf(`mutation { updatePost(input: {id: %q, title: "B %d"}) { __typename } }`, postB, i)); !strings.Contains(body, "UpdatePostSuccess") {
			t.Fatalf("B's update: %s", body)
		}
	})
	if !strings.HasPrefix(string(m["payload"]), `{"data":{"postUpdated":{"__typename":"Post","id":"`+postB+`","title":"B `) {
		t.Fatalf("tenant B received %s", m["payload"])
	}
}
