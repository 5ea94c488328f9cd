package httpcore

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"go.uber.org/goleak"

	"github.com/fraiseql/fraiseql-http/graphqlexec"
	"github.com/fraiseql/fraiseql-http/graphqlexec/schema"
	"github.com/fraiseql/fraiseql-http/httpcore/internal/h1"
	"github.com/fraiseql/fraiseql-http/pyjson"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// goldenDir is the recorded FraiseQL v1.9.7 exchanges (compat module's copy).
var goldenDir = filepath.Join("..", "compat", "testdata", "goldens", "fraiseql-1.9.7")

func readGolden(t testing.TB, profile, name string) (req, resp []byte) {
	t.Helper()
	dir := filepath.Join(goldenDir, profile)
	req, err := os.ReadFile(filepath.Join(dir, name+".request"))
	if err != nil {
		t.Fatalf("golden %s/%s: %v", profile, name, err)
	}
	resp, err = os.ReadFile(filepath.Join(dir, name+".response"))
	if err != nil {
		t.Fatalf("golden %s/%s: %v", profile, name, err)
	}
	return req, resp
}

var dateRe = regexp.MustCompile(`(?m)^date: [^\r]*\r$`)

// normalizeDate replaces the date value, the only header that varies.
func normalizeDate(b []byte) []byte {
	return dateRe.ReplaceAll(b, []byte("date: <date>\r"))
}

// fakeExecutor answers from a table keyed by query text, recording what it
// was asked.
type fakeExecutor struct {
	mu      sync.Mutex
	answers map[string]graphqlexec.Response
	seen    []graphqlexec.Request
	// block, when set, is waited on before answering (in-flight tests).
	block   chan struct{}
	started chan struct{}
}

func (f *fakeExecutor) Execute(ctx context.Context, req *graphqlexec.Request) graphqlexec.Response {
	f.mu.Lock()
	f.seen = append(f.seen, *req)
	f.mu.Unlock()
	if f.started != nil {
		f.started <- struct{}{}
	}
	if f.block != nil {
		<-f.block
	}
	if a, ok := f.answers[requestKey(req)]; ok {
		return a
	}
	return graphqlexec.Response{Body: []byte(`{"data":{"fake":true}}`)}
}

// requestKey identifies a request by query, operation name and variables.
func requestKey(req *graphqlexec.Request) string {
	key := req.Query + "\x00"
	if req.OperationName != nil {
		key += *req.OperationName
	}
	key += "\x00"
	if req.Variables != nil {
		b, _ := pyjson.AppendCompact(nil, req.Variables)
		key += string(b)
	}
	return key
}

func (f *fakeExecutor) ExecuteAppend(ctx context.Context, dst []byte, req *graphqlexec.Request) ([]byte, graphqlexec.Response) {
	resp := f.Execute(ctx, req)
	if resp.InternalError {
		return dst, resp
	}
	return append(dst, resp.Body...), resp
}

// IntrospectionOnly answers as the real engine does (the gate's exemption
// by default), from the blog declaration; it never reaches a database.
func (f *fakeExecutor) IntrospectionOnly(query string, operationName *string) bool {
	e, err := blogParser()
	if err != nil {
		panic(err)
	}
	return e.IntrospectionOnly(query, operationName)
}

// blogParser is an engine over the blog declaration used only to parse.
var blogParser = sync.OnceValues(func() (*graphqlexec.Engine, error) {
	s, err := schema.LoadFile(filepath.Join("..", "examples", "blog", "app.graphql"))
	if err != nil {
		return nil, err
	}
	return graphqlexec.New(s, noDB{}, graphqlexec.Config{})
})

// noDB fails every statement: for engines that must not execute.
type noDB struct{}

func (noDB) Query(context.Context, string, ...any) (pgx.Rows, error) {
	return nil, errors.New("noDB: no statement may run")
}

func (noDB) SendBatch(context.Context, *pgx.Batch) pgx.BatchResults {
	panic("noDB: no statement may run")
}

type fakePinger struct{ err error }

func (p fakePinger) Ping(context.Context) error { return p.err }

// testServer runs a Server with handler on a loopback port.
type testServer struct {
	t    testing.TB
	srv  *h1.Server
	addr string
	done chan error
}

func startServer(t testing.TB, h http.Handler, tweak func(*h1.Server)) *testServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := h1.NewServer(h)
	if tweak != nil {
		tweak(srv)
	}
	ts := &testServer{t: t, srv: srv, addr: ln.Addr().String(), done: make(chan error, 1)}
	go func() { ts.done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		if err := <-ts.done; err != h1.ErrServerClosed {
			t.Errorf("Serve returned %v, want ErrServerClosed", err)
		}
	})
	return ts
}

func (ts *testServer) dial() net.Conn {
	ts.t.Helper()
	c, err := net.Dial("tcp", ts.addr)
	if err != nil {
		ts.t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(10 * time.Second))
	ts.t.Cleanup(func() { c.Close() })
	return c
}

// exchange sends raw on a new connection and reads one response.
func (ts *testServer) exchange(raw []byte, head bool) []byte {
	ts.t.Helper()
	c := ts.dial()
	if _, err := c.Write(raw); err != nil {
		ts.t.Fatal(err)
	}
	return readResponse(ts.t, bufio.NewReader(c), head)
}

var contentLengthRe = regexp.MustCompile(`(?m)^content-length: (\d+)\r$`)

// readResponse reads one response: the header block, then content-length
// body bytes (none for HEAD), or everything until EOF without a length.
func readResponse(t testing.TB, br *bufio.Reader, head bool) []byte {
	t.Helper()
	var out bytes.Buffer
	for {
		line, err := br.ReadBytes('\n')
		out.Write(line)
		if err != nil {
			return out.Bytes()
		}
		if bytes.Equal(line, []byte("\r\n")) {
			break
		}
	}
	m := contentLengthRe.FindSubmatch(out.Bytes())
	if m == nil {
		rest, _ := io.ReadAll(br)
		out.Write(rest)
		return out.Bytes()
	}
	if head {
		return out.Bytes()
	}
	n, _ := strconv.Atoi(string(m[1]))
	body := make([]byte, n)
	if _, err := io.ReadFull(br, body); err != nil {
		t.Fatalf("reading %d body bytes: %v (got so far %q)", n, err, out.Bytes())
	}
	out.Write(body)
	return out.Bytes()
}

func devHandler(exec executor) *handler {
	return newHandler(handlerOptions{
		Environment: graphqlexec.Development,
		Playground:  true,
		Executor:    exec,
		DB:          fakePinger{},
	})
}

func prodHandler(exec executor) *handler {
	return newHandler(handlerOptions{
		Environment: graphqlexec.Production,
		Playground:  true, // forced off in production
		Executor:    exec,
		DB:          fakePinger{},
	})
}

func readResponseConn(t testing.TB, c net.Conn) []byte {
	t.Helper()
	return readResponse(t, bufio.NewReader(c), false)
}

// appendingExecutor is fakeExecutor that, on an internal error, writes junk
// into dst's spare capacity, which the server must never send.
type appendingExecutor struct{ *fakeExecutor }

func (a appendingExecutor) ExecuteAppend(ctx context.Context, dst []byte, req *graphqlexec.Request) ([]byte, graphqlexec.Response) {
	resp := a.Execute(ctx, req)
	if resp.InternalError {
		junk := append(dst, "JUNK"...)
		return junk[:len(dst)], resp
	}
	buf := append(dst, resp.Body...)
	return buf, graphqlexec.Response{Body: buf[len(dst):]}
}
