package compat

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Replaying a profile against a server that answers exactly like v1 (with
// fresh dates and timings) must find every case identical; one changed byte
// must fail exactly that case, with a diff.
func TestReplayAgainstRunningServer(t *testing.T) {
	t.Parallel()
	p := loadTestProfile(t, "development")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	srv := startGoldenServer(t, p, nil)
	res, err := ReplayProfile(ctx, p, Options{URL: srv.URL()})
	if err != nil {
		t.Fatal(err)
	}
	if c := res.Counts(); c != (Counts{Identical: len(p.Cases)}) {
		var b bytes.Buffer
		res.WriteReport(&b, false)
		t.Fatalf("counts %v\n%s", c, b.String())
	}
	// The server saw exactly the golden request bytes, in cases.json order.
	received := srv.requests()
	for i, c := range p.Cases {
		want, _ := p.ReadRequest(&p.Cases[i])
		if !bytes.Equal(received[i], want) {
			t.Fatalf("request %d (%s) was altered", i, c.Name)
		}
	}

	broken := startGoldenServer(t, p, func(name string, resp []byte) []byte {
		if name == "http-404" {
			return replaceOnce(resp, "Not Found\"}", "Not found\"}")
		}
		return resp
	})
	res, err = ReplayProfile(ctx, p, Options{URL: broken.URL()})
	if err != nil {
		t.Fatal(err)
	}
	if c := res.Counts(); c != (Counts{Identical: len(p.Cases) - 1, Failed: 1}) {
		t.Fatalf("counts %v", c)
	}
	var report bytes.Buffer
	res.WriteReport(&report, false)
	out := report.String()
	for _, want := range []string{
		"FAIL    development/http-404: differs from the golden",
		`expected: "Found\"}"`,
		"development: 33 identical, 0 diverged-as-registered, 0 pending, 1 failed\n",
	} {
		if !strings.Contains(out, want) {
			t.Fatalf("report lacks %q:\n%s", want, out)
		}
	}
}

func TestCountsString(t *testing.T) {
	t.Parallel()
	c := Counts{Identical: 3, Diverged: 1, Pending: 2}.Add(Counts{Failed: 4, Identical: 1})
	if got := c.String(); got != "4 identical, 1 diverged-as-registered, 2 pending, 4 failed" {
		t.Fatal(got)
	}
}

func TestRecordThenReplay(t *testing.T) {
	t.Parallel()
	p := loadTestProfile(t, "production")
	srv := startGoldenServer(t, p, nil)
	// A user's request folder: only the .request files, no cases.json.
	reqDir := t.TempDir()
	for i := range p.Cases {
		b, _ := p.ReadRequest(&p.Cases[i])
		if err := os.WriteFile(filepath.Join(reqDir, p.Cases[i].Request), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "myapp")
	var log bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := Record(ctx, RecordOptions{Target: srv.URL(), RequestsDir: reqDir, OutDir: out, Environment: "production", Log: &log}); err != nil {
		t.Fatal(err)
	}
	rec, err := LoadProfile(out)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Name != "myapp" || len(rec.Cases) != len(p.Cases) || rec.Config.EffectiveConfig["environment"] != "production" {
		t.Fatalf("recorded profile %+v", rec)
	}
	for i := range rec.Cases {
		c := &rec.Cases[i]
		orig := p.Find(c.Name)
		if c.Status != orig.Status {
			t.Fatalf("%s: status %q want %q", c.Name, c.Status, orig.Status)
		}
		if strings.Join(c.Volatile, "|") != "header: date" {
			t.Fatalf("%s: volatile %q", c.Name, c.Volatile)
		}
		got, _ := rec.ReadResponse(c)
		want, _ := p.ReadResponse(orig)
		if !bytes.Equal(Normalize(got, c.Parts), Normalize(want, c.Parts)) {
			t.Fatalf("%s: recorded bytes differ", c.Name)
		}
	}
	// The recorded folder replays identically against the same server.
	res, err := ReplayProfile(ctx, rec, Options{URL: srv.URL()})
	if err != nil {
		t.Fatal(err)
	}
	if c := res.Counts(); c.Identical != len(rec.Cases) {
		t.Fatalf("counts %v", c)
	}
}

func TestRecordKeepsCasesJSONOrderAndDetectsTiming(t *testing.T) {
	t.Parallel()
	p := loadTestProfile(t, "development")
	srv := startGoldenServer(t, p, nil)
	reqDir := t.TempDir()
	names := []string{"http-health", "error-syntax"} // not in file name order
	cases := "["
	for i, n := range names {
		b, _ := p.ReadRequest(p.Find(n))
		if err := os.WriteFile(filepath.Join(reqDir, n+".request"), b, 0o644); err != nil {
			t.Fatal(err)
		}
		if i > 0 {
			cases += ","
		}
		cases += fmt.Sprintf(`{"name":%q,"request":%q}`, n, n+".request")
	}
	if err := os.WriteFile(filepath.Join(reqDir, "cases.json"), []byte(cases+"]"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if err := Record(context.Background(), RecordOptions{Target: srv.URL(), RequestsDir: reqDir, OutDir: out}); err != nil {
		t.Fatal(err)
	}
	rec, err := LoadProfile(out)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Cases[0].Name != "http-health" || rec.Cases[1].Name != "error-syntax" {
		t.Fatalf("order %v", rec.Cases)
	}
	if v := strings.Join(rec.Cases[1].Volatile, "|"); !strings.Contains(v, "time_ms") || !strings.Contains(v, "content-length") {
		t.Fatalf("timing not detected: %q", v)
	}
}

func TestReplayFailsCasesWhenServerCloses(t *testing.T) {
	t.Parallel()
	p := loadTestProfile(t, "development")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			_, _ = readRequest(conn)
			conn.Close()
		}
	}()
	res, err := ReplayProfile(context.Background(), p, Options{URL: "http://" + ln.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	if c := res.Counts(); c.Failed != len(p.Cases) {
		t.Fatalf("counts %v", c)
	}
	if !strings.Contains(res.Cases[0].Reason, "connection closed after 0 bytes") {
		t.Fatalf("reason %q", res.Cases[0].Reason)
	}
}

func TestReasonSummary(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"quirk: 13\n# A bearer token that fails\n\n- v1: …": "quirk 13: A bearer token that fails",
		"quirk: 8\n\nProduction skips validation.":          "quirk 8: Production skips validation.",
		"no quirk line\nmore":                               "no quirk line",
	} {
		if got := reasonSummary(in); got != want {
			t.Errorf("reasonSummary(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestRecordAndJudgeByQuirksMode walks the registration of a divergence
// against a server that answers one case differently: a reason-only entry
// gets the server's bytes through Options.Record, the none mode then counts
// the case diverged-as-registered, the v1.9.7 mode (which never consults
// the registry) fails it, and changed bytes fail the none mode.
func TestRecordAndJudgeByQuirksMode(t *testing.T) {
	t.Parallel()
	p := loadTestProfile(t, "development")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	fixed := func(name string, resp []byte) []byte {
		if name == "http-404" {
			return replaceOnce(resp, "Not Found\"}", "Not found\"}")
		}
		return resp
	}
	srv := startGoldenServer(t, p, fixed)
	dir := writeFiles(t, map[string]string{"development/http-404.reason.md": "quirk: 16\n# we fix the case"})
	if _, err := LoadRegistry(dir); err == nil {
		t.Fatal("a reason-only entry loaded outside recording")
	}
	reg, err := LoadRegistryForRecording(dir)
	if err != nil {
		t.Fatal(err)
	}
	recorded := 0
	res, err := ReplayProfile(ctx, p, Options{URL: srv.URL(), Registry: reg, Quirks: QuirksNone,
		Record: func(d *Divergence, c *Case, golden, actual []byte) {
			recorded++
			if err := os.WriteFile(d.ResponseFile, actual, 0o644); err != nil {
				t.Fatal(err)
			}
			d.Response = actual
		}})
	if err != nil {
		t.Fatal(err)
	}
	if c := res.Counts(); recorded != 1 || c != (Counts{Identical: len(p.Cases) - 1, Diverged: 1}) {
		t.Fatalf("recording: %d recorded, counts %v", recorded, c)
	}

	reg, err = LoadRegistry(dir) // the recorded entry now loads strictly
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		quirks string
		edit   func(string, []byte) []byte
		want   Counts
	}{
		{QuirksNone, fixed, Counts{Identical: len(p.Cases) - 1, Diverged: 1}},
		{QuirksV197, fixed, Counts{Identical: len(p.Cases) - 1, Failed: 1}},
		{QuirksV197, nil, Counts{Identical: len(p.Cases)}},
		{QuirksNone, nil, Counts{Identical: len(p.Cases) - 1, Failed: 1}}, // identical again: remove the entry
		{QuirksNone, func(name string, resp []byte) []byte {
			if name == "http-404" {
				return replaceOnce(resp, "Not Found\"}", "NOT FOUND\"}")
			}
			return resp
		}, Counts{Identical: len(p.Cases) - 1, Failed: 1}}, // bytes changed
	} {
		s := startGoldenServer(t, p, tt.edit)
		res, err := ReplayProfile(ctx, p, Options{URL: s.URL(), Registry: reg, Quirks: tt.quirks})
		if err != nil {
			t.Fatal(err)
		}
		if c := res.Counts(); c != tt.want {
			var b bytes.Buffer
			res.WriteReport(&b, false)
			t.Errorf("quirks %s, edited %v: counts %v, want %v\n%s", tt.quirks, tt.edit != nil, c, tt.want, b.String())
		}
	}
}
