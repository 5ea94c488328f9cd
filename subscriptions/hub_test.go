package subscriptions

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

const (
	tenantA = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
	tenantB = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb"
	postB   = "22222222-2222-4222-8222-222222222228" // tenant B's first post
)

// runHub starts a Hub on the database of cfg under an application_name
// the test can find in pg_stat_activity, and waits until it listens.
func runHub(t *testing.T, cfg *pgx.ConnConfig, appName string, hc HubConfig) *Hub {
	t.Helper()
	cc := cfg.Copy()
	cc.RuntimeParams["application_name"] = appName
	hc.ConnConfig = cc
	hc.Logger = quietLogger()
	if hc.MinBackoff == 0 {
		hc.MinBackoff = 20 * time.Millisecond
	}
	hub, err := NewHub(hc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- hub.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	wctx, wcancel := context.WithTimeout(ctx, 10*time.Second)
	defer wcancel()
	if err := hub.WaitListening(wctx); err != nil {
		t.Fatalf("hub never listened: %v", err)
	}
	return hub
}

func newPool(t *testing.T, cfg *pgx.ConnConfig) *pgxpool.Pool {
	t.Helper()
	pc, err := pgxpool.ParseConfig("")
	if err != nil {
		t.Fatal(err)
	}
	pc.ConnConfig = cfg.Copy()
	pc.MaxConns = 4
	pool, err := pgxpool.NewWithConfig(context.Background(), pc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// TestTriggerToSubscriberEndToEnd: the shipped SQL installed in one
// statement on the demo's tb_post, an UPDATE committed by another session,
// the Hub's LISTEN, a read from v_post under the subscriber's tenant, a
// next message on a real WebSocket.
func TestTriggerToSubscriberEndToEnd(t *testing.T) {
	t.Parallel()
	db := freshDB(t)
	execSQL(t, db, `SELECT fraiseql_notify_install('tb_post', 'Post', 'id', ARRAY['tenant_id'])`)
	hub := runHub(t, db, "subs_e2e", HubConfig{})
	exec := &scriptedExecutor{pool: newPool(t, db)}
	ts := newTestServer(t, Config{}, exec, hub, nil)

	c := ts.dial(ProtocolTransportWS)
	c.init("")
	c.send(`{"type":"subscribe","id":"p","payload":{"query":"subscription { postUpdated { title } }","variables":{"id":"` + postA + `","tenant":"` + tenantA + `"}}}`)
	// Tenant B's subscriber to every post sees only tenant B's events.
	b := ts.dial(ProtocolLegacyWS)
	b.init("")
	b.send(`{"type":"start","id":"all","payload":{"query":"subscription { postUpdated { title } }","variables":{"tenant":"` + tenantB + `"}}}`)
	waitFor(t, "registrations", func() bool { return hub.Stats().Subscriptions == 2 })

	execSQL(t, db, `UPDATE tb_post SET title = 'Edited through SQL' WHERE id = $1`, postA)
	m := c.expectType("next")
	if m["id"] != "p" || !strings.Contains(toJSON(m["payload"]), `"title":"Edited through SQL"`) {
		t.Fatalf("next: %v", m)
	}
	// A no-op UPDATE sends nothing; a tenant B change reaches b only.
	execSQL(t, db, `UPDATE tb_post SET title = title WHERE id = $1`, postA)
	execSQL(t, db, `UPDATE tb_post SET title = 'B edit' WHERE id = $1`, postB)
	if m := b.expectType("data"); !strings.Contains(toJSON(m["payload"]), `"title":"B edit"`) {
		t.Fatalf("tenant B: %v", m)
	}
	execSQL(t, db, `UPDATE tb_post SET title = 'Second edit' WHERE id = $1`, postA)
	if m := c.expectType("next"); !strings.Contains(toJSON(m["payload"]), `"title":"Second edit"`) {
		t.Fatalf("second next (a no-op UPDATE must not have sent one): %v", m)
	}
	// DELETE: the row is gone, Read reports deliver=false: nothing is sent.
	execSQL(t, db, `DELETE FROM tb_post WHERE id = $1`, postA)
	c.sync()
	waitFor(t, "the delete event", func() bool { return hub.Stats().Events >= 4 })
	c.sync()
	if st := hub.Stats(); st.BadEvents != 0 {
		t.Fatalf("bad events: %+v", st)
	}
}

// TestOneReadPerGroup: subscribers with the same GroupKey share one read.
func TestOneReadPerGroup(t *testing.T) {
	t.Parallel()
	db := freshDB(t)
	execSQL(t, db, `SELECT fraiseql_notify_install('tb_post', 'Post', 'id', ARRAY['tenant_id'])`)
	hub := runHub(t, db, "subs_groups", HubConfig{})
	exec := &scriptedExecutor{pool: newPool(t, db)}
	ts := newTestServer(t, Config{}, exec, hub, nil)
	same := `{"type":"subscribe","id":"g","payload":{"query":"subscription { postUpdated { title } }","variables":{"id":"` + postA + `","tenant":"` + tenantA + `"}}}`
	var clients []*client
	for range 5 {
		c := ts.dial(ProtocolTransportWS)
		c.init("")
		c.send(same)
		clients = append(clients, c)
	}
	other := ts.dial(ProtocolTransportWS)
	other.init("")
	other.send(`{"type":"subscribe","id":"o","payload":{"query":"subscription { postUpdated { id title } }","variables":{"id":"` + postA + `","tenant":"` + tenantA + `"}}}`)
	waitFor(t, "registrations", func() bool { return hub.Stats().Subscriptions == 6 })
	before := exec.reads.Load()
	execSQL(t, db, `UPDATE tb_post SET view_count = view_count + 1 WHERE id = $1`, postA)
	for _, c := range clients {
		c.expectType("next")
	}
	other.expectType("next")
	if got := exec.reads.Load() - before; got != 2 {
		t.Fatalf("%d reads for 6 subscribers in 2 groups, want 2", got)
	}
}

// TestListenKilledReconnectsAndSignals: pg_terminate_backend of the LISTEN
// connection; the Hub reconnects, every live subscription gets the
// EVENTS_MISSED payload, and later events flow again.
func TestListenKilledReconnectsAndSignals(t *testing.T) {
	t.Parallel()
	db := freshDB(t)
	execSQL(t, db, `SELECT fraiseql_notify_install('tb_post', 'Post', 'id', ARRAY['tenant_id'])`)
	hub := runHub(t, db, "subs_kill_me", HubConfig{})
	exec := &scriptedExecutor{pool: newPool(t, db)}
	ts := newTestServer(t, Config{}, exec, hub, nil)
	c := ts.dial(ProtocolTransportWS)
	c.init("")
	c.send(`{"type":"subscribe","id":"p","payload":{"query":"subscription { postUpdated { title } }","variables":{"tenant":"` + tenantA + `"}}}`)
	l := ts.dial(ProtocolLegacyWS)
	l.init("")
	l.send(`{"type":"start","id":"p","payload":{"query":"subscription { postUpdated { title } }","variables":{"tenant":"` + tenantA + `"}}}`)
	waitFor(t, "registrations", func() bool { return hub.Stats().Subscriptions == 2 })

	execSQL(t, db, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'subs_kill_me'`)
	waitFor(t, "the reconnect", func() bool { st := hub.Stats(); return st.Reconnects == 1 && st.Listening })
	// Whatever changed while nobody listened is gone: each live
	// subscription is told so, on both protocols.
	if m := c.expectType("next"); m["id"] != "p" || toJSON(m["payload"]) != missedJSON() {
		t.Fatalf("graphql-transport-ws signal: %v", m)
	}
	if m := l.expectType("data"); m["id"] != "p" || toJSON(m["payload"]) != missedJSON() {
		t.Fatalf("legacy signal: %v", m)
	}
	// Events flow again.
	execSQL(t, db, `UPDATE tb_post SET title = 'After the outage' WHERE id = $1`, postA)
	if m := c.expectType("next"); !strings.Contains(toJSON(m["payload"]), "After the outage") {
		t.Fatalf("after the reconnect: %v", m)
	}
	if m := l.expectType("data"); !strings.Contains(toJSON(m["payload"]), "After the outage") {
		t.Fatalf("legacy after the reconnect: %v", m)
	}
}

// TestHubUnreachableDatabase: without a database the Hub keeps retrying
// with backoff, never claims to listen, and stops when its context ends.
func TestHubUnreachableDatabase(t *testing.T) {
	t.Parallel()
	cc, err := pgx.ParseConfig("postgres://nobody@127.0.0.1:1/none?connect_timeout=1")
	if err != nil {
		t.Fatal(err)
	}
	hub, err := NewHub(HubConfig{ConnConfig: cc, MinBackoff: 10 * time.Millisecond, MaxBackoff: 40 * time.Millisecond, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- hub.Run(ctx) }()
	wctx, wcancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer wcancel()
	if err := hub.WaitListening(wctx); err == nil {
		t.Fatal("listening without a database")
	}
	if err := hub.Run(ctx); err == nil {
		t.Fatal("a second Run was accepted")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if hub.Listening() {
		t.Fatal("still listening")
	}
	for _, bad := range []HubConfig{{}, {ConnConfig: cc, Channel: "Bad Channel"}, {ConnConfig: cc, ReadTimeout: -1}} {
		if _, err := NewHub(bad); err == nil {
			t.Errorf("NewHub(%+v) accepted", bad)
		}
	}
}

// TestTwoInstancesBothDeliver: two Hubs (two server instances) on one
// database both deliver an event caused through either one.
func TestTwoInstancesBothDeliver(t *testing.T) {
	t.Parallel()
	db := freshDB(t)
	execSQL(t, db, `SELECT fraiseql_notify_install('tb_post', 'Post', 'id', ARRAY['tenant_id'])`)
	pool := newPool(t, db)
	var clients []*client
	for i := range 2 {
		hub := runHub(t, db, fmt.Sprintf("subs_instance_%d", i), HubConfig{})
		ts := newTestServer(t, Config{}, &scriptedExecutor{pool: pool}, hub, nil)
		c := ts.dial(ProtocolTransportWS)
		c.init("")
		c.send(`{"type":"subscribe","id":"p","payload":{"query":"subscription { postUpdated { title } }","variables":{"id":"` + postA + `"}}}`)
		waitFor(t, "registration", func() bool { return hub.Stats().Subscriptions == 1 })
		clients = append(clients, c)
	}
	for i, title := range []string{"Through instance 0", "Through instance 1"} {
		// The mutation commits through the pool standing for instance i.
		if _, err := pool.Exec(context.Background(), `UPDATE tb_post SET title = $2 WHERE id = $1`, postA, title); err != nil {
			t.Fatal(i, err)
		}
		for j, c := range clients {
			if m := c.expectType("next"); !strings.Contains(toJSON(m["payload"]), title) {
				t.Fatalf("instance %d, event %d: %v", j, i, m)
			}
		}
	}
}

// TestBadAndOverflowNotifications: foreign payloads on the channel are
// dropped; an overflow event signals its entity's subscribers.
func TestBadAndOverflowNotifications(t *testing.T) {
	t.Parallel()
	db := freshDB(t)
	// body as a scope column makes the payload overflow when body is large.
	execSQL(t, db, `SELECT fraiseql_notify_install('tb_post', 'Post', 'id', ARRAY['tenant_id', 'body'], 'subs_overflow')`)
	hub := runHub(t, db, "subs_bad", HubConfig{Channel: "subs_overflow"})
	exec := &scriptedExecutor{pool: newPool(t, db)}
	ts := newTestServer(t, Config{}, exec, hub, nil)
	c := ts.dial(ProtocolTransportWS)
	c.init("")
	c.send(`{"type":"subscribe","id":"p","payload":{"query":"subscription { postUpdated { title } }","variables":{"id":"` + postA + `"}}}`)
	waitFor(t, "registration", func() bool { return hub.Stats().Subscriptions == 1 })
	for _, p := range []string{`garbage`, `{}`, `{"entity":"Post","op":"TRUNCATE","id":"x"}`, `{"entity":"Post","op":"UPDATE"}`, `[1]`} {
		execSQL(t, db, `SELECT pg_notify('subs_overflow', $1)`, p)
	}
	waitFor(t, "bad events counted", func() bool { return hub.Stats().BadEvents == 5 })
	execSQL(t, db, `UPDATE tb_post SET body = $2 WHERE id = $1`, postA, strings.Repeat("é", 5000))
	if m := c.expectType("next"); !strings.Contains(toJSON(m["payload"]), "EVENTS_MISSED") {
		t.Fatalf("overflow: %v", m)
	}
	execSQL(t, db, `UPDATE tb_post SET body = 'short', title = 'Fits again' WHERE id = $1`, postA)
	if m := c.expectType("next"); !strings.Contains(toJSON(m["payload"]), "Fits again") {
		t.Fatalf("after overflow: %v", m)
	}
}

// TestInstallRefusesBadArguments: the installer checks before it creates.
func TestInstallRefusesBadArguments(t *testing.T) {
	t.Parallel()
	db := freshDB(t)
	ctx := context.Background()
	conn, err := pgx.ConnectConfig(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, tc := range []struct{ sql, want string }{
		{`SELECT fraiseql_notify_install('tb_post', 'Post', 'nope')`, "has no column nope"},
		{`SELECT fraiseql_notify_install('tb_post', 'Post', 'id', ARRAY['tenant_id', 'x; DROP TABLE tb_post'])`, "has no column"},
		{`SELECT fraiseql_notify_install('tb_post', 'Post"; --', 'id')`, "must be a GraphQL type name"},
		{`SELECT fraiseql_notify_install('tb_post', 'Post', 'id', '{}', 'Bad-Channel')`, "lower-case identifier"},
		{`SELECT fraiseql_notify_install('tb_nope', 'Post')`, "does not exist"},
	} {
		_, err := conn.Exec(ctx, tc.sql)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.sql, err, tc.want)
		}
	}
	var n int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_trigger WHERE tgname = 'fraiseql_notify'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("triggers after refusals: %d %v", n, err)
	}
	// Install twice (idempotent), then uninstall.
	for range 2 {
		if _, err := conn.Exec(ctx, `SELECT fraiseql_notify_install('tb_comment', 'Comment', 'id', ARRAY['tenant_id', 'post_id'])`); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := conn.Exec(ctx, `LISTEN fraiseql_events`); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `INSERT INTO tb_comment (id, tenant_id, post_id, author_id, content, created_at)
		SELECT gen_random_uuid(), tenant_id, id, author_id, 'hi', now() FROM tb_post WHERE id = $1`, postA); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	n2, err := conn.WaitForNotification(wctx)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := ParseEvent([]byte(n2.Payload))
	if err != nil || ev.Entity != "Comment" || ev.Op != OpInsert || *ev.Scope["post_id"] != postA || *ev.Scope["tenant_id"] != tenantA {
		t.Fatalf("comment event %+v %v from %s", ev, err, n2.Payload)
	}
	if _, err := conn.Exec(ctx, `SELECT fraiseql_notify_uninstall('tb_comment')`); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_trigger WHERE tgname = 'fraiseql_notify'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("triggers after uninstall: %d %v", n, err)
	}
}

func TestParseEvent(t *testing.T) {
	t.Parallel()
	s := func(v string) *string { return &v }
	good := []struct {
		in   string
		want Event
	}{
		{`{"entity":"Post","op":"UPDATE","id":"1","scope":{"tenant_id":"a"}}`, Event{Entity: "Post", Op: OpUpdate, ID: "1", Scope: map[string]*string{"tenant_id": s("a")}}},
		{`{"id":"1","op":"DELETE","scope":{"t":null},"entity":"Post"}`, Event{Entity: "Post", Op: OpDelete, ID: "1", Scope: map[string]*string{"t": nil}}},
		{`{"entity":"Post","op":"INSERT","overflow":true}`, Event{Entity: "Post", Op: OpInsert, Overflow: true}},
		{`{"entity":"Post","op":"INSERT","id":"1","txid":42}`, Event{Entity: "Post", Op: OpInsert, ID: "1"}}, // newer trigger
	}
	for _, g := range good {
		ev, err := ParseEvent([]byte(g.in))
		if err != nil || toJSON(ev) != toJSON(g.want) {
			t.Errorf("%s: %+v %v", g.in, ev, err)
		}
	}
	for _, bad := range []string{``, `null`, `"x"`, `{"entity":"Post","op":"UPDATE","id":"1"} {}`,
		`{"entity":"Post","op":"UPDATE","id":1}`, `{"entity":"","op":"UPDATE","id":"1"}`,
		`{"entity":"Post","op":"update","id":"1"}`, `{"entity":"Post","op":"UPDATE","id":""}`,
		`{"entity":"Post","op":"UPDATE","id":"1","scope":{"a":1}}`,
		`{"entity":"` + strings.Repeat("P", 64) + `","op":"UPDATE","id":"1"}`,
		`{"entity":"Post","op":"UPDATE","id":"` + strings.Repeat("1", 8000) + `"}`} {
		if _, err := ParseEvent([]byte(bad)); err == nil {
			t.Errorf("accepted %.80s", bad)
		}
	}
}

func TestFilterMatches(t *testing.T) {
	t.Parallel()
	s := func(v string) *string { return &v }
	ev := Event{Entity: "Post", Op: OpUpdate, ID: "1", Scope: map[string]*string{"tenant_id": s("a"), "n": nil}}
	for _, tc := range []struct {
		f    Filter
		want bool
	}{
		{Filter{}, true},
		{Filter{ID: "1"}, true},
		{Filter{ID: "2"}, false},
		{Filter{Scope: map[string]string{"tenant_id": "a"}}, true},
		{Filter{Scope: map[string]string{"tenant_id": "b"}}, false},
		{Filter{Scope: map[string]string{"n": ""}}, false},      // NULL never equals
		{Filter{Scope: map[string]string{"absent": "x"}}, true}, // unknown to the event: Read decides
		{Filter{Ops: []Op{OpInsert, OpDelete}}, false},
		{Filter{Ops: []Op{OpUpdate}, ID: "1"}, true},
	} {
		if got := tc.f.Matches(&ev); got != tc.want {
			t.Errorf("%+v: %v", tc.f, got)
		}
	}
}

// missedJSON is MissedPayload as toJSON renders a decoded message.
func missedJSON() string {
	var v any
	if err := json.Unmarshal([]byte(MissedPayload), &v); err != nil {
		panic(err)
	}
	return toJSON(v)
}
