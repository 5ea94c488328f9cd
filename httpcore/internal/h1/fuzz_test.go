package h1

import (
	"bytes"
	"io"
	"net"
	"testing"
	"time"
)

// FuzzConnection writes arbitrary bytes on a connection and half-closes it.
// The server must never crash, must answer only with HTTP/1.1 status lines
// (or nothing), and must forget the connection once it is done with it.
func FuzzConnection(f *testing.F) {
	for _, seed := range []string{
		"GET /health HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /health HTTP/1.1\r\nHost: x\r\n\r\nPOST /graphql HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}",
		"POST /graphql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
		"POST /graphql HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n",
		"HEAD /health HTTP/1.0\r\n\r\n",
		ClientPreface,
		"GET / HTTP/1.1\r\nHost: x\r\nX: \x00\r\n\r\n",
		"\r\n\r\n",
	} {
		f.Add([]byte(seed))
	}
	ts := startServer(f, &testApp{}, func(s *Server) { s.MaxHeaderBytes = 4096; s.MaxBodyBytes = 4096 })
	f.Fuzz(func(t *testing.T, in []byte) {
		c, err := net.Dial("tcp", ts.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		c.Write(in) // the server may close early: a short write is fine
		c.(*net.TCPConn).CloseWrite()
		out, _ := io.ReadAll(c)
		if len(out) > 0 && !bytes.HasPrefix(out, []byte("HTTP/1.1 ")) {
			t.Fatalf("answer to %q starts %q", in, out[:min(len(out), 40)])
		}
		c.Close()
		for deadline := time.Now().Add(5 * time.Second); ; {
			ts.srv.mu.Lock()
			n := len(ts.srv.conns)
			ts.srv.mu.Unlock()
			if n == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d connections still tracked after %q", n, in)
			}
			time.Sleep(time.Millisecond)
		}
	})
}
