package subscriptions

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// ---- the frame parser ----

// clientFrame builds one masked client frame.
func clientFrame(op byte, fin bool, payload []byte) []byte {
	b0 := op
	if fin {
		b0 |= 0x80
	}
	f := []byte{b0}
	switch n := len(payload); {
	case n < 126:
		f = append(f, 0x80|byte(n))
	case n <= 0xffff:
		f = append(f, 0x80|126)
		f = binary.BigEndian.AppendUint16(f, uint16(n))
	default:
		f = append(f, 0x80|127)
		f = binary.BigEndian.AppendUint64(f, uint64(n))
	}
	mask := [4]byte{0x37, 0xfa, 0x21, 0x3d}
	f = append(f, mask[:]...)
	for i, b := range payload {
		f = append(f, b^mask[i&3])
	}
	return f
}

// feedAll feeds input in pieces cut at splits and returns what was
// delivered ("op:payload" each) and the violation, if any.
func feedAll(limit int64, input []byte, splits []int) ([]string, *readError) {
	r := frameReader{limit: limit}
	var got []string
	on := func(op byte, payload []byte) bool {
		got = append(got, fmt.Sprintf("%d:%s", op, payload))
		return op != opClose
	}
	prev := 0
	for _, s := range append(splits, len(input)) {
		if s < prev || s > len(input) {
			continue
		}
		// Each piece in a buffer of its own, reused afterwards as a
		// socket read buffer is.
		piece := append([]byte(nil), input[prev:s]...)
		prev = s
		ok, violation := r.feed(piece, on)
		for i := range piece {
			piece[i] = 0xee
		}
		if violation != nil {
			return got, violation
		}
		if !ok {
			return got, nil
		}
	}
	if r.partial != nil {
		got = append(got, fmt.Sprintf("partial %d bytes", len(r.partial)))
	}
	return got, nil
}

func TestFrameReader(t *testing.T) {
	big := bytes.Repeat([]byte("x"), 300)
	cat := func(frames ...[]byte) []byte { return bytes.Join(frames, nil) }
	unmasked := clientFrame(opText, true, []byte("hi"))
	unmasked[1] &^= 0x80
	reserved := clientFrame(opText, true, []byte("hi"))
	reserved[0] |= 0x40
	hugeLen := []byte{0x81, 0x80 | 127, 0x80, 0, 0, 0, 0, 0, 0, 0}
	for _, tc := range []struct {
		name  string
		input []byte
		want  []string
		code  int // a violation's close code; 0 when none
	}{
		{"one text message", clientFrame(opText, true, []byte(`{"type":"ping"}`)), []string{`1:{"type":"ping"}`}, 0},
		{"two messages in one read", cat(clientFrame(opText, true, []byte("a")), clientFrame(opBinary, true, []byte("b"))),
			[]string{"1:a", "2:b"}, 0},
		{"16-bit length", clientFrame(opText, true, big), []string{"1:" + string(big)}, 0},
		{"fragments with a ping between", cat(clientFrame(opText, false, []byte("ab")), clientFrame(opPing, true, []byte("p")),
			clientFrame(opContinuation, false, []byte("cd")), clientFrame(opContinuation, true, []byte("e"))),
			[]string{"9:p", "1:abcde"}, 0},
		{"pong and close stop", cat(clientFrame(opPong, true, nil), clientFrame(opClose, true, []byte{3, 232}),
			clientFrame(opText, true, []byte("after"))), []string{"10:", "8:\x03\xe8"}, 0},
		{"empty text message", clientFrame(opText, true, nil), []string{"1:"}, 0},
		{"incomplete frame is kept", clientFrame(opText, true, big)[:100], []string{"partial 100 bytes"}, 0},
		{"unmasked", unmasked, nil, CloseProtocolError},
		{"reserved bits", reserved, nil, CloseProtocolError},
		{"unknown opcode", clientFrame(0x3, true, nil), nil, CloseProtocolError},
		{"continuation first", clientFrame(opContinuation, true, []byte("x")), nil, CloseProtocolError},
		{"text inside a fragmented message", cat(clientFrame(opText, false, []byte("a")), clientFrame(opText, true, []byte("b"))),
			nil, CloseProtocolError},
		{"long control frame", clientFrame(opPing, true, big[:126]), nil, CloseProtocolError},
		{"fragmented control frame", clientFrame(opPing, false, nil), nil, CloseProtocolError},
		{"64-bit length with the top bit", hugeLen, nil, CloseProtocolError},
		{"over the limit", clientFrame(opText, true, bytes.Repeat([]byte("y"), 257)), nil, CloseMessageTooBig},
		{"over the limit in fragments", cat(clientFrame(opText, false, big[:200]), clientFrame(opContinuation, true, big[:100])),
			nil, CloseMessageTooBig},
		{"over the limit, told by the header alone", clientFrame(opText, true, big)[:4], nil, CloseMessageTooBig},
	} {
		t.Run(tc.name, func(t *testing.T) {
			limit := int64(256)
			if tc.code != CloseMessageTooBig {
				limit = 1 << 20
			}
			// Whole, then cut at every position, then a byte at a time:
			// the same result.
			cuts := [][]int{nil}
			for i := 1; i < len(tc.input); i++ {
				cuts = append(cuts, []int{i})
			}
			every := make([]int, len(tc.input))
			for i := range every {
				every[i] = i
			}
			cuts = append(cuts, every)
			for _, splits := range cuts {
				got, violation := feedAll(limit, tc.input, splits)
				if tc.code != 0 {
					if violation == nil || violation.code != tc.code {
						t.Fatalf("splits %v: violation %v, want code %d (delivered %q)", splits, violation, tc.code, got)
					}
					continue
				}
				if violation != nil {
					t.Fatalf("splits %v: violation %+v", splits, violation)
				}
				if strings.Join(got, "|") != strings.Join(tc.want, "|") {
					t.Fatalf("splits %v:\n got %q\nwant %q", splits, got, tc.want)
				}
			}
		})
	}
}

func TestParseClose(t *testing.T) {
	for _, tc := range []struct {
		payload []byte
		code    int
		bad     bool
	}{
		{nil, closeNoStatus, false},
		{[]byte{3, 232}, 1000, false},
		{append([]byte{15, 160}, "bye"...), 4000, false},
		{[]byte{3, 237}, 0, true},       // 1005 never travels
		{[]byte{3, 232, 0xff}, 0, true}, // reason not UTF-8
		{[]byte{0, 1}, 0, true},         // below 1000
		{[]byte{0x13, 0x88}, 0, true},   // 5000
		{[]byte{3, 242}, 1010, false},   // mandatory extension
		{[]byte{0x0b, 0xb8, 'o', 'k'}, 3000, false},
	} {
		code, violation := parseClose(tc.payload)
		if (violation != nil) != tc.bad || (!tc.bad && code != tc.code) {
			t.Errorf("%v: code %d violation %v", tc.payload, code, violation)
		}
	}
}

// FuzzFrameReader: however the bytes are cut into reads, the parser
// delivers the same frames and reports the same violation.
func FuzzFrameReader(f *testing.F) {
	f.Add(clientFrame(opText, true, []byte(`{"type":"ping"}`)), uint16(3), uint16(9))
	f.Add(bytes.Join([][]byte{clientFrame(opText, false, []byte("ab")), clientFrame(opPing, true, []byte("p")),
		clientFrame(opContinuation, true, []byte("c"))}, nil), uint16(1), uint16(12))
	f.Add(clientFrame(opText, true, bytes.Repeat([]byte("z"), 200)), uint16(2), uint16(4))
	f.Add([]byte{0x81, 0xff, 0, 0, 0, 0, 0, 0, 1, 0}, uint16(1), uint16(5))
	f.Fuzz(func(t *testing.T, input []byte, a, b uint16) {
		whole, wv := feedAll(128, input, nil)
		cut, cv := feedAll(128, input, []int{int(a) % (len(input) + 1), int(b) % (len(input) + 1)})
		if (wv == nil) != (cv == nil) || (wv != nil && *wv != *cv) {
			t.Fatalf("violations differ: %+v vs %+v", wv, cv)
		}
		if strings.Join(whole, "|") != strings.Join(cut, "|") {
			t.Fatalf("frames differ:\n%q\n%q", whole, cut)
		}
	})
}

// ---- sockets: parked and with a reader goroutine ----

// readerModes runs f with the default read path and with a reader
// goroutine per socket.
func readerModes(t *testing.T, f func(t *testing.T, cfg Config)) {
	t.Run("default", func(t *testing.T) { f(t, Config{}) })
	t.Run("goroutine-per-socket", func(t *testing.T) { f(t, Config{GoroutinePerSocket: true}) })
}

// parked reports whether every socket of h is parked in the idle poller.
func parked(h *Handler) (n int, all bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.conns {
		c.rmu.Lock()
		if c.rstate == readParked {
			n++
		}
		c.rmu.Unlock()
	}
	return n, n == len(h.conns)
}

func rawSubscribed(t *testing.T, addr string) *rawClient {
	t.Helper()
	rc := dialRaw(t, addr)
	t.Cleanup(func() { rc.c.Close() })
	rc.send(t, `{"type":"connection_init"}`)
	if got := rc.read(t); got != `{"type":"connection_ack"}` {
		t.Fatalf("ack: %s", got)
	}
	rc.send(t, `{"type":"subscribe","id":"1","payload":{"query":"subscription { postUpdated { id } }"}}`)
	return rc
}

// readFrame reads one server frame: its opcode and payload.
func (rc *rawClient) readFrame(t *testing.T) (byte, string) {
	t.Helper()
	_ = rc.c.SetReadDeadline(time.Now().Add(5 * time.Second))
	var h [2]byte
	if _, err := io.ReadFull(rc.br, h[:]); err != nil {
		t.Fatal(err)
	}
	n := int(h[1] & 0x7f)
	if n == 126 {
		var ext [2]byte
		if _, err := io.ReadFull(rc.br, ext[:]); err != nil {
			t.Fatal(err)
		}
		n = int(binary.BigEndian.Uint16(ext[:]))
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(rc.br, buf); err != nil {
		t.Fatal(err)
	}
	return h[0] & 0x0f, string(buf)
}

func TestIdleSocketsAreParkedAndStillRead(t *testing.T) {
	if sharedPoller() == nil {
		t.Skip("no idle poller on " + runtime.GOOS)
	}
	hub := newHubForTest(t)
	ts := newTestServer(t, Config{KeepAlive: time.Hour}, nil, hub, nil)
	addr := strings.TrimPrefix(ts.srv.URL, "http://")
	before := runtime.NumGoroutine()
	const n = 20
	clients := make([]*rawClient, n)
	for i := range clients {
		clients[i] = rawSubscribed(t, addr)
	}
	waitFor(t, "registrations", func() bool { return hub.Stats().Subscriptions == n })
	waitFor(t, "every socket parked", func() bool { _, all := parked(ts.h); return all })
	// No goroutine per socket: at most the poller's loop was added.
	if g := runtime.NumGoroutine(); g > before+1 {
		t.Fatalf("goroutines %d → %d for %d idle sockets", before, g, n)
	}
	// A long idle, then a message is read and answered.
	time.Sleep(1500 * time.Millisecond)
	for _, rc := range clients {
		rc.send(t, `{"type":"ping"}`)
	}
	for _, rc := range clients {
		if got := rc.read(t); got != `{"type":"pong"}` {
			t.Fatalf("after the idle: %s", got)
		}
	}
}

// TestSplitFrameAcrossSegments: a frame whose bytes arrive in two TCP
// segments with a pause between them (the header itself cut) is read once
// complete; while it waits the socket is parked.
func TestSplitFrameAcrossSegments(t *testing.T) {
	readerModes(t, func(t *testing.T, cfg Config) {
		ts := newTestServer(t, cfg, nil, nil, nil)
		addr := strings.TrimPrefix(ts.srv.URL, "http://")
		rc := dialRaw(t, addr)
		defer rc.c.Close()
		rc.c.(*net.TCPConn).SetNoDelay(true)
		frame := clientFrame(opText, true, []byte(`{"type":"connection_init"}`))
		for _, cut := range []int{1, 2, 7, len(frame) - 1} {
			if _, err := rc.c.Write(frame[:cut]); err != nil {
				t.Fatal(err)
			}
			time.Sleep(200 * time.Millisecond)
			if !cfg.GoroutinePerSocket && sharedPoller() != nil {
				if _, all := parked(ts.h); !all {
					t.Fatalf("cut at %d: the socket is not parked while it waits", cut)
				}
			}
			if _, err := rc.c.Write(frame[cut:]); err != nil {
				t.Fatal(err)
			}
			if cut == 1 {
				if got := rc.read(t); got != `{"type":"connection_ack"}` {
					t.Fatalf("ack: %s", got)
				}
				frame = clientFrame(opText, true, []byte(`{"type":"ping","payload":{"pad":"`+strings.Repeat("p", 140)+`"}}`))
				continue
			}
			if got := rc.read(t); !strings.HasPrefix(got, `{"type":"pong"`) {
				t.Fatalf("cut at %d: %s", cut, got)
			}
		}
	})
}

// TestKeepaliveAndPongsWhileParked: the server's pings reach an idle
// socket, and the client's pong frames (read by the poller's goroutines)
// keep it alive past 2×KeepAlive.
func TestKeepaliveAndPongsWhileParked(t *testing.T) {
	readerModes(t, func(t *testing.T, cfg Config) {
		cfg.KeepAlive = 200 * time.Millisecond
		ts := newTestServer(t, cfg, nil, nil, nil)
		rc := dialRaw(t, strings.TrimPrefix(ts.srv.URL, "http://"))
		defer rc.c.Close()
		rc.send(t, `{"type":"connection_init"}`)
		pings, messages := 0, 0
		end := time.Now().Add(5 * cfg.KeepAlive)
		for time.Now().Before(end) {
			op, payload := rc.readFrame(t)
			switch {
			case op == opPing:
				pings++
				if _, err := rc.c.Write(clientFrame(opPong, true, []byte(payload))); err != nil {
					t.Fatal(err)
				}
			case op == opText && payload == `{"type":"ping"}`:
				messages++
			case op == opText && payload == `{"type":"connection_ack"}`:
			default:
				t.Fatalf("frame %d %q", op, payload)
			}
		}
		if pings < 3 || messages < 3 {
			t.Fatalf("%d pings, %d ping messages in 5 intervals", pings, messages)
		}
		if ts.h.Active() != 1 {
			t.Fatal("a socket that answers pings was dropped")
		}
	})
}

func openFDs(t *testing.T) int {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd")
	}
	return len(entries)
}

// TestParkedSocketsCutAbruptly: sockets dropped while idle (reset, FIN
// without a close frame, a peer that goes silent) are cleaned up: no
// socket, subscription, descriptor or goroutine (goleak) is left.
func TestParkedSocketsCutAbruptly(t *testing.T) {
	readerModes(t, func(t *testing.T, cfg Config) {
		cfg.KeepAlive = 300 * time.Millisecond
		hub := newHubForTest(t)
		ts := newTestServer(t, cfg, nil, hub, nil)
		addr := strings.TrimPrefix(ts.srv.URL, "http://")
		fds := openFDs(t)
		const n = 30
		clients := make([]*rawClient, n)
		for i := range clients {
			clients[i] = rawSubscribed(t, addr)
		}
		waitFor(t, "registrations", func() bool { return hub.Stats().Subscriptions == n })
		for i, rc := range clients {
			switch i % 3 {
			case 0: // reset
				rc.c.(*net.TCPConn).SetLinger(0)
				rc.c.Close()
			case 1: // FIN, no close frame
				rc.c.Close()
			case 2: // silent: never answers a ping; dropped after 2×KeepAlive
			}
		}
		waitFor(t, "every socket gone", func() bool { return ts.h.Active() == 0 && hub.Stats().Subscriptions == 0 })
		for _, rc := range clients {
			rc.c.Close()
		}
		waitFor(t, "descriptors back", func() bool { return openFDs(t) <= fds })
	})
}

// TestManySocketsReadableAtOnce: every parked socket gets a message in the
// same instant; each is answered.
func TestManySocketsReadableAtOnce(t *testing.T) {
	readerModes(t, func(t *testing.T, cfg Config) {
		cfg.KeepAlive = time.Hour
		ts := newTestServer(t, cfg, nil, nil, nil)
		addr := strings.TrimPrefix(ts.srv.URL, "http://")
		const n = 200
		clients := make([]*rawClient, n)
		for i := range clients {
			rc := dialRaw(t, addr)
			t.Cleanup(func() { rc.c.Close() })
			rc.send(t, `{"type":"connection_init"}`)
			clients[i] = rc
		}
		for _, rc := range clients {
			if got := rc.read(t); got != `{"type":"connection_ack"}` {
				t.Fatalf("ack: %s", got)
			}
		}
		msg := clientFrame(opText, true, []byte(`{"type":"ping"}`))
		for _, rc := range clients {
			if _, err := rc.c.Write(msg); err != nil {
				t.Fatal(err)
			}
		}
		for i, rc := range clients {
			if got := rc.read(t); got != `{"type":"pong"}` {
				t.Fatalf("socket %d: %s", i, got)
			}
		}
	})
}

// TestFrameViolationsAndPeerClose: a frame that breaks RFC 6455 gets close
// 1002; a peer's close frame is answered with its code and the socket
// ends.
func TestFrameViolationsAndPeerClose(t *testing.T) {
	readerModes(t, func(t *testing.T, cfg Config) {
		ts := newTestServer(t, cfg, nil, nil, nil)
		addr := strings.TrimPrefix(ts.srv.URL, "http://")
		unmasked := clientFrame(opText, true, []byte(`{"type":"connection_init"}`))
		unmasked[1] &^= 0x80
		for _, tc := range []struct {
			name  string
			frame []byte
			code  int
		}{
			{"unmasked", unmasked, CloseProtocolError},
			{"unknown opcode", clientFrame(0x5, true, nil), CloseProtocolError},
			{"peer close", clientFrame(opClose, true, []byte{0x0f, 0xa0}), 4000},
			{"peer close without code", clientFrame(opClose, true, nil), 0},
		} {
			rc := dialRaw(t, addr)
			if _, err := rc.c.Write(tc.frame); err != nil {
				t.Fatal(err)
			}
			op, payload := rc.readFrame(t)
			code := 0
			if len(payload) >= 2 {
				code = int(binary.BigEndian.Uint16([]byte(payload)))
			}
			if op != opClose || code != tc.code {
				t.Fatalf("%s: frame %d %q, want close %d", tc.name, op, payload, tc.code)
			}
			rc.c.Close()
		}
		waitFor(t, "sockets gone", func() bool { return ts.h.Active() == 0 })
	})
}

// TestGoroutinePerSocket runs the protocol tests again on the portable
// read path (a reader goroutine per socket; newTestServer sets
// Config.GoroutinePerSocket under this test's name).
func TestGoroutinePerSocket(t *testing.T) {
	for name, f := range map[string]func(*testing.T){
		"TransportQueryMutationAndSubscription":   TestTransportQueryMutationAndSubscription,
		"TransportPingPongBothWays":               TestTransportPingPongBothWays,
		"TransportCloseCodes":                     TestTransportCloseCodes,
		"BinaryFrames":                            TestBinaryFrames,
		"InitTimeout":                             TestInitTimeout,
		"OversizedFrame":                          TestOversizedFrame,
		"LegacyProtocol":                          TestLegacyProtocol,
		"SlowReaderIsClosedOthersKeepReceiving":   TestSlowReaderIsClosedOthersKeepReceiving,
		"ShutdownClosesWith1001AfterInFlightWork": TestShutdownClosesWith1001AfterInFlightWork,
		"ShutdownDeadlineCutsSockets":             TestShutdownDeadlineCutsSockets,
		"HalfOpenSocketIsDropped":                 TestHalfOpenSocketIsDropped,
		"AbruptDisconnectMidEvent":                TestAbruptDisconnectMidEvent,
	} {
		t.Run(name, f)
	}
}
