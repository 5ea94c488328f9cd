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

func TestParseStat(t *testing.T) {
	// a command name with spaces and a parenthesis, as /proc shows it
	line := []byte("4242 (node (worker) x) S 4200 4242 4242 0 -1 4194560 1 0 0 0 250 17 0 0 20 0 11 0 123 0 0")
	ppid, ticks, err := parseStat(line)
	if err != nil || ppid != 4200 || ticks != 267 {
		t.Fatalf("got ppid %d ticks %d err %v, want 4200 267", ppid, ticks, err)
	}
	if _, _, err := parseStat([]byte("1 (x) S 0")); err == nil {
		t.Fatal("short line accepted")
	}
}

func TestIsBackendOf(t *testing.T) {
	for _, tc := range []struct {
		title string
		want  bool
	}{
		{"postgres: 15/main: root fraiseql_bench_medium [local] idle", true},
		{"postgres: root fraiseql_bench_medium 127.0.0.1(40000) SELECT", true},
		{"postgres: 15/main: root fraiseql_bench_medium_tv [local] idle", false},
		{"postgres: 15/main: root fraiseql_test [local] idle", false},
		{"postgres: 15/main: checkpointer", false},
		{"postgres: 15/main: autovacuum worker fraiseql_bench_medium", false},
		{"/usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main", false},
		{"node server.js postgres: root fraiseql_bench_medium x", false},
	} {
		if got := IsBackendOf(tc.title, "fraiseql_bench_medium"); got != tc.want {
			t.Errorf("%q: got %v", tc.title, got)
		}
	}
}

func TestTreeCPUAndSince(t *testing.T) {
	snap, err := TreeCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := snap[os.Getpid()]; !ok {
		t.Fatal("own process missing from its tree")
	}
	// burn CPU until a tick is counted (bounded: a shared machine may
	// schedule us late, but not for 10 s of busy looping)
	deadline := time.Now().Add(10 * time.Second)
	for x := 0; ; x++ {
		later, err := TreeCPU(os.Getpid())
		if err != nil {
			t.Fatal(err)
		}
		if later.Since(snap) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no CPU time counted after 10 s of busy looping (%d rounds)", x)
		}
		for i := 0; i < 1e6; i++ {
			x += i & 1
		}
	}
	if _, err := TreeCPU(-1); err == nil {
		t.Fatal("missing process accepted")
	}
	// a process that appeared since counts whole; one that vanished counts nothing
	if d := (CPUSnapshot{1: 5, 2: 7}).Since(CPUSnapshot{1: 3, 3: 100}); d != 9*ClockTick {
		t.Fatalf("Since = %v, want 9 ticks", d)
	}
}

func TestParseRSSSplit(t *testing.T) {
	anon, file, err := parseRSSSplit("Name:\tx\nVmRSS:\t   22660 kB\nRssAnon:\t    3524 kB\nRssFile:\t   19136 kB\nRssShmem:\t0 kB\n")
	if err != nil || anon != 3524 || file != 19136 {
		t.Fatalf("got %d, %d, %v", anon, file, err)
	}
	for _, bad := range []string{"Name: x\n", "RssAnon:\t1 kB\n", "RssAnon:\t1 kB\nRssFile:\n", "RssAnon:\tx kB\nRssFile:\t1 kB\n"} {
		if _, _, err := parseRSSSplit(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
