package httpcore

import (
	"crypto/tls"
	"errors"
	"fmt"
	"sync/atomic"
	"time"
)

// certReloader serves the certificate of --tls-cert/--tls-key and swaps it
// atomically when the files are read again (SIGHUP), so handshakes in
// progress keep the pair they started with and new ones get the new pair.
type certReloader struct {
	certFile, keyFile string
	cert              atomic.Pointer[tls.Certificate]
}

func newCertReloader(certFile, keyFile string) (*certReloader, error) {
	r := &certReloader{certFile: certFile, keyFile: keyFile}
	if err := r.reload(); err != nil {
		return nil, err
	}
	return r, nil
}

// reload reads the pair again; on any error the current pair stays.
func (r *certReloader) reload() error {
	cert, err := tls.LoadX509KeyPair(r.certFile, r.keyFile)
	if err != nil {
		return fmt.Errorf("certificate %s, key %s: %w", r.certFile, r.keyFile, err)
	}
	if cert.Leaf != nil && time.Now().After(cert.Leaf.NotAfter) {
		return fmt.Errorf("certificate %s expired on %s", r.certFile, cert.Leaf.NotAfter.UTC().Format(time.RFC3339))
	}
	r.cert.Store(&cert)
	return nil
}

func (r *certReloader) getCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	return r.cert.Load(), nil
}

// tlsConfig is the listener's configuration: TLS 1.2 or later (HTTP/2
// requires it), Go's default cipher suites (all AEAD with forward secrecy
// for TLS 1.2), and ALPN h2 (when HTTP/2 is on) then http/1.1.
func (r *certReloader) tlsConfig(http2 bool) *tls.Config {
	protos := []string{"http/1.1"}
	if http2 {
		protos = []string{"h2", "http/1.1"}
	}
	return &tls.Config{
		MinVersion:     tls.VersionTLS12,
		GetCertificate: r.getCertificate,
		NextProtos:     protos,
	}
}

// ReloadTLS reads the certificate and key files again (what SIGHUP does);
// new handshakes use the new pair at once. On error the current pair
// stays in use. Without TLS it returns an error.
func (a *App) ReloadTLS() error {
	if a.certs == nil {
		return errors.New("tls: not configured (--tls-cert, --tls-key)")
	}
	return a.certs.reload()
}
