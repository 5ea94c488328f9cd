package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fraiseql/fraiseql-http/testdb"
)

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// writeCert writes a self-signed certificate for 127.0.0.1 named cn.
func writeCert(t *testing.T, certFile, keyFile, cn string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalECPrivateKey(key)
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
}

func servedName(t *testing.T, addr string) string {
	t.Helper()
	c, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", addr, &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.ConnectionState().PeerCertificates[0].Subject.CommonName
}

// TestServeTLSReloadOnSIGHUP runs `serve` with TLS in this process,
// rewrites the certificate files, sends the process SIGHUP and sees new
// handshakes get the new certificate; SIGTERM then stops it with exit 0.
func TestServeTLSReloadOnSIGHUP(t *testing.T) {
	url := testdb.URL(t)
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	writeCert(t, certFile, keyFile, "before")
	stderr := &syncBuffer{}
	code := make(chan int, 1)
	go func() {
		code <- run([]string{"serve", "--schema", "../../../examples/blog/app.graphql", "--database-url", url,
			"--port", "0", "--tls-cert", certFile, "--tls-key", keyFile},
			func(string) string { return "" }, io.Discard, stderr)
	}()
	re := regexp.MustCompile(`listening on https://(\S+) `)
	var addr string
	for deadline := time.Now().Add(15 * time.Second); addr == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := re.FindStringSubmatch(stderr.String()); m != nil {
			addr = m[1]
		}
		select {
		case c := <-code:
			t.Fatalf("serve exited with %d:\n%s", c, stderr.String())
		default:
		}
	}
	if addr == "" {
		t.Fatalf("no listening line:\n%s", stderr.String())
	}
	if got := servedName(t, addr); got != "before" {
		t.Fatalf("serving %q", got)
	}
	writeCert(t, certFile, keyFile, "after")
	syscall.Kill(os.Getpid(), syscall.SIGHUP)
	got := ""
	for deadline := time.Now().Add(5 * time.Second); got != "after" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		got = servedName(t, addr)
	}
	if got != "after" || !strings.Contains(stderr.String(), "tls: certificate reloaded") {
		t.Errorf("after SIGHUP serving %q; log:\n%s", got, stderr.String())
	}
	syscall.Kill(os.Getpid(), syscall.SIGTERM)
	select {
	case c := <-code:
		if c != 0 {
			t.Errorf("exit code %d:\n%s", c, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("serve did not stop on SIGTERM:\n%s", stderr.String())
	}
}

func TestVersionNamesTheRevision(t *testing.T) {
	defer func(old string) { vcsRevision = old }(vcsRevision)
	vcsRevision = "0123456789ab"
	var out, errOut strings.Builder
	if code := run([]string{"version"}, func(string) string { return "" }, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	got := out.String()
	if !strings.HasPrefix(got, "fraiseql-http ") || !strings.Contains(got, "(revision 0123456789ab; go1.") {
		t.Errorf("version printed %q", got)
	}
}
