package httpcore

import (
	"bufio"
	"net"
	"net/http"
	"strings"
	"testing"
)

// BenchmarkAppUsers20x3 measures the whole request on the demo database
// (parse, SQL, write, and the compression step or HTTP/2 framing) for the
// users-20x3 query, so compression's share of a real request shows:
//
//	cd httpcore && FRAISEQL_TEST_DATABASE_URL=… GOWORK=off go test -run X -bench AppUsers20x3 -benchtime 2000x
func BenchmarkAppUsers20x3(b *testing.B) {
	_, addr := startApp(b, nil)
	for _, ae := range []string{"", "gzip", "zstd"} {
		name := "http1/" + ae
		if ae == "" {
			name = "http1/identity"
		}
		b.Run(name, func(b *testing.B) {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			br := bufio.NewReader(c)
			hdr := ""
			if ae != "" {
				hdr = "Accept-Encoding: " + ae + "\r\n"
			}
			raw := []byte("POST /graphql HTTP/1.1\r\nHost: localhost:8000\r\n" + hdr + "Content-Type: application/json\r\nContent-Length: " + itoa(len(usersQuery)) + "\r\n\r\n" + usersQuery)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Write(raw); err != nil {
					b.Fatal(err)
				}
				readResponse(b, br, false)
			}
		})
	}
	b.Run("http2/identity", func(b *testing.B) {
		var p http.Protocols
		p.SetUnencryptedHTTP2(true)
		tr := &http.Transport{Protocols: &p, DisableCompression: true}
		defer tr.CloseIdleConnections()
		c := &http.Client{Transport: tr}
		b.ReportAllocs()
		for b.Loop() {
			resp, err := c.Post("http://"+addr+"/graphql", "application/json", strings.NewReader(usersQuery))
			if err != nil {
				b.Fatal(err)
			}
			buf := make([]byte, 4096)
			for {
				if _, err := resp.Body.Read(buf); err != nil {
					break
				}
			}
			resp.Body.Close()
		}
	})
}
