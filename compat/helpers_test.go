package compat

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"
)

// goldensDir is the copy of the recorded goldens this module ships.
const goldensDir = "testdata/goldens"

func loadTestProfile(t *testing.T, name string) *Profile {
	t.Helper()
	p, err := LoadProfile(filepath.Join(goldensDir, "fraiseql-1.9.7", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var timeMsRE = regexp.MustCompile(`"time_ms":[0-9.]+`)

// goldenServer is an in-process TCP server that answers each golden request
// with its golden response, as a perfectly compatible server would: with a
// fresh date and, where the golden has one, a different time_ms (and the
// content-length that goes with it). edit may alter a response further.
type goldenServer struct {
	ln       net.Listener
	answers  map[string][]byte
	edit     func(name string, resp []byte) []byte
	names    map[string]string
	wg       sync.WaitGroup
	mu       sync.Mutex
	received [][]byte
}

func startGoldenServer(t *testing.T, p *Profile, edit func(name string, resp []byte) []byte) *goldenServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &goldenServer{ln: ln, answers: map[string][]byte{}, names: map[string]string{}, edit: edit}
	for i := range p.Cases {
		c := &p.Cases[i]
		req, _ := p.ReadRequest(c)
		resp, _ := p.ReadResponse(c)
		s.answers[string(req)] = resp
		s.names[string(req)] = c.Name
	}
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(func() { ln.Close(); s.wg.Wait() })
	return s
}

// requests returns the request bytes received so far, in arrival order.
func (s *goldenServer) requests() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]byte(nil), s.received...)
}

func (s *goldenServer) URL() string { return "http://" + s.ln.Addr().String() }

func (s *goldenServer) serve() {
	defer s.wg.Done()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
			req, err := readRequest(conn)
			if err != nil {
				return
			}
			s.mu.Lock()
			s.received = append(s.received, req)
			s.mu.Unlock()
			resp, ok := s.answers[string(req)]
			if !ok {
				resp = []byte("HTTP/1.1 404 Not Found\r\ncontent-length: 7\r\n\r\nunknown")
			}
			resp = rerun(resp)
			if s.edit != nil {
				resp = s.edit(s.names[string(req)], resp)
			}
			_, _ = conn.Write(resp)
		}()
	}
}

// rerun changes what legitimately changes between two runs of v1: the date,
// and time_ms with its content-length.
func rerun(resp []byte) []byte {
	m := ParseMessage(resp)
	for i, h := range m.Headers {
		if h.Name == "date" {
			m.Headers[i].Value = " " + time.Now().UTC().Format("Mon, 02 Jan 2006 15:04:05 GMT")
		}
	}
	if timeMsRE.Match(m.Body) {
		m.Body = timeMsRE.ReplaceAll(m.Body, []byte(`"time_ms":123.45`))
		for i, h := range m.Headers {
			if h.Name == "content-length" {
				m.Headers[i].Value = " " + strconv.Itoa(len(m.Body))
			}
		}
	}
	return m.Bytes()
}

// readRequest reads one request (header block plus content-length body).
func readRequest(conn net.Conn) ([]byte, error) {
	var buf []byte
	chunk := make([]byte, 4096)
	for {
		if n := HeaderBlockLen(buf); n >= 0 {
			m := ParseMessage(buf[:n])
			if cl := m.ContentLength(); cl < 0 || len(buf) >= n+int(cl) {
				return buf, nil
			}
		}
		k, err := conn.Read(chunk)
		buf = append(buf, chunk[:k]...)
		if err != nil {
			return buf, err
		}
	}
}

func replaceOnce(b []byte, old, new string) []byte {
	if !bytes.Contains(b, []byte(old)) {
		panic(fmt.Sprintf("%q not found", old))
	}
	return bytes.Replace(b, []byte(old), []byte(new), 1)
}
