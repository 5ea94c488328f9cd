package workload

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseFull(t *testing.T) {
	ws, err := Parse([]byte(`{"workloads":[{
		"name":"users-20x3","method":"POST","path":"/graphql",
		"headers":{"X-B":"2","Content-Type":"application/json"},
		"body":{"query":"{ users(limit: 20) { id } }",  "variables": {"b":1,"a":2}},
		"variants":[{"body":"raw text","sql_args":["v"]}],
		"setup":[{"path":"/register","body":{"x":1}}],
		"sql":"SELECT 1","sql_args":["t"],"root":"users","list":true}]}`))
	if err != nil {
		t.Fatal(err)
	}
	w := ws[0]
	if w.ExpectStatus != 200 || string(w.ExpectPrefix) != DefaultExpectPrefix || string(w.Reject) != DefaultReject {
		t.Errorf("defaults: %d %q %q", w.ExpectStatus, w.ExpectPrefix, w.Reject)
	}
	if got := string(w.Requests[0].Body); got != `{"query":"{ users(limit: 20) { id } }","variables":{"b":1,"a":2}}` {
		t.Errorf("body not compacted in file order: %s", got)
	}
	if w.Requests[0].Headers[0][0] != "Content-Type" || w.Requests[0].Headers[1][0] != "X-B" {
		t.Errorf("headers not sorted: %v", w.Requests[0].Headers)
	}
	v := w.Requests[1]
	if string(v.Body) != "raw text" || v.Method != "POST" || v.Path != "/graphql" || len(v.Headers) != 2 || v.SQLArgs[0] != "v" {
		t.Errorf("variant did not inherit: %+v", v)
	}
	s := w.Setup[0]
	if s.Path != "/register" || s.Method != "POST" || string(s.Body) != `{"x":1}` || s.SQLArgs[0] != "t" {
		t.Errorf("setup: %+v", s)
	}
}

func TestParseOverrides(t *testing.T) {
	ws, err := Parse([]byte(`{"workloads":[{"name":"h","path":"/health","expect_status":204,"expect_prefix":"","reject":""}]}`))
	if err != nil {
		t.Fatal(err)
	}
	w := ws[0]
	if w.Requests[0].Method != "GET" || w.ExpectStatus != 204 || len(w.ExpectPrefix) != 0 || len(w.Reject) != 0 || w.Requests[0].Body != nil {
		t.Errorf("%+v", w)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"empty", `{"workloads":[]}`, "no workloads"},
		{"not json", `{`, "workload file"},
		{"unknown field", `{"workloads":[{"name":"a","path":"/","bogus":1}]}`, "unknown field"},
		{"trailing", `{"workloads":[{"name":"a","path":"/"}]} {}`, "trailing"},
		{"bad name", `{"workloads":[{"name":"A B","path":"/"}]}`, "name must match"},
		{"dup", `{"workloads":[{"name":"a","path":"/"},{"name":"a","path":"/"}]}`, "duplicate"},
		{"status", `{"workloads":[{"name":"a","path":"/","expect_status":99}]}`, "out of range"},
		{"method", `{"workloads":[{"name":"a","method":"get","path":"/"}]}`, "upper-case"},
		{"path", `{"workloads":[{"name":"a","path":"x"}]}`, "must start with /"},
		{"path space", `{"workloads":[{"name":"a","path":"/ HTTP/1.1\r\nX: y"}]}`, "control"},
		{"header crlf", `{"workloads":[{"name":"a","path":"/","headers":{"X":"a\r\nB: c"}}]}`, "control byte"},
		{"header name", `{"workloads":[{"name":"a","path":"/","headers":{"X Y":"a"}}]}`, "not a token"},
		{"reserved header", `{"workloads":[{"name":"a","path":"/","headers":{"content-length":"1"}}]}`, "set by the load generator"},
		{"sql without root", `{"workloads":[{"name":"a","path":"/","sql":"SELECT 1"}]}`, "without root"},
		{"bad body", `{"workloads":[{"name":"a","path":"/","body":"\u00"}]}`, "workload file"},
		{"variant path", `{"workloads":[{"name":"a","path":"/","variants":[{"path":"nope"}]}]}`, "variant 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

func TestSelect(t *testing.T) {
	ws := []Workload{{Name: "a"}, {Name: "b"}, {Name: "c"}}
	got, err := Select(ws, "c, a")
	if err != nil || len(got) != 2 || got[0].Name != "a" || got[1].Name != "c" {
		t.Fatalf("got %v %v", got, err)
	}
	if all, _ := Select(ws, ""); len(all) != 3 {
		t.Fatal("empty selection must keep all")
	}
	if _, err := Select(ws, "a,zz"); err == nil || !strings.Contains(err.Error(), "zz") {
		t.Fatalf("err = %v", err)
	}
}

// The workload files shipped with perf must parse.
func TestShippedWorkloads(t *testing.T) {
	files, _ := filepath.Glob("../../workloads/*.json")
	if len(files) == 0 {
		t.Fatal("no workload files under perf/workloads")
	}
	for _, f := range files {
		if _, err := LoadFile(f); err != nil {
			t.Error(err)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"workloads":[{"name":"a","method":"POST","path":"/g","headers":{"A":"b"},"body":{"q":1},"variants":[{"body":"x"}]}]}`))
	if files, _ := filepath.Glob("../../workloads/*.json"); len(files) > 0 {
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ws, err := Parse(data)
		if err != nil {
			return
		}
		for _, w := range ws {
			for _, r := range append(append([]Request{}, w.Requests...), w.Setup...) {
				if strings.ContainsAny(r.Method+r.Path, "\r\n ") {
					t.Fatalf("request line would be split: %q %q", r.Method, r.Path)
				}
				for _, h := range r.Headers {
					if strings.ContainsAny(h[0]+h[1], "\r\n") {
						t.Fatalf("header would be split: %q", h)
					}
				}
			}
		}
	})
}

func TestParseDialects(t *testing.T) {
	ws, err := Parse([]byte(`{"workloads":[{
		"name":"u","method":"POST","path":"/graphql","headers":{"Content-Type":"application/json"},
		"body":{"query":"{ user(id: 1) { id } }"},
		"variants":[{"body":{"query":"{ user(id: 2) { id } }"}}],
		"setup":[{"body":{"query":"register"}}],
		"dialects":{"postgraphile":{"body":{"query":"{ user: tbUser(id: 1) { id } }"},
			"variants":[{"body":{"query":"{ user: tbUser(id: 2) { id } }"}}]}}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	w := ws[0]
	d, ok := w.ForDialect("postgraphile")
	if !ok || len(d.Requests) != 2 || d.Setup != nil {
		t.Fatalf("dialect view: ok %v, %d requests, setup %v", ok, len(d.Requests), d.Setup)
	}
	if got := string(d.Requests[1].Body); got != `{"query":"{ user: tbUser(id: 2) { id } }"}` {
		t.Errorf("variant 1 body %s", got)
	}
	if d.Requests[1].Method != "POST" || d.Requests[1].Path != "/graphql" || len(d.Requests[1].Headers) != 1 {
		t.Errorf("dialect request did not inherit method, path and headers: %+v", d.Requests[1])
	}
	if string(w.Requests[0].Body) != `{"query":"{ user(id: 1) { id } }"}` || len(w.Setup) != 1 {
		t.Errorf("the workload itself changed: %+v", w)
	}
	if _, ok := w.ForDialect("hasura"); ok {
		t.Error("unknown dialect accepted")
	}
	if same, ok := w.ForDialect(""); !ok || len(same.Setup) != 1 {
		t.Error("the empty dialect must be the workload itself")
	}
	for _, tc := range []struct{ name, in, want string }{
		{"variant count", `{"workloads":[{"name":"a","path":"/","variants":[{"body":"x"}],"dialects":{"p":{"body":"y"}}}]}`, "variant i must ask"},
		{"dialect name", `{"workloads":[{"name":"a","path":"/","dialects":{"P Q":{"body":"y"}}}]}`, "dialect name"},
		{"dialect header", `{"workloads":[{"name":"a","path":"/","dialects":{"p":{"headers":{"Host":"x"}}}}]}`, "set by the load generator"},
	} {
		if _, err := Parse([]byte(tc.in)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v, want %q", tc.name, err, tc.want)
		}
	}
}
