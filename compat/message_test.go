package compat

import (
	"bytes"
	"testing"
)

func TestParseMessageRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		raw      string
		start    string
		headers  int
		body     string
		complete bool
	}{
		{"response", "HTTP/1.1 200 OK\r\ndate: x\r\ncontent-length: 2\r\n\r\n{}", "HTTP/1.1 200 OK", 2, "{}", true},
		{"no headers", "HTTP/1.1 204 No Content\r\n\r\n", "HTTP/1.1 204 No Content", 0, "", true},
		{"body has CRLFs", "POST / HTTP/1.1\r\nA: b\r\n\r\nx\r\n\r\ny", "POST / HTTP/1.1", 1, "x\r\n\r\ny", true},
		{"incomplete", "HTTP/1.1 200 OK\r\nda", "HTTP/1.1 200 OK", 1, "", false},
		{"malformed header line", "HTTP/1.1 200 OK\r\nnocolon\r\n\r\n", "HTTP/1.1 200 OK", 1, "", true},
		{"empty", "", "", 0, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := ParseMessage([]byte(tt.raw))
			if m.StartLine != tt.start || len(m.Headers) != tt.headers || string(m.Body) != tt.body || m.Complete != tt.complete {
				t.Fatalf("got %q %d headers body %q complete %v", m.StartLine, len(m.Headers), m.Body, m.Complete)
			}
			if got := m.Bytes(); !bytes.Equal(got, []byte(tt.raw)) {
				t.Fatalf("round trip: got %q want %q", got, tt.raw)
			}
		})
	}
}

func TestMessageAccessors(t *testing.T) {
	t.Parallel()
	m := ParseMessage([]byte("HTTP/1.1 422 Unprocessable Content\r\nContent-Length:  17 \r\nX: 1\r\n\r\n"))
	if m.StatusCode() != 422 {
		t.Fatalf("status %d", m.StatusCode())
	}
	if m.ContentLength() != 17 {
		t.Fatalf("content-length %d", m.ContentLength())
	}
	if _, ok := m.Header("missing"); ok {
		t.Fatal("found a missing header")
	}
	bad := ParseMessage([]byte("HTTP/1.1 200 OK\r\ncontent-length: -1\r\n\r\n"))
	if bad.ContentLength() != -1 {
		t.Fatal("negative content-length accepted")
	}
	req := ParseMessage([]byte("HEAD /graphql HTTP/1.1\r\n\r\n"))
	if req.Method() != "HEAD" || req.StatusCode() != 0 {
		t.Fatalf("method %q status %d", req.Method(), req.StatusCode())
	}
}

func TestEveryGoldenFileRoundTrips(t *testing.T) {
	t.Parallel()
	profiles, err := LoadGoldens(goldensDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(profiles) != 5 {
		t.Fatalf("want 5 profiles, got %d", len(profiles))
	}
	n := 0
	for _, p := range profiles {
		for i := range p.Cases {
			c := &p.Cases[i]
			for _, read := range []func(*Case) ([]byte, error){p.ReadRequest, p.ReadResponse} {
				raw, err := read(c)
				if err != nil {
					t.Fatal(err)
				}
				m := ParseMessage(raw)
				if !m.Complete {
					t.Fatalf("%s/%s: no CRLF CRLF: line ends altered?", p.Name, c.Name)
				}
				if cl := m.ContentLength(); cl >= 0 && int(cl) != len(m.Body) {
					t.Fatalf("%s/%s: content-length %d, body %d", p.Name, c.Name, cl, len(m.Body))
				}
				if !bytes.Equal(m.Bytes(), raw) {
					t.Fatalf("%s/%s: round trip differs", p.Name, c.Name)
				}
			}
			resp, _ := p.ReadResponse(c)
			if m := ParseMessage(resp); m.StartLine != c.Status {
				t.Fatalf("%s/%s: status line %q, cases.json says %q", p.Name, c.Name, m.StartLine, c.Status)
			}
			n++
		}
	}
	if n != 119 {
		t.Fatalf("want 119 exchanges, got %d", n)
	}
}
