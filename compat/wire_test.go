package compat

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

func TestReadResponse(t *testing.T) {
	t.Parallel()
	const ok = "HTTP/1.1 200 OK\r\ncontent-length: 5\r\ncontent-type: application/json\r\n\r\n"
	tests := []struct {
		name    string
		stream  string
		head    bool
		want    string
		wantErr string
	}{
		{name: "content-length body", stream: ok + "hello", want: ok + "hello"},
		{name: "HEAD stops at the header block", stream: ok, head: true, want: ok},
		{name: "HEAD with a body sent anyway", stream: ok + "hello", head: true, want: ok, wantErr: "beyond the end"},
		{name: "extra bytes after the body", stream: ok + "hello!!", want: ok + "hello", wantErr: "beyond the end"},
		{name: "closed before the header block ends", stream: "HTTP/1.1 200 OK\r\ncontent-le", want: "HTTP/1.1 200 OK\r\ncontent-le", wantErr: "before the end of the header block"},
		{name: "closed mid-body", stream: ok + "hel", want: ok + "hel", wantErr: "after 3 of 5 body bytes"},
		{name: "closed without any byte", stream: "", want: "", wantErr: "after 0 bytes"},
		{name: "no content-length: until close", stream: "HTTP/1.1 400 Bad Request\r\n\r\nbad", want: "HTTP/1.1 400 Bad Request\r\n\r\nbad"},
		{name: "204 has no body", stream: "HTTP/1.1 204 No Content\r\n\r\n", want: "HTTP/1.1 204 No Content\r\n\r\n"},
		{name: "zero length", stream: "HTTP/1.1 307 Temporary Redirect\r\ncontent-length: 0\r\n\r\n", want: "HTTP/1.1 307 Temporary Redirect\r\ncontent-length: 0\r\n\r\n"},
		{name: "bad content-length", stream: "HTTP/1.1 200 OK\r\ncontent-length: x\r\n\r\n", wantErr: "unparseable content-length", want: "HTTP/1.1 200 OK\r\ncontent-length: x\r\n\r\n"},
	}
	for _, tt := range tests {
		for _, split := range []struct {
			name string
			r    func(string) io.Reader
		}{
			{"whole", func(s string) io.Reader { return strings.NewReader(s) }},
			{"byte by byte", func(s string) io.Reader { return iotest.OneByteReader(strings.NewReader(s)) }},
			{"data with EOF", func(s string) io.Reader { return iotest.DataErrReader(strings.NewReader(s)) }},
		} {
			t.Run(tt.name+"/"+split.name, func(t *testing.T) {
				got, err := ReadResponse(split.r(tt.stream), tt.head)
				if tt.wantErr == "" && err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
					// One-byte reads may stop exactly at the frame: no extra bytes seen yet.
					if !(split.name == "byte by byte" && strings.Contains(tt.wantErr, "beyond")) {
						t.Fatalf("error %v, want %q", err, tt.wantErr)
					}
				}
				if string(got) != tt.want {
					t.Fatalf("got %q want %q", got, tt.want)
				}
			})
		}
	}
}

func TestReadResponseExtraBytesIsTyped(t *testing.T) {
	t.Parallel()
	_, err := ReadResponse(strings.NewReader("HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\nab"), false)
	if !errors.Is(err, ErrExtraBytes) {
		t.Fatalf("got %v", err)
	}
}

// Exchange must deliver the request bytes unchanged (Host header included)
// and must not wait for the server to close the connection.
func TestExchangeSendsBytesUnchanged(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	req := []byte("POST /graphql HTTP/1.1\r\nHost: localhost:8000\r\nUser-Agent: fraiseql-golden/1.0\r\nContent-Length: 13\r\n\r\n{\"query\":\"é\"}")
	got := make(chan []byte, 1)
	release := make(chan struct{})
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		b, _ := readRequest(conn)
		got <- b
		_, _ = conn.Write([]byte("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}"))
		<-release // keep the connection open: the client must stop on content-length
	}()
	defer close(release)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	resp, err := Exchange(ctx, ln.Addr().String(), req)
	if err != nil {
		t.Fatal(err)
	}
	if string(resp) != "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}" {
		t.Fatalf("response %q", resp)
	}
	if b := <-got; !bytes.Equal(b, req) {
		t.Fatalf("server received %q", b)
	}
}

func TestExchangeHonoursContext(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	done := make(chan struct{})
	defer close(done)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		<-done // never answer
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err = Exchange(ctx, ln.Addr().String(), []byte("GET / HTTP/1.1\r\n\r\n"))
	if err == nil {
		t.Fatal("no error from a server that never answers")
	}
}

func FuzzReadResponse(f *testing.F) {
	f.Add([]byte("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}"), false)
	f.Add([]byte("HTTP/1.1 405 Method Not Allowed\r\ncontent-length: 31\r\n\r\n"), true)
	f.Add([]byte("HTTP/1.1 200 OK\r\ncontent-length: 99999999999999999999\r\n\r\n"), false)
	f.Fuzz(func(t *testing.T, stream []byte, head bool) {
		got, err := ReadResponse(bytes.NewReader(stream), head)
		if !bytes.HasPrefix(stream, got) {
			t.Fatalf("returned bytes that were not received: %q", got)
		}
		if err == nil && HeaderBlockLen(got) < 0 {
			t.Fatalf("no error but no header block: %q", got)
		}
	})
}
