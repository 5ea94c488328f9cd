package report

import (
	"bytes"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fraiseql/fraiseql-http/perf/internal/loadgen"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func sample() *Report {
	return &Report{
		Title: "sample run", Date: "2026-01-02", Command: "fraiseql-bench run ...",
		Machine:   Machine{CPUs: 2, MemoryMB: 24000, Kernel: "6.1", GoVersion: "go1.26.8", PostgreSQL: "15.8", Shared: true},
		Targets:   []TargetInfo{{Name: "fraiseql-http", URL: "http://127.0.0.1:1"}, {Name: "thinref", URL: "http://127.0.0.1:2"}, {Name: "fastapi", URL: "http://127.0.0.1:3"}},
		Reference: "thinref",
		Results: []loadgen.Result{
			{Target: "fraiseql-http", Workload: "users-20x3", Mode: "closed", Connections: 10, Requests: 60000, Seconds: 10, RPS: 6000, P50: 1500, P90: 2100, P99: 4000, P999: 9000, Max: 12000},
			{Target: "thinref", Workload: "users-20x3", Mode: "closed", Connections: 10, Requests: 50000, Seconds: 10, RPS: 5000, P50: 1900, P90: 2500, P99: 5200, P999: 11000, Max: 15000},
			{Target: "fastapi", Workload: "users-20x3", Mode: "closed", Connections: 10, Requests: 3000, Seconds: 10, RPS: 300, P50: 30000, P90: 35000, P99: 60000, P999: 80000, Max: 90000, Errors: 2},
			{Target: "fraiseql-http", Workload: "introspection", Mode: "closed", Connections: 10, Skipped: true, SkipReason: "answered an error: status 200 | body holds \"errors\""},
			{Target: "thinref", Workload: "introspection", Mode: "closed", Connections: 10, Skipped: true, SkipReason: "status 404"},
			{Target: "fastapi", Workload: "introspection", Mode: "closed", Connections: 10, Requests: 100, Seconds: 10, RPS: 10, P50: 90000, P90: 95000, P99: 99000, P999: 99000, Max: 99500},
		},
		Proc: []Proc{
			{Target: "fraiseql-http", IdleRSSKB: 12 * 1024, IdleAnonKB: 3 * 1024, IdleFileKB: 9 * 1024, StartupMS: 14.5, StartupRuns: 5, LoadRSSKB: 30 * 1024, LeakSmallN: 100000, LeakSmallRSSKB: 30 * 1024, LeakLargeN: 1000000, LeakLargeRSSKB: 31 * 1024, ConnsAttempted: 20000, ConnsHeld: 20000, ConnsRSSKB: 200 * 1024},
			{Target: "fastapi", Error: "exited: status 1"},
		},
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run with -update after checking):\n%s", name, got)
	}
}

func TestMarkdownGolden(t *testing.T) {
	var b bytes.Buffer
	if err := WriteMarkdown(&b, sample()); err != nil {
		t.Fatal(err)
	}
	golden(t, "sample.md", b.Bytes())
	s := b.String()
	// ratios are relative to the reference in the same cell
	for _, want := range []string{"| users-20x3 | 10 | fraiseql-http | 6000 | 120% |", "| 100% |", "| 6% |", `status 200 \| body`, "30.0 MB after 100k → 31.0 MB after 1M (+3.3%)", "20000 of 20000"} {
		if !strings.Contains(s, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
}

func TestSVGGoldenAndWellFormed(t *testing.T) {
	var b bytes.Buffer
	if err := WriteSVG(&b, sample()); err != nil {
		t.Fatal(err)
	}
	golden(t, "sample.svg", b.Bytes())
	dec := xml.NewDecoder(bytes.NewReader(b.Bytes()))
	rects := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			if err.Error() == "EOF" {
				break
			}
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "rect" {
			rects++
		}
	}
	// background + 4 throughput bars + 4 latency bars + 3 legend swatches
	if rects != 1+4+4+3 {
		t.Errorf("%d rects", rects)
	}
}

func TestJSONRoundTrip(t *testing.T) {
	var b bytes.Buffer
	in := sample()
	if err := WriteJSON(&b, in); err != nil {
		t.Fatal(err)
	}
	out, err := ReadJSON(&b)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Results) != len(in.Results) || out.Results[0].RPS != 6000 || out.Proc[0].ConnsHeld != 20000 || out.Machine.PostgreSQL != "15.8" {
		t.Fatalf("round trip lost data: %+v", out)
	}
}

func TestMarkdownCPUColumns(t *testing.T) {
	r := sample()
	var b bytes.Buffer
	if err := WriteMarkdown(&b, r); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "CPU/req") {
		t.Fatal("CPU columns shown for a run that measured no CPU")
	}
	r.Results[0].ServerCPUUS, r.Results[0].PGCPUUS = 81.4, 240
	b.Reset()
	if err := WriteMarkdown(&b, r); err != nil {
		t.Fatal(err)
	}
	s := b.String()
	for _, want := range []string{"| server CPU/req | PostgreSQL CPU/req |", "| 81 µs | 240 µs |\n", "| – | – |\n"} {
		if !strings.Contains(s, want) {
			t.Errorf("markdown lacks %q:\n%s", want, s)
		}
	}
	// every row keeps the header's column count, skipped rows included
	lines := strings.Split(strings.TrimSpace(strings.Split(s, "\n\n")[0]), "\n")
	for _, l := range lines[1:] {
		if strings.Count(l, "|")-strings.Count(l, `\|`) != strings.Count(lines[0], "|") {
			t.Errorf("row has a different column count from the header: %s", l)
		}
	}
}
