package compress

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// recorder is an h1.ResponseWriter that keeps its buffers between
// responses, as the connection layer's pooled writer does, so that the
// benchmarks count only what the compression step allocates.
type recorder struct {
	status      int
	contentType string
	body        []byte
	header      http.Header
	late        [][2]string
}

func (r *recorder) reset() {
	r.status, r.contentType, r.body, r.late = 0, "", r.body[:0], r.late[:0]
}
func (r *recorder) Header() http.Header {
	if r.header == nil {
		r.header = http.Header{}
	}
	return r.header
}
func (r *recorder) WriteHeader(code int)        { r.status = code }
func (r *recorder) Write(p []byte) (int, error) { r.body = append(r.body, p...); return len(p), nil }
func (r *recorder) Respond(s int, ct string, b []byte) {
	r.status, r.contentType, r.body = s, ct, append(r.body[:0], b...)
}
func (r *recorder) Buffer() []byte { return r.body[:0] }
func (r *recorder) RespondBuffer(s int, ct string, b []byte) {
	r.status, r.contentType, r.body = s, ct, b
}
func (r *recorder) Status() int                     { return r.status }
func (r *recorder) AddHeader(name, value string)    { r.Header().Add(name, value) }
func (r *recorder) AppendHeader(name, value string) { r.late = append(r.late, [2]string{name, value}) }
func (r *recorder) Body() (string, []byte)          { return r.contentType, r.body }
func (r *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return nil, nil, http.ErrNotSupported
}
func (r *recorder) Fail() bool                 { return false }
func (r *recorder) OnWrite(func() func(error)) {}
func (r *recorder) HasHeader(name string) bool {
	if len(r.Header().Values(name)) > 0 {
		return true
	}
	for _, f := range r.late {
		if strings.EqualFold(f[0], name) {
			return true
		}
	}
	return false
}

func (r *recorder) lateHeaders() string {
	var parts []string
	for _, f := range r.late {
		parts = append(parts, f[0]+": "+f[1])
	}
	return strings.Join(parts, "; ")
}

func decode(t testing.TB, coding string, b []byte) []byte {
	t.Helper()
	switch coding {
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		out, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		return out
	case "zstd":
		d, err := zstd.NewReader(nil)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		out, err := d.DecodeAll(b, nil)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	return b
}

func usersBody(t testing.TB) []byte {
	b, err := os.ReadFile("testdata/users-20x3.json")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// largeList is a 2,000-row list answer shaped like the demo's posts with
// their authors; its text varies row by row (seeded), so it compresses
// like real data rather than like one row repeated.
func largeList() []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	words := strings.Fields("the a PostgreSQL view JSONB row tenant query field mutation comment author draft published review release notes server client index cache plan latency")
	var b bytes.Buffer
	b.WriteString(`{"data":{"posts":[`)
	for i := range 2000 {
		if i > 0 {
			b.WriteByte(',')
		}
		var content strings.Builder
		for j := range 30 + rng.IntN(30) {
			if j > 0 {
				content.WriteByte(' ')
			}
			content.WriteString(words[rng.IntN(len(words))])
		}
		fmt.Fprintf(&b, `{"__typename":"Post","author":{"__typename":"User","email":"user%d@example.com","firstName":"Name%d","id":"%08x-%04x-4%03x-8%03x-%012x"},"content":%q,"id":"%08x-%04x-4%03x-8%03x-%012x","publishedAt":"2026-%02d-%02dT%02d:%02d:00+00:00","title":"Post number %d"}`,
			rng.IntN(500), rng.IntN(500), rng.Uint32(), rng.IntN(1<<16), rng.IntN(1<<12), rng.IntN(1<<12), rng.Uint64()&(1<<48-1),
			content.String(), rng.Uint32(), rng.IntN(1<<16), rng.IntN(1<<12), rng.IntN(1<<12), rng.Uint64()&(1<<48-1),
			1+rng.IntN(12), 1+rng.IntN(28), rng.IntN(24), rng.IntN(60), i)
	}
	b.WriteString(`]}}`)
	return b.Bytes()
}

func request(ae ...string) *http.Request {
	r, _ := http.NewRequest(http.MethodPost, "/graphql", nil)
	for _, v := range ae {
		r.Header.Add("Accept-Encoding", v)
	}
	return r
}

func TestApply(t *testing.T) {
	t.Parallel()
	c, err := New(DefaultMinSize)
	if err != nil {
		t.Fatal(err)
	}
	users := usersBody(t)
	small := []byte(`{"data":{"users":[]}}`)
	for _, tc := range []struct {
		name       string
		req        *http.Request
		status     int
		ct         string
		body       []byte
		preset     string // a header set by the handler
		wantCoding string
		wantLate   string
	}{
		{name: "no accept-encoding: v1's bytes", req: request(), status: 200, ct: "application/json", body: users},
		{name: "gzip", req: request("gzip, deflate"), status: 200, ct: "application/json", body: users, wantCoding: "gzip", wantLate: "vary: Accept-Encoding; content-encoding: gzip"},
		{name: "zstd preferred", req: request("gzip, zstd"), status: 200, ct: "application/json", body: users, wantCoding: "zstd", wantLate: "vary: Accept-Encoding; content-encoding: zstd"},
		{name: "two header lines", req: request("br", "gzip"), status: 200, ct: "application/json", body: users, wantCoding: "gzip", wantLate: "vary: Accept-Encoding; content-encoding: gzip"},
		{name: "identity only: vary, no coding", req: request("br"), status: 200, ct: "application/json", body: users, wantLate: "vary: Accept-Encoding"},
		{name: "empty accept-encoding", req: request(""), status: 200, ct: "application/json", body: users, wantLate: "vary: Accept-Encoding"},
		{name: "below the minimum", req: request("gzip"), status: 200, ct: "application/json", body: small},
		{name: "error answers too", req: request("gzip"), status: 422, ct: "application/json", body: users, wantCoding: "gzip", wantLate: "vary: Accept-Encoding; content-encoding: gzip"},
		{name: "html page", req: request("gzip"), status: 200, ct: "text/html; charset=utf-8", body: users, wantCoding: "gzip", wantLate: "vary: Accept-Encoding; content-encoding: gzip"},
		{name: "javascript asset", req: request("gzip"), status: 200, ct: "application/javascript", body: users, wantCoding: "gzip", wantLate: "vary: Accept-Encoding; content-encoding: gzip"},
		{name: "graphql-response+json", req: request("gzip"), status: 200, ct: "application/graphql-response+json", body: users, wantCoding: "gzip", wantLate: "vary: Accept-Encoding; content-encoding: gzip"},
		{name: "image", req: request("gzip"), status: 200, ct: "image/png", body: users},
		{name: "no content type", req: request("gzip"), status: 200, ct: "", body: users},
		{name: "already encoded", req: request("gzip"), status: 200, ct: "application/javascript", body: users, preset: "Content-Encoding"},
		{name: "304", req: request("gzip"), status: 304, ct: "application/json", body: users},
		{name: "206 byte range", req: request("gzip"), status: 206, ct: "application/javascript", body: users},
		{name: "content-range", req: request("gzip"), status: 200, ct: "application/javascript", body: users, preset: "Content-Range"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := &recorder{}
			w.Respond(tc.status, tc.ct, tc.body)
			if tc.preset != "" {
				w.Header().Set(tc.preset, "br")
			}
			c.Apply(w, tc.req)
			if got := w.lateHeaders(); got != tc.wantLate {
				t.Errorf("headers after content-type = %q, want %q", got, tc.wantLate)
			}
			if w.status != tc.status || w.contentType != tc.ct {
				t.Errorf("status, content type = %d %q, want %d %q", w.status, w.contentType, tc.status, tc.ct)
			}
			if tc.wantCoding == "" {
				if !bytes.Equal(w.body, tc.body) {
					t.Errorf("body changed although not compressed")
				}
				return
			}
			if len(w.body) >= len(tc.body) {
				t.Errorf("%s body is %d bytes, identity %d", tc.wantCoding, len(w.body), len(tc.body))
			}
			if got := decode(t, tc.wantCoding, w.body); !bytes.Equal(got, tc.body) {
				t.Errorf("decoded body differs from the original")
			}
		})
	}
}

// TestApplyWeakensETag: an asset's strong ETag becomes weak when its body
// is encoded, and stays strong when it is not.
func TestApplyWeakensETag(t *testing.T) {
	t.Parallel()
	c, err := New(DefaultMinSize)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ ae, want string }{{"gzip", `W/"abc"`}, {"identity", `"abc"`}} {
		w := &recorder{}
		w.Header().Set("Etag", `"abc"`)
		w.Respond(200, "application/javascript", usersBody(t))
		c.Apply(w, request(tc.ae))
		if got := w.Header().Get("Etag"); got != tc.want {
			t.Errorf("Accept-Encoding %s: ETag %s, want %s", tc.ae, got, tc.want)
		}
	}
	w := &recorder{}
	w.Header().Set("Etag", `W/"weak"`)
	w.Respond(200, "application/javascript", usersBody(t))
	c.Apply(w, request("gzip"))
	if got := w.Header().Get("Etag"); got != `W/"weak"` {
		t.Errorf("weak ETag became %s", got)
	}
}

// TestApplyMinSize: the setting is the boundary, 0 compresses everything.
func TestApplyMinSize(t *testing.T) {
	t.Parallel()
	body := bytes.Repeat([]byte("a"), 100)
	for _, tc := range []struct {
		min  int
		want bool
	}{{99, true}, {100, true}, {101, false}, {0, true}} {
		c, err := New(tc.min)
		if err != nil {
			t.Fatal(err)
		}
		w := &recorder{}
		w.Respond(200, "text/plain", body)
		c.Apply(w, request("gzip"))
		if got := w.HasHeader("content-encoding"); got != tc.want {
			t.Errorf("min %d, body 100: compressed = %v, want %v", tc.min, got, tc.want)
		}
	}
}

// TestApplyLarge: a large list survives both codings, and zstd frames stay
// within the 8 MiB window browsers accept.
func TestApplyLarge(t *testing.T) {
	t.Parallel()
	c, err := New(DefaultMinSize)
	if err != nil {
		t.Fatal(err)
	}
	body := largeList()
	for _, coding := range []string{"gzip", "zstd"} {
		w := &recorder{}
		w.Respond(200, "application/json", body)
		c.Apply(w, request(coding))
		if got := decode(t, coding, w.body); !bytes.Equal(got, body) {
			t.Fatalf("%s: decoded body differs", coding)
		}
		if coding == "zstd" {
			var h zstd.Header
			if err := h.Decode(w.body); err != nil {
				t.Fatal(err)
			}
			if h.WindowSize > 8<<20 {
				t.Errorf("zstd window %d > 8 MiB", h.WindowSize)
			}
		}
		t.Logf("%s: %d → %d bytes", coding, len(body), len(w.body))
	}
}

// TestApplyAllocations: once the pools are warm, compressing a response
// allocates no compressor and no buffer.
func TestApplyAllocations(t *testing.T) {
	t.Parallel()
	if raceEnabled {
		t.Skip("sync.Pool drops items on purpose under -race; this test runs without it")
	}
	c, err := New(DefaultMinSize)
	if err != nil {
		t.Fatal(err)
	}
	users := usersBody(t)
	for _, coding := range []string{"gzip", "zstd"} {
		req := request(coding)
		w := &recorder{}
		run := func() {
			w.reset()
			w.Respond(200, "application/json", users)
			c.Apply(w, req)
		}
		run()
		if n := testing.AllocsPerRun(200, run); n > 0 {
			t.Errorf("%s: %.1f allocations per response, want 0", coding, n)
		}
	}
}

func BenchmarkCompress(b *testing.B) {
	c, err := New(DefaultMinSize)
	if err != nil {
		b.Fatal(err)
	}
	for _, body := range []struct {
		name string
		b    []byte
	}{{"users-20x3", usersBody(b)}, {"posts-2000", largeList()}} {
		for _, coding := range []string{"identity", "gzip", "zstd"} {
			b.Run(body.name+"/"+coding, func(b *testing.B) {
				req := request(coding)
				w := &recorder{}
				b.SetBytes(int64(len(body.b)))
				b.ReportAllocs()
				var out int
				for b.Loop() {
					w.reset()
					w.Respond(200, "application/json", body.b)
					c.Apply(w, req)
					out = len(w.body)
				}
				b.ReportMetric(float64(out), "out-bytes")
			})
		}
	}
}
