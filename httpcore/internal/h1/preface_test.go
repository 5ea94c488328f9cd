package h1

import (
	"bufio"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// TestHTTP2HandOff: with the HTTP2 hook set, a connection that starts with
// the client preface goes to it with every byte unread; anything else,
// including a request shorter than the preface and one that starts like
// it, is served as HTTP/1.1 without waiting for more bytes.
func TestHTTP2HandOff(t *testing.T) {
	t.Parallel()
	got := make(chan string, 1)
	ts := startServer(t, &testApp{}, func(s *Server) {
		s.HTTP2 = func(c net.Conn, r *bufio.Reader) {
			defer c.Close()
			buf := make([]byte, len(ClientPreface)+len("frames"))
			if _, err := io.ReadFull(r, buf); err != nil {
				got <- "read error: " + err.Error()
				return
			}
			got <- string(buf)
			io.WriteString(c, "h2 speaks now")
		}
	})

	c := ts.dial()
	io.WriteString(c, ClientPreface[:10]) // the preface may arrive in pieces
	time.Sleep(20 * time.Millisecond)
	io.WriteString(c, ClientPreface[10:]+"frames")
	if s := <-got; s != ClientPreface+"frames" {
		t.Fatalf("the hook read %q", s)
	}
	if rest, _ := io.ReadAll(c); string(rest) != "h2 speaks now" {
		t.Fatalf("client read %q", rest)
	}
	ts.srv.mu.Lock()
	tracked := len(ts.srv.conns)
	ts.srv.mu.Unlock()
	if tracked != 0 {
		t.Errorf("a handed-off connection is still tracked (%d)", tracked)
	}

	short := ts.dial()
	io.WriteString(short, "GET / HTTP/1.0\r\n\r\n") // 18 bytes, shorter than the preface
	short.SetDeadline(time.Now().Add(2 * time.Second))
	if resp, _ := io.ReadAll(short); !strings.HasPrefix(string(resp), "HTTP/1.1 404 Not Found\r\n") {
		t.Fatalf("short HTTP/1.0 request: %q", resp)
	}

	lookalike := ts.dial()
	io.WriteString(lookalike, "PRI * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	if resp, _ := io.ReadAll(lookalike); !strings.HasPrefix(string(resp), "HTTP/1.1 404 Not Found\r\n") {
		t.Fatalf("a preface look-alike: %q", resp)
	}
	select {
	case s := <-got:
		t.Fatalf("the hook was called for HTTP/1 bytes: %q", s)
	default:
	}
}
