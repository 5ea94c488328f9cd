package subscriptions

import (
	"bufio"
	"encoding/binary"
	"io"
	"net"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"
)

// rawClient is a WebSocket client written on a bare net.Conn (masked text
// frames, no buffers kept), so that a memory measurement in this process
// counts the server's side of each connection and almost nothing of the
// client's.
type rawClient struct {
	c  net.Conn
	br *bufio.Reader
}

func dialRaw(tb testing.TB, addr string) *rawClient {
	tb.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		tb.Fatal(err)
	}
	_, err = io.WriteString(c, "GET /graphql HTTP/1.1\r\nHost: "+addr+"\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"+
		"Sec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n")
	if err != nil {
		tb.Fatal(err)
	}
	rc := &rawClient{c: c, br: bufio.NewReaderSize(c, 256)}
	status, err := rc.br.ReadString('\n')
	if err != nil || !strings.Contains(status, " 101 ") {
		tb.Fatalf("upgrade: %q %v", status, err)
	}
	for {
		line, err := rc.br.ReadString('\n')
		if err != nil {
			tb.Fatal(err)
		}
		if line == "\r\n" {
			break
		}
	}
	return rc
}

// send writes one masked text frame (payload under 126 bytes).
func (rc *rawClient) send(tb testing.TB, s string) {
	frame := make([]byte, 0, 6+len(s))
	frame = append(frame, 0x81, 0x80|byte(len(s)))
	mask := [4]byte{1, 2, 3, 4}
	frame = append(frame, mask[:]...)
	for i := range len(s) {
		frame = append(frame, s[i]^mask[i%4])
	}
	if _, err := rc.c.Write(frame); err != nil {
		tb.Fatal(err)
	}
}

// read returns one unmasked server text frame's payload (under 126 bytes).
func (rc *rawClient) read(tb testing.TB) string {
	var h [2]byte
	if _, err := io.ReadFull(rc.br, h[:]); err != nil {
		tb.Fatal(err)
	}
	n := int(h[1] & 0x7f)
	if n == 126 {
		var ext [2]byte
		if _, err := io.ReadFull(rc.br, ext[:]); err != nil {
			tb.Fatal(err)
		}
		n = int(binary.BigEndian.Uint16(ext[:]))
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(rc.br, buf); err != nil {
		tb.Fatal(err)
	}
	return string(buf)
}

// memSample is what the memory benchmark compares before and after.
type memSample struct {
	heap, stacks uint64 // bytes: live heap spans in use, goroutine stacks
	goroutines   int
}

func sampleMemory() memSample {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return memSample{heap: m.HeapInuse, stacks: m.StackInuse, goroutines: runtime.NumGoroutine()}
}

// BenchmarkIdleSubscribedConnectionMemory reports the Go memory (heap in
// use plus goroutine stacks) each idle, subscribed connection costs the
// server; the client side is a bare net.Conn. Kernel socket buffers are
// not included: the perf module measures RSS of a separate process. Read
// it as an upper bound of this module's share: it also counts what
// net/http's server keeps for a hijacked connection (its 4 KiB read and
// write buffers and the request), which httpcore's own server replaces.
// It also reports heap and stacks apart, and goroutines per connection,
// for the two read paths: "parked" (the default on Linux) and
// "goroutine-per-socket". Seen on the 2-core machine (500 sockets, three
// runs): parked 2.8 to 5.4 KB (3.3 to 4.8 KB heap, no goroutine);
// goroutine-per-socket 7.6 to 8.2 KB (3.6 to 4.4 KB heap, 3.2 to 4.5 KB
// stack). Before this package parsed frames itself it was 12.6 KB (5.3 KB
// heap with gorilla's 1 KiB read buffer, 7.4 KB for the reader's stack).
func BenchmarkIdleSubscribedConnectionMemory(b *testing.B) {
	b.Run("parked", func(b *testing.B) { benchmarkIdleMemory(b, Config{}) })
	b.Run("goroutine-per-socket", func(b *testing.B) { benchmarkIdleMemory(b, Config{GoroutinePerSocket: true}) })
}

func benchmarkIdleMemory(b *testing.B, cfg Config) {
	const conns = 500
	hub := newHubForTest(b)
	cfg.Logger, cfg.KeepAlive = quietLogger(), time.Hour
	h, err := NewHandler(cfg, &scriptedExecutor{}, hub, nil)
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	for range b.N {
		before := sampleMemory()
		clients := make([]*rawClient, 0, conns)
		for range conns {
			rc := dialRaw(b, addr)
			rc.send(b, `{"type":"connection_init"}`)
			if got := rc.read(b); got != `{"type":"connection_ack"}` {
				b.Fatalf("ack: %s", got)
			}
			rc.send(b, `{"type":"subscribe","id":"1","payload":{"query":"subscription { postUpdated { id } }"}}`)
			clients = append(clients, rc)
		}
		deadline := time.Now().Add(10 * time.Second)
		for hub.Stats().Subscriptions != conns && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		after := sampleMemory()
		b.ReportMetric((float64(after.heap+after.stacks)-float64(before.heap+before.stacks))/conns, "bytes/conn")
		b.ReportMetric((float64(after.heap)-float64(before.heap))/conns, "heap-bytes/conn")
		b.ReportMetric((float64(after.stacks)-float64(before.stacks))/conns, "stack-bytes/conn")
		b.ReportMetric(float64(after.goroutines-before.goroutines)/conns, "goroutines/conn")
		for _, rc := range clients {
			rc.c.Close()
		}
		for h.Active() != 0 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
	}
}
