package httpcore

import (
	"bufio"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
)

const healthReq = "GET /health HTTP/1.1\r\nHost: localhost:8000\r\n\r\n"

const healthResp = "HTTP/1.1 200 OK\r\ndate: <date>\r\nserver: uvicorn\r\ncontent-length: 41\r\ncontent-type: application/json\r\n\r\n{\"status\":\"healthy\",\"service\":\"fraiseql\"}"

// assertClosed fails unless the server closes c without sending more bytes.
func assertClosed(t *testing.T, br *bufio.Reader) {
	t.Helper()
	b, err := br.ReadByte()
	if err == nil {
		rest, _ := br.Peek(br.Buffered())
		t.Fatalf("expected the connection to close, got more bytes %q", append([]byte{b}, rest...))
	}
	if !errors.Is(err, io.EOF) {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatal("connection still open (read timed out)")
		}
	}
}

// TestFraming runs the application's routes over the connection layer:
// status lines, header order, the route table's 405 allow header and 307
// redirect, request bodies in both framings.
func TestFraming(t *testing.T) {
	t.Parallel()
	ts := startServer(t, devHandler(&fakeExecutor{}), nil)
	tests := []struct {
		name string
		req  string
		head bool
		want string
	}{
		{"health", healthReq, false, healthResp},
		{"connection close asked", "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", false,
			strings.Replace(healthResp, "\r\n\r\n", "\r\nConnection: close\r\n\r\n", 1)},
		{"http/1.0 answered as 1.1 and closed", "GET /health HTTP/1.0\r\n\r\n", false,
			strings.Replace(healthResp, "\r\n\r\n", "\r\nConnection: close\r\n\r\n", 1)},
		{"head is 405 without body", "HEAD /graphql HTTP/1.1\r\nHost: x\r\n\r\n", true,
			"HTTP/1.1 405 Method Not Allowed\r\ndate: <date>\r\nserver: uvicorn\r\nallow: POST\r\ncontent-length: 31\r\ncontent-type: application/json\r\n\r\n"},
		{"405 on health", "DELETE /health HTTP/1.1\r\nHost: x\r\n\r\n", false,
			"HTTP/1.1 405 Method Not Allowed\r\ndate: <date>\r\nserver: uvicorn\r\nallow: GET\r\ncontent-length: 31\r\ncontent-type: application/json\r\n\r\n{\"detail\":\"Method Not Allowed\"}"},
		{"options graphql", "OPTIONS /graphql HTTP/1.1\r\nHost: x\r\n\r\n", false,
			"HTTP/1.1 405 Method Not Allowed\r\ndate: <date>\r\nserver: uvicorn\r\nallow: POST\r\ncontent-length: 31\r\ncontent-type: application/json\r\n\r\n{\"detail\":\"Method Not Allowed\"}"},
		{"redirect keeps query", "GET /health/?a=1 HTTP/1.1\r\nHost: example.com:9\r\n\r\n", false,
			"HTTP/1.1 307 Temporary Redirect\r\ndate: <date>\r\nserver: uvicorn\r\ncontent-length: 0\r\nlocation: http://example.com:9/health?a=1\r\n\r\n"},
		{"unknown path with slash", "GET /nope/ HTTP/1.1\r\nHost: x\r\n\r\n", false,
			"HTTP/1.1 404 Not Found\r\ndate: <date>\r\nserver: uvicorn\r\ncontent-length: 22\r\ncontent-type: application/json\r\n\r\n{\"detail\":\"Not Found\"}"},
		{"chunked body", "POST /graphql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n5\r\n{\"que\r\n10\r\nry\":\"{ hello }\"}\r\n0\r\n\r\n", false,
			"HTTP/1.1 200 OK\r\ndate: <date>\r\nserver: uvicorn\r\ncontent-length: 22\r\ncontent-type: application/json\r\n\r\n{\"data\":{\"fake\":true}}"},
		{"expect continue", "POST /graphql HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n{}", false,
			"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ndate: <date>\r\nserver: uvicorn\r\ncontent-length: 22\r\ncontent-type: application/json\r\n\r\n{\"data\":{\"fake\":true}}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ts.dial()
			io.WriteString(c, tt.req)
			br := bufio.NewReader(c)
			var got []byte
			if strings.HasPrefix(tt.want, "HTTP/1.1 100 ") {
				cont := make([]byte, len("HTTP/1.1 100 Continue\r\n\r\n"))
				io.ReadFull(br, cont)
				got = append(got, cont...)
			}
			got = append(got, readResponse(t, br, tt.head)...)
			if g := string(normalizeDate(got)); g != tt.want {
				t.Fatalf("\n got: %q\nwant: %q", g, tt.want)
			}
			if strings.Contains(tt.want, "Connection: close") {
				assertClosed(t, br)
			}
		})
	}
}
