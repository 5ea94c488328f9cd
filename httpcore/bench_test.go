package httpcore

import (
	"bufio"
	"net"
	"testing"

	"github.com/fraiseql/fraiseql-http/graphqlexec"
)

// benchLoop sends req b.N times on one keep-alive connection and reads each
// response, measuring the whole request loop (parse, route, write) over
// loopback TCP.
func benchLoop(b *testing.B, h *handler, req string) {
	ts := startServer(b, h, nil)
	c, err := net.Dial("tcp", ts.addr)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	br := bufio.NewReader(c)
	raw := []byte(req)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Write(raw); err != nil {
			b.Fatal(err)
		}
		readResponse(b, br, false)
	}
}

func BenchmarkServeHealth(b *testing.B) {
	benchLoop(b, devHandler(&fakeExecutor{}), healthReq)
}

func BenchmarkServeGraphQL(b *testing.B) {
	body := `{"query":"{ users(limit: 2) { id displayName } }"}`
	exec := &fakeExecutor{answers: map[string]graphqlexec.Response{
		"{ users(limit: 2) { id displayName } }\x00\x00": {Body: []byte(`{"data":{"users":[{"__typename":"User","displayName":"Ana Silva","id":"11111111-1111-4111-8111-111111111101"},{"__typename":"User","displayName":"Bruno C.","id":"11111111-1111-4111-8111-111111111102"}]}}`)},
	}}
	benchLoop(b, devHandler(exec), "POST /graphql HTTP/1.1\r\nHost: localhost:8000\r\nContent-Type: application/json\r\nContent-Length: "+itoa(len(body))+"\r\n\r\n"+body)
}

func itoa(n int) string { return string(appendInt64(nil, int64(n))) }
