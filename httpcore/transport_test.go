package httpcore

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/fraiseql/fraiseql-http/graphqlexec"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"golang.org/x/net/http2"
)

// startApp opens and serves the demo app on a free port with the default
// configuration changed by tweak; the app is shut down when the test ends.
func startApp(t testing.TB, tweak func(*Config)) (*App, string) {
	t.Helper()
	return startAppLogger(t, tweak, nil)
}

// startAppLogger is startApp with the app logging to logger.
func startAppLogger(t testing.TB, tweak func(*Config), logger *slog.Logger) (*App, string) {
	t.Helper()
	cfg := DefaultConfig()
	cfg.SchemaPath = "../examples/blog/app.graphql"
	cfg.DatabaseURL = testDatabaseURL(t)
	cfg.Port = 0
	if tweak != nil {
		tweak(&cfg)
	}
	app, err := Open(context.Background(), cfg, logger)
	if err != nil {
		t.Fatal(err)
	}
	addr, err := app.Listen()
	if err != nil {
		app.Shutdown(context.Background())
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- app.Serve() }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := app.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return app, addr.String()
}

const usersQuery = `{"query":"{ users(limit: 20) { id email firstName } }"}`

// rawExchange sends one HTTP/1.1 request on a new connection and returns
// the raw response split into head and body.
func rawExchange(t *testing.T, addr, extraHeaders, body string) (head string, respBody []byte) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	req := "POST /graphql HTTP/1.1\r\nHost: localhost:8000\r\nAccept: application/json\r\n" + extraHeaders +
		"Content-Type: application/json\r\nContent-Length: " + itoa(len(body)) + "\r\n\r\n" + body
	if _, err := c.Write([]byte(req)); err != nil {
		t.Fatal(err)
	}
	raw := readResponseConn(t, c)
	h, b, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	return string(normalizeDate(append(h, "\r\n"...))), b
}

func decodeBody(t *testing.T, coding string, b []byte) []byte {
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
		d, _ := zstd.NewReader(nil)
		defer d.Close()
		out, err := d.DecodeAll(b, nil)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	return b
}

// TestAppCompression: on the demo database, a request without
// Accept-Encoding gets v1's bytes; with one, the same body compressed,
// with vary and content-encoding after content-type; --compression=false
// never compresses.
func TestAppCompression(t *testing.T) {
	t.Parallel()
	_, addr := startApp(t, nil)
	plainHead, plain := rawExchange(t, addr, "", usersQuery)
	if len(plain) < 1024 || !bytes.HasPrefix(plain, []byte(`{"data":{"users":[`)) {
		t.Fatalf("users-20x3 answer %q", plain)
	}
	wantPlain := "HTTP/1.1 200 OK\r\ndate: <date>\r\nserver: uvicorn\r\ncontent-length: " + itoa(len(plain)) + "\r\ncontent-type: application/json\r\n"
	if plainHead != wantPlain {
		t.Errorf("without Accept-Encoding:\n%q\nwant\n%q", plainHead, wantPlain)
	}
	for _, tc := range []struct{ ae, coding string }{
		{"gzip, deflate", "gzip"},
		{"gzip, deflate, br, zstd", "zstd"},
		{"zstd;q=0.5, gzip", "gzip"},
	} {
		head, body := rawExchange(t, addr, "Accept-Encoding: "+tc.ae+"\r\n", usersQuery)
		want := "HTTP/1.1 200 OK\r\ndate: <date>\r\nserver: uvicorn\r\ncontent-length: " + itoa(len(body)) +
			"\r\ncontent-type: application/json\r\nvary: Accept-Encoding\r\ncontent-encoding: " + tc.coding + "\r\n"
		if head != want {
			t.Errorf("Accept-Encoding %q:\n%q\nwant\n%q", tc.ae, head, want)
		}
		if got := decodeBody(t, tc.coding, body); !bytes.Equal(got, plain) {
			t.Errorf("Accept-Encoding %q: decoded body differs from the identity answer", tc.ae)
		}
		t.Logf("%s: %d → %d bytes", tc.coding, len(plain), len(body))
	}
	// Small answers are left alone, without vary.
	head, body := rawExchange(t, addr, "Accept-Encoding: gzip\r\n", `{"query":"{ users(limit: 1) { id } }"}`)
	if len(body) >= 1024 || strings.Contains(head, "content-encoding") || strings.Contains(head, "vary") {
		t.Errorf("small answer: %q %q", head, body)
	}

	for name, tweak := range map[string]func(*Config){
		"--compression=false": func(c *Config) { c.Compression = false },
		"--quirks v1.9.7":     func(c *Config) { c.Quirks = graphqlexec.QuirksV197 },
	} {
		_, off := startApp(t, tweak)
		head, body = rawExchange(t, off, "Accept-Encoding: gzip\r\n", usersQuery)
		if head != wantPlain || !bytes.Equal(body, plain) {
			t.Errorf("%s: %q", name, head)
		}
	}
}

// TestAppCompressedRequestBody: a request body is never decoded, as in v1
// (FastAPI reads the bytes as they came): a gzip body, however far it
// would inflate, gets v1's "There was an error parsing the body" without
// being inflated.
func TestAppCompressedRequestBody(t *testing.T) {
	t.Parallel()
	_, addr := startApp(t, nil)
	var small bytes.Buffer
	zw := gzip.NewWriter(&small)
	zw.Write([]byte(usersQuery))
	zw.Close()
	// 200 MB of zeros in about 200 KB.
	var bomb bytes.Buffer
	zw = gzip.NewWriter(&bomb)
	zero := make([]byte, 1<<20)
	for range 200 {
		zw.Write(zero)
	}
	zw.Close()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for _, body := range [][]byte{small.Bytes(), bomb.Bytes()} {
		head, resp := rawExchange(t, addr, "Content-Encoding: gzip\r\n", string(body))
		if !strings.HasPrefix(head, "HTTP/1.1 400 Bad Request\r\n") || string(resp) != `{"detail":"There was an error parsing the body"}` {
			t.Errorf("gzip body of %d bytes: %q %q", len(body), head, resp)
		}
	}
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<20 {
		t.Errorf("serving a %d-byte gzip bomb allocated %d MB: was it inflated?", bomb.Len(), grew>>20)
	}
}

// h2cClient speaks HTTP/2 with prior knowledge over cleartext TCP
// (net/http's client, which bundles x/net's).
func h2cClient(t *testing.T) *http.Client {
	var p http.Protocols
	p.SetUnencryptedHTTP2(true)
	// DisableCompression: else it asks for gzip on every request.
	tr := &http.Transport{Protocols: &p, DisableCompression: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

func postUsers(t *testing.T, c *http.Client, url string, ae string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(usersQuery))
	req.Header.Set("Content-Type", "application/json")
	if ae != "" {
		req.Header.Set("Accept-Encoding", ae) // set by hand: the transport then does not decode
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// TestAppHTTP2: the demo app over cleartext HTTP/2 (prior knowledge)
// answers with HTTP/1.1's body and headers, compressed the same way; the
// TCP connection is counted; --http2=false answers the preface as uvicorn.
func TestAppHTTP2(t *testing.T) {
	t.Parallel()
	app, addr := startApp(t, nil)
	_, plain := rawExchange(t, addr, "", usersQuery)
	c := h2cClient(t)
	resp, body := postUsers(t, c, "http://"+addr+"/graphql", "")
	if resp.ProtoMajor != 2 || resp.StatusCode != 200 || !bytes.Equal(body, plain) {
		t.Fatalf("%s %d %q", resp.Proto, resp.StatusCode, body)
	}
	for k, v := range map[string]string{"Server": "uvicorn", "Content-Type": "application/json"} {
		if resp.Header.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, resp.Header.Get(k), v)
		}
	}
	if resp.Header.Get("Content-Length") != itoa(len(plain)) || len(resp.Header) != 4 { // date, server, content-length, content-type
		t.Errorf("content-length %d, headers %v", resp.ContentLength, resp.Header)
	}
	resp, body = postUsers(t, c, "http://"+addr+"/graphql", "gzip")
	if resp.Header.Get("Content-Encoding") != "gzip" || resp.Header.Get("Vary") != "Accept-Encoding" || !bytes.Equal(decodeBody(t, "gzip", body), plain) {
		t.Errorf("gzip over HTTP/2: %v", resp.Header)
	}
	if n := app.ActiveConnections(); n != 1 {
		t.Errorf("ActiveConnections = %d with one HTTP/2 connection", n)
	}

	_, off := startApp(t, func(c *Config) { c.HTTP2 = false })
	conn, err := net.Dial("tcp", off)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	conn.Write([]byte(http2.ClientPreface))
	got, _ := io.ReadAll(conn)
	if !bytes.HasPrefix(got, []byte("HTTP/1.1 400 Bad Request\r\n")) {
		t.Errorf("--http2=false, preface answered %q", got)
	}
	_, _, head := rawUpgrade(t, off)
	if !strings.HasPrefix(head, "HTTP/1.1 200 OK") {
		t.Errorf("--http2=false, h2c upgrade answered %q", head)
	}
}

func rawUpgrade(t *testing.T, addr string) (net.Conn, *bufio.Reader, string) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(5 * time.Second))
	c.Write([]byte("GET /health HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n"))
	br := bufio.NewReader(c)
	var head strings.Builder
	for {
		line, err := br.ReadString('\n')
		head.WriteString(line)
		if err != nil || line == "\r\n" {
			break
		}
	}
	return c, br, head.String()
}

// TestAppCurl drives the server with curl's HTTP/2 (nghttp2): prior
// knowledge and the h2c upgrade. It skips only when curl is missing or
// built without HTTP/2.
func TestAppCurl(t *testing.T) {
	t.Parallel()
	version, err := exec.Command("curl", "-V").Output()
	if err != nil {
		t.Skipf("curl not available: %v", err)
	}
	t.Logf("curl -V:\n%s", version)
	if !strings.Contains(string(version), "HTTP2") {
		t.Skip("curl has no HTTP/2 support (no HTTP2 feature in curl -V)")
	}
	_, addr := startApp(t, nil)
	_, plain := rawExchange(t, addr, "", usersQuery)
	for _, mode := range []string{"--http2-prior-knowledge", "--http2"} {
		out, err := exec.Command("curl", "-sS", mode, "--compressed", "-D", "-", "http://"+addr+"/graphql",
			"-H", "content-type: application/json", "-d", usersQuery).Output()
		if err != nil {
			t.Fatalf("curl %s: %v", mode, err)
		}
		head, body, _ := bytes.Cut(out, []byte("\r\n\r\n"))
		if mode == "--http2" {
			// the 101 first, then the HTTP/2 answer
			if !bytes.HasPrefix(head, []byte("HTTP/1.1 101 Switching Protocols")) {
				t.Errorf("curl --http2: %q", head)
			}
			head, body, _ = bytes.Cut(body, []byte("\r\n\r\n"))
		}
		if !bytes.HasPrefix(head, []byte("HTTP/2 200")) || !bytes.Contains(head, []byte("content-encoding: ")) || !bytes.Equal(body, plain) {
			t.Errorf("curl %s:\n%s\n%q", mode, head, body)
		}
	}
}

// writeCert writes a self-signed ECDSA certificate for 127.0.0.1 named cn.
func writeCert(t *testing.T, dir, cn string) (certFile, keyFile string, cert *x509.Certificate) {
	t.Helper()
	return writeCertValid(t, dir, cn, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
}

func writeCertValid(t *testing.T, dir, cn string, notBefore, notAfter time.Time) (certFile, keyFile string, cert *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, _ = x509.ParseCertificate(der)
	return certFile, keyFile, cert
}

// handshake connects with ALPN protos and returns the connection state.
func handshake(t *testing.T, addr string, protos ...string) tls.ConnectionState {
	t.Helper()
	c, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", addr, &tls.Config{InsecureSkipVerify: true, NextProtos: protos})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.ConnectionState()
}

// TestAppTLS: with --tls-cert/--tls-key the port speaks TLS with ALPN h2
// and http/1.1, the same answers on both; ReloadTLS (SIGHUP) swaps the
// certificate for new handshakes and keeps the old one when the files are
// bad; a stalled handshake is closed; a cleartext request gets no answer.
func TestAppTLS(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	certFile, keyFile, first := writeCert(t, dir, "first")
	app, addr := startApp(t, func(c *Config) { c.TLSCert, c.TLSKey = certFile, keyFile })
	pool := x509.NewCertPool()
	pool.AddCert(first)

	// HTTP/2 through ALPN.
	var h2only http.Protocols
	h2only.SetHTTP2(true)
	tr2 := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, Protocols: &h2only, DisableCompression: true}
	defer tr2.CloseIdleConnections()
	c2 := &http.Client{Transport: tr2, Timeout: 10 * time.Second}
	resp, body2 := postUsers(t, c2, "https://"+addr+"/graphql", "")
	if resp.ProtoMajor != 2 || resp.TLS == nil || resp.TLS.NegotiatedProtocol != "h2" || resp.StatusCode != 200 {
		t.Fatalf("TLS h2: %s %d", resp.Proto, resp.StatusCode)
	}
	// HTTP/1.1 through ALPN: uvicorn's bytes, inside TLS.
	tc, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: pool, NextProtos: []string{"http/1.1"}})
	if err != nil {
		t.Fatal(err)
	}
	tc.SetDeadline(time.Now().Add(10 * time.Second))
	tc.Write([]byte("POST /graphql HTTP/1.1\r\nHost: localhost:8000\r\nContent-Type: application/json\r\nContent-Length: " + itoa(len(usersQuery)) + "\r\n\r\n" + usersQuery))
	raw := readResponseConn(t, tc)
	tc.Close()
	head, body1, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	if tc.ConnectionState().NegotiatedProtocol != "http/1.1" || !bytes.Equal(body1, body2) ||
		string(normalizeDate(head)) != "HTTP/1.1 200 OK\r\ndate: <date>\r\nserver: uvicorn\r\ncontent-length: "+itoa(len(body1))+"\r\ncontent-type: application/json" {
		t.Errorf("TLS HTTP/1.1: %q", head)
	}
	// A trailing slash redirects to https.
	tc, err = tls.Dial("tcp", addr, &tls.Config{RootCAs: pool, NextProtos: []string{"http/1.1"}})
	if err != nil {
		t.Fatal(err)
	}
	tc.Write([]byte("GET /health/ HTTP/1.1\r\nHost: localhost:8000\r\n\r\n"))
	if raw := readResponseConn(t, tc); !bytes.Contains(raw, []byte("location: https://localhost:8000/health\r\n")) {
		t.Errorf("redirect under TLS: %q", raw)
	}
	tc.Close()

	// Reload: new handshakes see the new certificate.
	if got := handshake(t, addr, "h2").PeerCertificates[0].Subject.CommonName; got != "first" {
		t.Fatalf("serving %q", got)
	}
	writeCert(t, dir, "second")
	if err := app.ReloadTLS(); err != nil {
		t.Fatal(err)
	}
	if got := handshake(t, addr, "h2").PeerCertificates[0].Subject.CommonName; got != "second" {
		t.Errorf("after reload serving %q, want second", got)
	}
	os.WriteFile(certFile, []byte("not a certificate"), 0o600)
	if err := app.ReloadTLS(); err == nil {
		t.Error("reload of a broken certificate file succeeded")
	}
	if got := handshake(t, addr, "http/1.1").PeerCertificates[0].Subject.CommonName; got != "second" {
		t.Errorf("after a failed reload serving %q, want second", got)
	}

	// A cleartext request on the TLS port is not answered as HTTP.
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(10 * time.Second))
	c.Write([]byte("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"))
	got, _ := io.ReadAll(c)
	c.Close()
	if bytes.Contains(got, []byte("healthy")) {
		t.Errorf("cleartext request answered: %q", got)
	}

	// A handshake that stalls (half a ClientHello record header) is closed
	// within the first request's idle timeout (5 s).
	tr2.CloseIdleConnections()
	for deadline := time.Now().Add(2 * time.Second); app.ActiveConnections() > 0 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	c, err = net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(15 * time.Second))
	begin := time.Now()
	c.Write([]byte{0x16, 0x03, 0x01})
	_, err = io.ReadAll(c)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatal("stalled handshake still open after 15 s")
	}
	if d := time.Since(begin); d > 8*time.Second {
		t.Errorf("stalled handshake closed after %v", d)
	}
	for deadline := time.Now().Add(2 * time.Second); app.ActiveConnections() > 0 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	if n := app.ActiveConnections(); n != 0 {
		t.Errorf("ActiveConnections = %d after the stalled handshake closed", n)
	}
}

// TestAppTLSWithoutHTTP2: --http2=false offers only http/1.1 by ALPN.
func TestAppTLSWithoutHTTP2(t *testing.T) {
	t.Parallel()
	certFile, keyFile, _ := writeCert(t, t.TempDir(), "only-h1")
	_, addr := startApp(t, func(c *Config) { c.TLSCert, c.TLSKey, c.HTTP2 = certFile, keyFile, false })
	if p := handshake(t, addr, "h2", "http/1.1").NegotiatedProtocol; p != "http/1.1" {
		t.Errorf("ALPN chose %q", p)
	}
}

// TestAppShutdownDrainsHTTP2: App.Shutdown closes an idle HTTP/2
// connection (GOAWAY) and returns promptly.
func TestAppShutdownDrainsHTTP2(t *testing.T) {
	t.Parallel()
	cfg := DefaultConfig()
	cfg.SchemaPath = "../examples/blog/app.graphql"
	cfg.DatabaseURL = testDatabaseURL(t)
	cfg.Port = 0
	app, err := Open(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	addr, err := app.Listen()
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- app.Serve() }()
	c := h2cClient(t)
	resp, _ := postUsers(t, c, "http://"+addr.String()+"/graphql", "")
	if resp.ProtoMajor != 2 {
		t.Fatal(resp.Proto)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	begin := time.Now()
	if err := app.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if err := <-served; err != nil {
		t.Fatal(err)
	}
	if d := time.Since(begin); d > 5*time.Second {
		t.Errorf("Shutdown took %v", d)
	}
	if n := app.ActiveConnections(); n != 0 {
		t.Errorf("ActiveConnections = %d after Shutdown", n)
	}
}

// TestAppCompressesGraphiQLAssets: the embedded GraphiQL's assets pass the
// same step: gzip when asked, the strong ETag made weak, the decoded bytes
// those of the identity answer; revalidation still answers 304.
func TestAppCompressesGraphiQLAssets(t *testing.T) {
	t.Parallel()
	_, addr := startApp(t, nil)
	get := func(path string, headers map[string]string) (*http.Response, []byte) {
		req, _ := http.NewRequest(http.MethodGet, "http://"+addr+path, nil)
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		tr := &http.Transport{DisableCompression: true}
		defer tr.CloseIdleConnections()
		resp, err := (&http.Client{Transport: tr, Timeout: 10 * time.Second}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	_, page := get("/graphql", map[string]string{"Accept": "text/html"})
	i := bytes.Index(page, []byte("graphiql.min.js"))
	j := bytes.LastIndex(page[:max(i, 0)], []byte(`"`))
	k := bytes.Index(page[max(i, 0):], []byte(`"`))
	if i < 0 || j < 0 || k < 0 {
		t.Fatalf("no graphiql.min.js in the page:\n%s", page)
	}
	path := string(page[j+1 : i+k])
	plain, identity := get(path, nil)
	if plain.StatusCode != 200 || plain.Header.Get("Content-Encoding") != "" || len(identity) < 100000 {
		t.Fatalf("%s: %d %v, %d bytes", path, plain.StatusCode, plain.Header, len(identity))
	}
	resp, gz := get(path, map[string]string{"Accept-Encoding": "gzip"})
	if resp.Header.Get("Content-Encoding") != "gzip" || resp.Header.Get("Etag") != "W/"+plain.Header.Get("Etag") ||
		!bytes.Equal(decodeBody(t, "gzip", gz), identity) {
		t.Errorf("gzip asset: %v", resp.Header)
	}
	t.Logf("%s: %d → %d bytes", path, len(identity), len(gz))
	if resp, _ := get(path, map[string]string{"Accept-Encoding": "gzip", "If-None-Match": resp.Header.Get("Etag")}); resp.StatusCode != 304 {
		t.Errorf("revalidation with the weak tag: %d", resp.StatusCode)
	}
}
