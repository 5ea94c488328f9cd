package subscriptions

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gorilla/websocket"
)

// bareConn is a conn without a socket: the message handlers never touch the
// socket (the writer and reader goroutines do), so a fuzz target can drive
// them directly and inspect what they queue.
func bareConn(t testing.TB, legacy bool, hub *Hub) *conn {
	h, err := NewHandler(Config{Logger: quietLogger(), SendQueue: 16}, &scriptedExecutor{}, hub, tokenAuth{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	c := &conn{
		h: h, legacy: legacy, header: http.Header{}, remote: "fuzz",
		ctx: ctx, cancel: cancel,
		closing: make(chan struct{}),
		ops:     make(map[string]*operation),
	}
	// No socket: the queue is inspected instead of written.
	c.startWriter = func() { c.writers.Done() }
	return c
}

func (c *conn) release() {
	c.cancel()
	c.stopTimers()
	c.mu.Lock()
	ops := c.ops
	c.ops = map[string]*operation{}
	c.mu.Unlock()
	for _, op := range ops {
		op.stop()
	}
	c.inflight.Wait()
}

var knownCloseCodes = map[int]bool{
	CloseNormal: true, CloseGoingAway: true, ClosePolicyViolation: true, CloseBadRequest: true,
	CloseUnauthorized: true, CloseForbidden: true, CloseInitTimeout: true, CloseSubscriberExists: true,
	CloseTooManyInits: true, CloseInternalServerError: true,
}

// FuzzClientMessage: any frame, before or after connection_init, on either
// protocol, never panics, queues only valid JSON, and closes only with a
// known code and a reason a close frame can carry.
func FuzzClientMessage(f *testing.F) {
	for _, s := range []string{
		`{"type":"connection_init"}`, `{"type":"connection_init","payload":{"authorization":"Bearer good"}}`,
		`{"type":"connection_init","payload":{"headers":{"Authorization":"Bearer x"}}}`,
		`{"type":"subscribe","id":"1","payload":{"query":"{ ok }"}}`,
		`{"type":"subscribe","id":"1","payload":{"query":"subscription { x }","variables":{"id":"1"}}}`,
		`{"type":"start","id":"1","payload":{"query":"{ nope }"}}`, `{"type":"stop","id":"1"}`,
		`{"type":"complete","id":"\u0000"}`, `{"type":"ping","payload":[1]}`, `{"type":"connection_terminate"}`,
		`{"type":"subscribe","id":"` + strings.Repeat("é", 100) + `","payload":{"query":"subscription { x }"}}`,
		`null`, `[]`, `{"type":null}`, `{"type":"subscribe","id":{},"payload":1}`, "\xff\xfe", ``,
	} {
		f.Add([]byte(s), false, false)
		f.Add([]byte(s), true, true)
	}
	hub := newHubForTest(f)
	f.Fuzz(func(t *testing.T, frame []byte, initFirst, binary bool) {
		for _, legacy := range []bool{false, true} {
			c := bareConn(t, legacy, hub)
			handle := c.handleTransport
			if legacy {
				handle = c.handleLegacy
			}
			if initFirst {
				handle(websocket.TextMessage, []byte(`{"type":"connection_init"}`))
			}
			kind := websocket.TextMessage
			if binary {
				kind = websocket.BinaryMessage
			}
			handle(kind, frame)
			handle(kind, frame) // twice: duplicate ids, second inits
			c.release()
			if len(c.queue) > c.h.cfg.SendQueue+1 {
				t.Fatalf("queue of %d over its bound", len(c.queue))
			}
			for _, msg := range c.queue {
				if !json.Valid(msg) {
					t.Fatalf("queued invalid JSON %q", msg)
				}
			}
			select {
			case <-c.closing:
				if !knownCloseCodes[c.closeCode] || len(c.closeText) > 123 || !utf8.ValidString(c.closeText) {
					t.Fatalf("close %d %q", c.closeCode, c.closeText)
				}
			default:
			}
		}
		if n := hub.Stats().Subscriptions; n != 0 {
			t.Fatalf("%d registrations leaked", n)
		}
	})
}

// FuzzParseEvent: any NOTIFY payload is an Event or an error, never a panic.
func FuzzParseEvent(f *testing.F) {
	for _, s := range []string{
		`{"entity":"Post","op":"UPDATE","id":"1","scope":{"tenant_id":"a"}}`,
		`{"entity":"Post","op":"DELETE","overflow":true}`, `{"entity":"Post"}`, `garbage`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		ev, err := ParseEvent(payload)
		if err != nil {
			return
		}
		if ev.Entity == "" || (ev.ID == "" && !ev.Overflow) {
			t.Fatalf("accepted an incomplete event %+v from %q", ev, payload)
		}
	})
}
