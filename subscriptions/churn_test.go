package subscriptions

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

// settleGoroutines waits until the goroutine count is at most want.
func settleGoroutines(t *testing.T, want int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > want {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			n := runtime.Stack(buf, true)
			t.Fatalf("goroutines: %d, baseline %d\n%s", runtime.NumGoroutine(), want, buf[:n])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestChurn opens and drops 10,000 subscriptions, some cleanly, some by
// cutting the TCP connection, and checks that sockets, registrations,
// goroutines and the live heap return to their baseline.
func TestChurn(t *testing.T) {
	const sockets, perSocket, rounds = 20, 50, 10 // 10,000 subscriptions
	hub := newHubForTest(t)
	ts := newTestServer(t, Config{MaxOperations: perSocket}, nil, hub, nil)
	// A bystander that must keep receiving throughout.
	by := ts.dial(ProtocolTransportWS)
	by.init("")
	by.send(`{"type":"subscribe","id":"by","payload":{"query":"subscription { postUpdated { id } }"}}`)
	waitFor(t, "bystander", func() bool { return hub.Stats().Subscriptions == 1 })
	runtime.GC()
	baseline := runtime.NumGoroutine()
	heapBefore := liveHeap()

	for round := range rounds {
		var clients []*client
		for range sockets {
			c := ts.dial(ProtocolTransportWS, ProtocolLegacyWS)
			c.init("")
			for i := range perSocket {
				c.send(fmt.Sprintf(`{"type":"subscribe","id":"%d","payload":{"query":"subscription { postUpdated { id } }","variables":{"id":"p%d"}}}`, i, i%7))
			}
			clients = append(clients, c)
		}
		waitFor(t, "registrations", func() bool { return hub.Stats().Subscriptions == 1+sockets*perSocket })
		hub.testEvent("Post", "UPDATE", "p3", nil)
		if m := by.expectType("next"); m["id"] != "by" {
			t.Fatalf("bystander: %v", m)
		}
		for i, c := range clients {
			switch i % 3 {
			case 0: // complete every subscription, then close normally
				for j := range perSocket {
					c.send(fmt.Sprintf(`{"type":"complete","id":"%d"}`, j))
				}
				c.ws.Close()
			case 1: // abrupt: the TCP connection vanishes
				c.ws.NetConn().Close()
			default: // protocol error closes the socket from the server side
				c.send(`{"type":"bogus"}`)
			}
		}
		waitFor(t, fmt.Sprintf("round %d: registrations back to the bystander", round), func() bool {
			return hub.Stats().Subscriptions == 1 && ts.h.Active() == 1
		})
	}
	hub.testEvent("Post", "UPDATE", "p3", nil)
	by.expectType("next")
	settleGoroutines(t, baseline)
	after := liveHeap()
	t.Logf("live heap: %d KB before, %d KB after 10,000 subscriptions came and went", heapBefore>>10, after>>10)
	// The test's own 200 client sockets stay referenced by their cleanups
	// (about 2 MB of gorilla client buffers); a server-side leak of even
	// 400 bytes per subscription would add 4 MB on top.
	if after > heapBefore+6<<20 {
		t.Errorf("live heap %d KB after the churn, %d KB before", after>>10, heapBefore>>10)
	}
}

// liveHeap is the bytes of live objects after a collection.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc // live objects; HeapInuse also counts partly used spans
}

// TestAbruptDisconnectMidEvent: a subscriber vanishes while the Hub is
// reading for it; delivery to it is dropped, others receive, nothing leaks.
func TestAbruptDisconnectMidEvent(t *testing.T) {
	hub := newHubForTest(t)
	exec := &scriptedExecutor{block: make(chan struct{})}
	ts := newTestServer(t, Config{}, exec, hub, nil)
	gone := ts.dial(ProtocolTransportWS)
	gone.init("")
	gone.send(`{"type":"subscribe","id":"g","payload":{"query":"subscription { postUpdated { id } }"}}`)
	stay := ts.dial(ProtocolLegacyWS)
	stay.init("")
	stay.send(`{"type":"start","id":"s","payload":{"query":"subscription { postUpdated { id } }"}}`)
	waitFor(t, "registrations", func() bool { return hub.Stats().Subscriptions == 2 })
	done := make(chan struct{})
	go func() {
		defer close(done)
		hub.testEvent("Post", "UPDATE", postA, nil) // blocks in Read
	}()
	waitFor(t, "the read to start", func() bool { return exec.reads.Load() == 1 })
	gone.ws.NetConn().Close()
	waitFor(t, "the vanished socket to be released", func() bool { return ts.h.Active() == 1 })
	close(exec.block)
	<-done
	if m := stay.expectType("data"); m["id"] != "s" {
		t.Fatalf("survivor: %v", m)
	}
	if n := hub.Stats().Subscriptions; n != 1 {
		t.Fatalf("registrations: %d", n)
	}
}

// TestHalfOpenSocketIsDropped: a client that stops reading (so it never
// answers pings) is dropped after 2×KeepAlive.
func TestHalfOpenSocketIsDropped(t *testing.T) {
	hub := newHubForTest(t)
	// Long enough that a reading client is never late on a loaded machine
	// running -race, short enough for a test.
	ts := newTestServer(t, Config{KeepAlive: 300 * time.Millisecond}, nil, hub, nil)
	c := ts.dial(ProtocolTransportWS)
	c.init("")
	c.send(`{"type":"subscribe","id":"1","payload":{"query":"subscription { postUpdated { id } }"}}`)
	waitFor(t, "registration", func() bool { return hub.Stats().Subscriptions == 1 })
	// The client goes silent: gorilla answers pings only while reading.
	waitFor(t, "the silent socket to be dropped", func() bool {
		return ts.h.Active() == 0 && hub.Stats().Subscriptions == 0
	})
	// A client that keeps reading survives several intervals.
	alive := ts.dial(ProtocolTransportWS)
	alive.init("")
	for range 4 {
		alive.expectType("ping")
		alive.send(`{"type":"pong"}`)
	}
	if ts.h.Active() != 1 {
		t.Fatalf("active %d", ts.h.Active())
	}
}

// TestReadErrorsAndSkips: a failing read gives its group an
// INTERNAL_SERVER_ERROR next without the cause and keeps the subscription; a
// read that says "not for you" sends nothing.
func TestReadErrorsAndSkips(t *testing.T) {
	hub := newHubForTest(t)
	ts := newTestServer(t, Config{}, nil, hub, nil)
	c := ts.dial(ProtocolTransportWS)
	c.init("")
	c.send(`{"type":"subscribe","id":"1","payload":{"query":"subscription { postUpdated { id } }"}}`)
	waitFor(t, "registration", func() bool { return hub.Stats().Subscriptions == 1 })
	hub.testEvent("Post", "UPDATE", "fail", nil)
	if got := c.nextRaw(); got != `{"type":"next","id":"1","payload":`+internalReadPayload+`}` {
		t.Fatalf("read failure: %s", got)
	}
	hub.testEvent("Post", "UPDATE", "skip", nil)
	hub.testEvent("Post", "DELETE", postA, nil)
	if m := c.expectType("next"); !strings.Contains(toJSON(m["payload"]), `"op":"DELETE"`) {
		t.Fatalf("the skipped event was delivered: %v", m)
	}
	c.sync() // nothing else was queued
	if n := hub.Stats().Subscriptions; n != 1 {
		t.Fatalf("registrations: %d", n)
	}
}
