package procstat

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

func TestParseVmRSS(t *testing.T) {
	got, err := parseVmRSS("Name:\tx\nVmPeak:\t 100 kB\nVmRSS:\t   12345 kB\nThreads: 3\n")
	if err != nil || got != 12345 {
		t.Fatalf("got %d %v", got, err)
	}
	if _, err := parseVmRSS("Name: x\n"); err == nil {
		t.Fatal("missing VmRSS must fail")
	}
	if rss, err := RSSKB(os.Getpid()); err != nil || rss <= 0 {
		t.Fatalf("own RSS %d %v", rss, err)
	}
}

func TestListenRE(t *testing.T) {
	for line, want := range map[string]string{
		"listening on http://127.0.0.1:43211":                              "127.0.0.1:43211",
		"INFO:     Uvicorn running on http://127.0.0.1:8000 (Press CTRL+C": "127.0.0.1:8000",
		"listening on http://localhost:9":                                  "localhost:9",
		"listening on http://10.0.0.1:80":                                  "",
	} {
		m := listenRE.FindStringSubmatch(line)
		got := ""
		if m != nil {
			got = m[1]
		}
		if got != want {
			t.Errorf("%q: got %q want %q", line, got, want)
		}
	}
}

// TestStartAndHold runs this test binary as a tiny server (see TestMain).
func TestStartAndHold(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	p, err := Start(context.Background(), []string{exe, "-test.run=^$"}, []string{"PROCSTAT_TEST_SERVER=1"}, "/health", 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Stop()
	if p.Started <= 0 || !strings.HasPrefix(p.Addr, "127.0.0.1:") {
		t.Fatalf("started %v at %q", p.Started, p.Addr)
	}
	if rss, err := RSSKB(p.Cmd.Process.Pid); err != nil || rss <= 0 {
		t.Fatalf("rss %d %v", rss, err)
	}
	req := []byte("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
	res := Hold(context.Background(), p.Addr, p.Cmd.Process.Pid, 50, req, 50*time.Millisecond)
	if res.Attempted != 50 || res.Held != 50 || res.Reason != "" || res.RSSKB <= 0 {
		t.Fatalf("hold: %+v", res)
	}
	// a server that closes after answering holds none
	res = Hold(context.Background(), p.Addr, p.Cmd.Process.Pid, 5, []byte("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 50*time.Millisecond)
	if res.Held != 0 {
		t.Fatalf("closed connections counted as held: %+v", res)
	}
}

func TestStartFailure(t *testing.T) {
	_, err := Start(context.Background(), []string{"/bin/sh", "-c", "echo boom >&2; exit 3"}, nil, "/health", 5*time.Second)
	if err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("err = %v", err)
	}
}

func TestMain(m *testing.M) {
	if os.Getenv("PROCSTAT_TEST_SERVER") == "1" {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			os.Exit(1)
		}
		fmt.Fprintf(os.Stderr, "listening on http://%s\n", ln.Addr())
		http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }))
		os.Exit(0)
	}
	os.Exit(m.Run())
}
