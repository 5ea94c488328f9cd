package subscriptions

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"go.uber.org/goleak"

	"github.com/fraiseql/fraiseql-http/auth"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

const postA = "22222222-2222-4222-8222-222222222201"

func TestTransportQueryMutationAndSubscription(t *testing.T) {
	t.Parallel()
	hub := newHubForTest(t)
	ts := newTestServer(t, Config{}, nil, hub, nil)
	c := ts.dial(ProtocolTransportWS)
	if got := c.ws.Subprotocol(); got != ProtocolTransportWS {
		t.Fatalf("subprotocol %q", got)
	}
	c.init("")

	c.send(`{"type":"subscribe","id":"q1","payload":{"query":"{ ok }"}}`)
	if got := c.nextRaw(); got != `{"type":"next","id":"q1","payload":{"data":{"ok":true}}}` {
		t.Fatalf("query next: %s", got)
	}
	if got := c.nextRaw(); got != `{"type":"complete","id":"q1"}` {
		t.Fatalf("query complete: %s", got)
	}
	c.send(`{"type":"subscribe","id":"m1","payload":{"query":"mutation { touch }","variables":null,"operationName":null}}`)
	c.expectType("next")
	c.expectType("complete")

	// A refused document: error, no complete, the socket stays open.
	c.send(`{"type":"subscribe","id":"bad","payload":{"query":"{ nope }"}}`)
	m := c.expectType("error")
	if m["id"] != "bad" {
		t.Fatalf("error message %v", m)
	}
	if errs, ok := m["payload"].([]any); !ok || len(errs) != 1 {
		t.Fatalf("error payload must be the errors array: %v", m["payload"])
	}

	c.send(`{"type":"subscribe","id":"s1","payload":{"query":"subscription { postUpdated { id } }","variables":{"id":"` + postA + `"}}}`)
	waitFor(t, "registration", func() bool { return hub.Stats().Subscriptions == 1 })
	hub.testEvent("Post", "UPDATE", postA, nil)
	hub.testEvent("Post", "UPDATE", "22222222-2222-4222-8222-222222222202", nil) // other id: filtered
	hub.testEvent("Comment", "INSERT", postA, nil)                               // other entity
	want := `{"type":"next","id":"s1","payload":{"data":{"postUpdated":{"id":"` + postA + `","op":"UPDATE","read":1}}}}`
	if got := c.nextRaw(); got != want {
		t.Fatalf("event:\n got %s\nwant %s", got, want)
	}
	// Client complete: no more events, no server complete.
	c.send(`{"type":"complete","id":"s1"}`)
	c.sync()
	waitFor(t, "unregistration", func() bool { return hub.Stats().Subscriptions == 0 })
	hub.testEvent("Post", "UPDATE", postA, nil)
	c.sync()
	// The id is free again.
	c.send(`{"type":"subscribe","id":"s1","payload":{"query":"subscription { postUpdated { id } }"}}`)
	waitFor(t, "registration", func() bool { return hub.Stats().Subscriptions == 1 })
	c.send(`{"type":"complete","id":"never-existed"}`)
	c.sync()
}

func TestTransportPingPongBothWays(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Config{KeepAlive: 300 * time.Millisecond}, nil, nil, nil)
	c := ts.dial(ProtocolTransportWS)
	c.init("")
	c.send(`{"type":"ping","payload":{"x":1}}`)
	c.expectType("pong")
	c.expectType("ping") // the server's keepalive
	c.send(`{"type":"pong"}`)
	c.send(`{"type":"subscribe","id":"1","payload":{"query":"{ ok }"}}`)
	c.expectType("next")
}

func TestTransportCloseCodes(t *testing.T) {
	t.Parallel()
	sub := `{"type":"subscribe","id":"1","payload":{"query":"subscription { postUpdated { id } }"}}`
	cases := []struct {
		name  string
		steps []string // sent after connection_init+ack unless noInit
		init  bool
		code  int
	}{
		{"subscribe before ack", []string{sub}, false, CloseUnauthorized},
		{"too many inits", []string{`{"type":"connection_init"}`}, true, CloseTooManyInits},
		{"duplicate id", []string{sub, sub}, true, CloseSubscriberExists},
		{"invalid JSON", []string{`{"type":`}, true, CloseBadRequest},
		{"not an object", []string{`[1,2]`}, true, CloseBadRequest},
		{"no type", []string{`{"id":"1"}`}, true, CloseBadRequest},
		{"type not a string", []string{`{"type":7}`}, true, CloseBadRequest},
		{"unknown type", []string{`{"type":"start","id":"1","payload":{"query":"{ ok }"}}`}, true, CloseBadRequest},
		{"server-only type", []string{`{"type":"next","id":"1","payload":{}}`}, true, CloseBadRequest},
		{"missing id", []string{`{"type":"subscribe","payload":{"query":"{ ok }"}}`}, true, CloseBadRequest},
		{"empty id", []string{`{"type":"subscribe","id":"","payload":{"query":"{ ok }"}}`}, true, CloseBadRequest},
		{"id not a string", []string{`{"type":"subscribe","id":1,"payload":{"query":"{ ok }"}}`}, true, CloseBadRequest},
		{"complete without id", []string{`{"type":"complete"}`}, true, CloseBadRequest},
		{"no payload", []string{`{"type":"subscribe","id":"1"}`}, true, CloseBadRequest},
		{"no query", []string{`{"type":"subscribe","id":"1","payload":{"variables":{}}}`}, true, CloseBadRequest},
		{"query not a string", []string{`{"type":"subscribe","id":"1","payload":{"query":["{ ok }"]}}`}, true, CloseBadRequest},
		{"variables not an object", []string{`{"type":"subscribe","id":"1","payload":{"query":"{ ok }","variables":[1]}}`}, true, CloseBadRequest},
		{"init payload not an object", nil, false, CloseBadRequest},
		{"engine error", []string{`{"type":"subscribe","id":"1","payload":{"query":"{ boom }"}}`}, true, CloseInternalServerError},
		{"engine panic", []string{`{"type":"subscribe","id":"1","payload":{"query":"{ panic }"}}`}, true, CloseInternalServerError},
		{"execute panic", []string{`{"type":"subscribe","id":"1","payload":{"query":"{ executePanic }"}}`}, true, CloseInternalServerError},
	}
	hub := newHubForTest(t)
	ts := newTestServer(t, Config{}, nil, hub, nil)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := ts.dial(ProtocolTransportWS)
			c.t = t
			if tc.name == "init payload not an object" {
				c.send(`{"type":"connection_init","payload":"token"}`)
			}
			if tc.init {
				c.init(`{}`)
			}
			for _, s := range tc.steps {
				c.send(s)
			}
			text := c.expectClose(tc.code)
			if strings.Contains(text, "10.0.0.1") || strings.Contains(text, "panic") {
				t.Fatalf("internal detail leaked in close reason %q", text)
			}
		})
	}
	// The server is still up and serving.
	c := ts.dial(ProtocolTransportWS)
	c.init("")
	c.send(`{"type":"subscribe","id":"1","payload":{"query":"{ ok }"}}`)
	c.expectType("next")
	waitFor(t, "subscriptions of closed sockets to go", func() bool { return hub.Stats().Subscriptions == 0 })
}

func TestBinaryFrames(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Config{}, nil, nil, nil)
	c := ts.dial(ProtocolTransportWS)
	c.init("")
	if err := c.ws.WriteMessage(websocket.BinaryMessage, []byte(`{"type":"ping"}`)); err != nil {
		t.Fatal(err)
	}
	c.expectClose(CloseBadRequest)

	l := ts.dial(ProtocolLegacyWS)
	if err := l.ws.WriteMessage(websocket.BinaryMessage, []byte{0xff, 0, 1}); err != nil {
		t.Fatal(err)
	}
	if m := l.expectType("connection_error"); m["payload"] == nil {
		t.Fatalf("connection_error without payload: %v", m)
	}
	l.init("")
}

func TestInitTimeout(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Config{InitTimeout: 150 * time.Millisecond}, nil, nil, nil)
	start := time.Now()
	c := ts.dial(ProtocolTransportWS)
	if text := c.expectClose(CloseInitTimeout); text != "Connection initialisation timeout" {
		t.Fatalf("reason %q", text)
	}
	if time.Since(start) < 150*time.Millisecond {
		t.Fatal("closed before the init timeout")
	}
	l := ts.dial(ProtocolLegacyWS)
	l.expectClose(CloseInitTimeout)
	// An initialised socket outlives the timeout.
	ok := ts.dial(ProtocolTransportWS)
	ok.init("")
	time.Sleep(300 * time.Millisecond)
	ok.sync()
}

func TestSubprotocolRefused(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Config{}, nil, nil, nil)
	for _, protos := range [][]string{nil, {"graphql-subscriptions"}, {"GRAPHQL-WS"}} {
		c, _, err := ts.tryDial(http.Header{}, protos...)
		if err != nil {
			t.Fatalf("%v: dial: %v", protos, err)
		}
		if c.ws.Subprotocol() != "" {
			t.Fatalf("%v: chose %q", protos, c.ws.Subprotocol())
		}
		c.expectClose(CloseSubprotocolNotOK)
	}
	// Both offered: graphql-transport-ws wins (the server's order).
	c := ts.dial(ProtocolLegacyWS, ProtocolTransportWS)
	if c.ws.Subprotocol() != ProtocolTransportWS {
		t.Fatalf("chose %q", c.ws.Subprotocol())
	}
	// A plain GET is not an upgrade.
	resp, err := http.Get(ts.srv.URL + "/graphql")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("plain GET: %d", resp.StatusCode)
	}
	if IsUpgrade(resp.Request) {
		t.Fatal("IsUpgrade on a plain GET")
	}
}

func TestOriginCheck(t *testing.T) {
	t.Parallel()
	allowed := "https://app.example.com"
	ts := newTestServer(t, Config{CheckOrigin: func(r *http.Request) bool {
		return r.Header.Get("Origin") == allowed
	}}, nil, nil, nil)
	_, resp, err := ts.tryDial(http.Header{"Origin": {"https://evil.example.com"}}, ProtocolTransportWS)
	if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("foreign origin: err %v resp %v", err, resp)
	}
	c, _, err := ts.tryDial(http.Header{"Origin": {allowed}}, ProtocolTransportWS)
	if err != nil {
		t.Fatal(err)
	}
	c.init("")

	// Default rule: another host's Origin is refused.
	def := newTestServer(t, Config{}, nil, nil, nil)
	if _, resp, err := def.tryDial(http.Header{"Origin": {"https://evil.example.com"}}, ProtocolTransportWS); err == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("default origin rule let a foreign origin in: %v", err)
	}
}

func TestOversizedFrame(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Config{MaxMessageBytes: 1024}, nil, nil, nil)
	c := ts.dial(ProtocolTransportWS)
	c.init("")
	c.send(`{"type":"subscribe","id":"1","payload":{"query":"{ ok }` + strings.Repeat(" ", 2048) + `"}}`)
	c.expectClose(CloseMessageTooBig)
}

// ---- authentication ----

type tokenAuth struct{ expires time.Duration }

func (a tokenAuth) Authenticate(ctx context.Context, init *InitRequest) (*AuthContext, error) {
	switch init.Authorization {
	case "":
		return nil, nil
	case "Bearer good":
		ac := &AuthContext{User: &auth.User{UserID: "user-1"}}
		if a.expires != 0 {
			ac.ExpiresAt = time.Now().Add(a.expires)
		}
		return ac, nil
	case "Bearer panic":
		panic("authenticator bug")
	}
	return nil, errors.New("signature mismatch")
}

func TestAuthentication(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Config{}, nil, nil, tokenAuth{})
	forms := []struct {
		name    string
		payload string
		header  http.Header
	}{
		{"payload authorization", `{"authorization":"Bearer good"}`, nil},
		{"payload Authorization", `{"Authorization":"Bearer good"}`, nil},
		{"payload headers", `{"headers":{"authorization":"Bearer good"}}`, nil},
		{"payload headers any case", `{"headers":{"AUTHORIZATION":"Bearer good"}}`, nil},
		{"upgrade header", `{}`, http.Header{"Authorization": {"Bearer good"}}},
	}
	for _, f := range forms {
		t.Run(f.name, func(t *testing.T) {
			c, _, err := ts.tryDial(orEmpty(f.header), ProtocolTransportWS)
			if err != nil {
				t.Fatal(err)
			}
			c.t = t
			c.init(f.payload)
			c.send(`{"type":"subscribe","id":"w","payload":{"query":"{ whoami }"}}`)
			if got := c.nextRaw(); got != `{"type":"next","id":"w","payload":{"data":{"whoami":"user-1"}}}` {
				t.Fatalf("got %s", got)
			}
		})
	}
	anon := ts.dial(ProtocolTransportWS)
	anon.init("")
	anon.send(`{"type":"subscribe","id":"w","payload":{"query":"{ whoami }"}}`)
	if got := anon.nextRaw(); !strings.Contains(got, `"anonymous"`) {
		t.Fatalf("anonymous: %s", got)
	}
	for _, tok := range []string{"Bearer forged", "Bearer panic"} {
		bad := ts.dial(ProtocolTransportWS)
		bad.send(`{"type":"connection_init","payload":{"authorization":"` + tok + `"}}`)
		if text := bad.expectClose(CloseForbidden); strings.Contains(text, "signature") || strings.Contains(text, "panic") {
			t.Fatalf("reason leaks the cause: %q", text)
		}
		legacy := ts.dial(ProtocolLegacyWS)
		legacy.send(`{"type":"connection_init","payload":{"authorization":"` + tok + `"}}`)
		legacy.expectType("connection_error")
		legacy.expectClose(CloseForbidden)
	}
}

func orEmpty(h http.Header) http.Header {
	if h == nil {
		return http.Header{}
	}
	return h
}

func TestTokenExpiryCloses(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Config{}, nil, nil, tokenAuth{expires: time.Second})
	c := ts.dial(ProtocolTransportWS)
	c.init(`{"authorization":"Bearer good"}`)
	c.sync()
	c.expectClose(CloseForbidden)

	l := ts.dial(ProtocolLegacyWS)
	l.init(`{"authorization":"Bearer good"}`)
	l.expectType("connection_error")
	l.expectClose(CloseForbidden)

	expired := newTestServer(t, Config{}, nil, nil, tokenAuth{expires: -time.Second})
	e := expired.dial(ProtocolTransportWS)
	e.send(`{"type":"connection_init","payload":{"authorization":"Bearer good"}}`)
	e.expectClose(CloseForbidden)
}

// ---- legacy graphql-ws ----

func TestLegacyProtocol(t *testing.T) {
	t.Parallel()
	hub := newHubForTest(t)
	ts := newTestServer(t, Config{KeepAlive: time.Hour}, nil, hub, nil)
	c := ts.dial(ProtocolLegacyWS)
	// Before connection_init, start is refused with an error for its id.
	c.send(`{"type":"start","id":"early","payload":{"query":"{ ok }"}}`)
	if m := c.expectType("error"); m["id"] != "early" {
		t.Fatalf("early start: %v", m)
	}
	c.send(`{"type":"connection_init","payload":{}}`)
	c.expectType("connection_ack")
	if got := c.nextRaw(); got != `{"type":"ka"}` {
		t.Fatalf("ka after ack: %s", got)
	}
	c.send(`{"type":"start","id":"1","payload":{"query":"{ ok }"}}`)
	if got := c.nextRaw(); got != `{"type":"data","id":"1","payload":{"data":{"ok":true}}}` {
		t.Fatalf("data: %s", got)
	}
	if got := c.nextRaw(); got != `{"type":"complete","id":"1"}` {
		t.Fatalf("complete: %s", got)
	}
	c.send(`{"type":"start","id":"2","payload":{"query":"{ nope }"}}`)
	if m := c.expectType("error"); m["id"] != "2" {
		t.Fatalf("validation error: %v", m)
	}
	c.send(`{"type":"start","id":"3","payload":{"query":"{ boom }"}}`)
	if m := c.expectType("error"); m["id"] != "3" || strings.Contains(toJSON(m["payload"]), "10.0.0.1") {
		t.Fatalf("internal error: %v", m)
	}
	// Bad messages: connection_error, the socket stays open.
	for _, bad := range []string{`not json`, `{"id":"x"}`, `{"type":"subscribe","id":"x"}`, `{"type":"start"}`, `{"type":"stop"}`} {
		c.send(bad)
		c.expectType("connection_error")
	}
	c.send(`{"type":"start","id":"4","payload":{}}`)
	if m := c.expectType("error"); m["id"] != "4" {
		t.Fatalf("start without query: %v", m)
	}
	// Subscription: data on events, stop answers complete.
	c.send(`{"type":"start","id":"s","payload":{"query":"subscription { postUpdated { id } }","variables":{"id":"` + postA + `"}}}`)
	waitFor(t, "registration", func() bool { return hub.Stats().Subscriptions == 1 })
	hub.testEvent("Post", "UPDATE", postA, nil)
	if m := c.expectType("data"); m["id"] != "s" {
		t.Fatalf("event: %v", m)
	}
	// Restarting an id replaces the operation (subscriptions-transport-ws).
	c.send(`{"type":"start","id":"s","payload":{"query":"subscription { postUpdated { id } }","variables":{"id":"` + postA + `"}}}`)
	c.send(`{"type":"start","id":"q","payload":{"query":"{ ok }"}}`)
	c.expectType("data")
	c.expectType("complete")
	waitFor(t, "replacement", func() bool { return hub.Stats().Subscriptions == 1 })
	c.send(`{"type":"stop","id":"s"}`)
	if m := c.expectType("complete"); m["id"] != "s" {
		t.Fatalf("stop: %v", m)
	}
	waitFor(t, "unregistration", func() bool { return hub.Stats().Subscriptions == 0 })
	c.send(`{"type":"connection_init"}`)
	c.expectType("connection_error")
	c.expectClose(CloseTooManyInits)

	term := ts.dial(ProtocolLegacyWS)
	term.init("")
	term.send(`{"type":"connection_terminate"}`)
	term.expectClose(CloseNormal)
}

// ---- limits ----

func TestMaxOperationsAndSubscribeFlood(t *testing.T) {
	t.Parallel()
	hub := newHubForTest(t)
	ts := newTestServer(t, Config{MaxOperations: 10, SendQueue: 4096}, nil, hub, nil)
	other := ts.dial(ProtocolTransportWS)
	other.init("")
	other.send(`{"type":"subscribe","id":"o","payload":{"query":"subscription { postUpdated { id } }"}}`)

	c := ts.dial(ProtocolTransportWS)
	c.init("")
	var b strings.Builder
	for i := range 500 {
		b.Reset()
		b.WriteString(`{"type":"subscribe","id":"f`)
		b.WriteString(itoa(i))
		b.WriteString(`","payload":{"query":"subscription { postUpdated { id } }"}}`)
		c.send(b.String())
	}
	refused := 0
	for range 490 {
		m := c.expectType("error")
		if !strings.Contains(toJSON(m["payload"]), "TOO_MANY_OPERATIONS") {
			t.Fatalf("flood answer: %v", m)
		}
		refused++
	}
	waitFor(t, "11 registrations", func() bool { return hub.Stats().Subscriptions == 11 })
	hub.testEvent("Post", "UPDATE", postA, nil)
	if m := other.expectType("next"); m["id"] != "o" {
		t.Fatalf("other subscriber: %v", m)
	}
	for range 10 {
		c.expectType("next")
	}
	if refused != 490 {
		t.Fatal(refused)
	}
}

func TestSlowReaderIsClosedOthersKeepReceiving(t *testing.T) {
	t.Parallel()
	hub := newHubForTest(t)
	exec := &scriptedExecutor{}
	ts := newTestServer(t, Config{SendQueue: 4, WriteTimeout: 30 * time.Second}, exec, hub, nil)
	slow := ts.dial(ProtocolTransportWS)
	slow.init("")
	slow.send(`{"type":"subscribe","id":"s","payload":{"query":"subscription { postUpdated { id } }","variables":{"id":"big"}}}`)
	fast := ts.dial(ProtocolTransportWS)
	fast.init("")
	fast.send(`{"type":"subscribe","id":"f","payload":{"query":"subscription { postUpdated { id } }"}}`)
	waitFor(t, "registrations", func() bool { return hub.Stats().Subscriptions == 2 })
	// The slow client reads nothing while 100 events of 256 KiB arrive.
	for range 100 {
		hub.testEvent("Post", "UPDATE", "big", nil)
		fast.expectType("next")
	}
	slow.expectClose(ClosePolicyViolation)
	waitFor(t, "slow subscription gone", func() bool { return hub.Stats().Subscriptions == 1 })
	hub.testEvent("Post", "UPDATE", postA, nil)
	fast.expectType("next")
}

// slowStarted returns an executor that closes the channel when a
// "{ slow }" query reaches Prepare.
func slowStarted() (*scriptedExecutor, chan struct{}) {
	started := make(chan struct{})
	return &scriptedExecutor{prepare: func(r *Request) {
		if r.Query == "{ slow }" {
			close(started)
		}
	}}, started
}

func TestShutdownClosesWith1001AfterInFlightWork(t *testing.T) {
	t.Parallel()
	hub := newHubForTest(t)
	exec, started := slowStarted()
	h, err := NewHandler(Config{Logger: quietLogger()}, exec, hub, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := newRawServer(t, h)
	ts := &testServer{t: t, srv: srv, h: h, hub: hub, exec: exec}
	a := ts.dial(ProtocolTransportWS)
	a.init("")
	a.send(`{"type":"subscribe","id":"sub","payload":{"query":"subscription { postUpdated { id } }"}}`)
	b := ts.dial(ProtocolLegacyWS)
	b.init("")
	waitFor(t, "two sockets", func() bool { return h.Active() == 2 })
	a.send(`{"type":"subscribe","id":"slow","payload":{"query":"{ slow }"}}`)
	<-started // the slow query is running
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- h.Shutdown(ctx) }()
	// The running query completes before the close frame.
	if m := a.expectType("next"); m["id"] != "slow" {
		t.Fatalf("in-flight result: %v", m)
	}
	a.expectType("complete")
	a.expectClose(CloseGoingAway)
	b.expectClose(CloseGoingAway)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if h.Active() != 0 || hub.Stats().Subscriptions != 0 {
		t.Fatalf("after shutdown: active %d, subscriptions %d", h.Active(), hub.Stats().Subscriptions)
	}
	if err := h.Shutdown(ctx); err != nil {
		t.Fatalf("second Shutdown: %v", err)
	}
	if _, resp, err := ts.tryDial(http.Header{}, ProtocolTransportWS); err == nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("upgrade after shutdown: %v", err)
	}
}

func TestShutdownDeadlineCutsSockets(t *testing.T) {
	t.Parallel()
	exec, started := slowStarted()
	h, err := NewHandler(Config{Logger: quietLogger()}, exec, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := newRawServer(t, h)
	ts := &testServer{t: t, srv: srv, h: h, exec: exec}
	a := ts.dial(ProtocolTransportWS)
	a.init("")
	// A query slower than the shutdown deadline.
	a.send(`{"type":"subscribe","id":"slow","payload":{"query":"{ slow }"}}`)
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := h.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Shutdown: %v", err)
	}
	if h.Active() != 0 {
		t.Fatalf("active %d", h.Active())
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// newRawServer serves h without the Shutdown at cleanup (the test calls it).
func newRawServer(t *testing.T, h http.Handler) *httptest.Server {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func TestNewHandlerRefusesBadSettings(t *testing.T) {
	t.Parallel()
	if _, err := NewHandler(Config{}, nil, nil, nil); err == nil {
		t.Error("nil Executor accepted")
	}
	for _, cfg := range []Config{{InitTimeout: -1}, {SendQueue: -1}, {MaxMessageBytes: -1}, {MaxOperations: -5}} {
		if _, err := NewHandler(cfg, &scriptedExecutor{}, nil, nil); err == nil {
			t.Errorf("%+v accepted", cfg)
		}
	}
	for k, want := range map[OperationKind]string{KindQuery: "query", KindMutation: "mutation", KindSubscription: "subscription", 0: "unknown"} {
		if k.String() != want {
			t.Errorf("%d: %s", k, k.String())
		}
	}
}

// TestSubscriptionsDisabledWithoutHub: no Hub, queries still work and a
// subscription gets an error, not a crash.
func TestSubscriptionsDisabledWithoutHub(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, Config{}, nil, nil, nil)
	c := ts.dial(ProtocolTransportWS)
	c.init("")
	c.send(`{"type":"subscribe","id":"s","payload":{"query":"subscription { postUpdated { id } }"}}`)
	if m := c.expectType("error"); !strings.Contains(toJSON(m["payload"]), "SUBSCRIPTIONS_DISABLED") {
		t.Fatalf("%v", m)
	}
	c.send(`{"type":"subscribe","id":"s","payload":{"query":"{ ok }"}}`) // the id is free again
	c.expectType("next")
}

func TestAuthorizationLookup(t *testing.T) {
	t.Parallel()
	h := http.Header{"Authorization": {"Bearer header"}}
	for _, tc := range []struct{ payload, want string }{
		{``, "Bearer header"},
		{`null`, "Bearer header"},
		{`{}`, "Bearer header"},
		{`{"authorization":"Bearer a"}`, "Bearer a"},
		{`{"Authorization":"Bearer b","headers":{"authorization":"Bearer c"}}`, "Bearer b"},
		{`{"authorization":7,"headers":{"authorization":"Bearer c"}}`, "Bearer c"},
		{`{"headers":{"AUTHORIZATION":"Bearer u","authorization":"Bearer l"}}`, "Bearer u"},
		{`{"headers":"Bearer x"}`, "Bearer header"},
		{`{"authorization":""}`, "Bearer header"},
	} {
		if got := authorization([]byte(tc.payload), h); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.payload, got, tc.want)
		}
	}
}
