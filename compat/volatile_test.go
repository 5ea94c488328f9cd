package compat

import (
	"bytes"
	"strings"
	"testing"
)

func TestParseVolatile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in     string
		kind   VolatileKind
		header string
		path   string
		err    bool
	}{
		{in: "header: date", kind: VolatileHeader, header: "date"},
		{in: "header: content-length (changes with the number of digits of time_ms)", kind: VolatileHeader, header: "content-length"},
		{in: "body: extensions.execution.time_ms (round(seconds*1000, 2) as a Python float)", kind: VolatileBody, path: "extensions.execution.time_ms"},
		{in: "body: timestamp (time.time() float)", kind: VolatileBody, path: "timestamp"},
		{in: "body: execution_counts.normal depends on how many requests ran before", kind: StateDependent, path: "execution_counts.normal"},
		{in: "date", err: true},
		{in: "header:", err: true},
		{in: "header: bad name", kind: VolatileHeader, header: "bad"},
		{in: "header: da(te", err: true},
		{in: "body: a..b", err: true},
		{in: "trailer: x", err: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := ParseVolatile(tt.in)
			if (err != nil) != tt.err {
				t.Fatalf("err = %v, want error %v", err, tt.err)
			}
			if tt.err {
				return
			}
			if p.Kind != tt.kind || p.Header != tt.header || strings.Join(p.Path, ".") != tt.path {
				t.Fatalf("got %+v", p)
			}
		})
	}
}

func mustParts(t *testing.T, list ...string) []VolatilePart {
	t.Helper()
	parts, err := ParseVolatileList(list)
	if err != nil {
		t.Fatal(err)
	}
	return parts
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	devTiming := []string{"header: date", "body: extensions.execution.time_ms (x)", "header: content-length (x)"}
	tests := []struct {
		name     string
		volatile []string
		in, want string
	}{
		{
			name:     "date",
			volatile: []string{"header: date"},
			in:       "HTTP/1.1 200 OK\r\ndate: Wed, 25 Nov 2026 20:10:49 GMT\r\nserver: uvicorn\r\n\r\n{}",
			want:     "HTTP/1.1 200 OK\r\ndate: <volatile http-date>\r\nserver: uvicorn\r\n\r\n{}",
		},
		{
			name:     "malformed date is kept",
			volatile: []string{"header: date"},
			in:       "HTTP/1.1 200 OK\r\ndate: 2026-11-25T20:10:49Z\r\n\r\n",
			want:     "HTTP/1.1 200 OK\r\ndate: 2026-11-25T20:10:49Z\r\n\r\n",
		},
		{
			name:     "header name case is matched loosely and kept",
			volatile: []string{"header: date"},
			in:       "HTTP/1.1 200 OK\r\nDate: Wed, 25 Nov 2026 20:10:49 GMT\r\n\r\n",
			want:     "HTTP/1.1 200 OK\r\nDate: <volatile http-date>\r\n\r\n",
		},
		{
			name:     "dev timing",
			volatile: devTiming,
			in:       "HTTP/1.1 200 OK\r\ncontent-length: 80\r\n\r\n{\"data\":{\"x\":1},\"extensions\":{\"execution\":{\"mode\":\"unified_rust\",\"time_ms\":0.09}}}",
			want:     "HTTP/1.1 200 OK\r\ncontent-length: <volatile int>\r\n\r\n{\"data\":{\"x\":1},\"extensions\":{\"execution\":{\"mode\":\"unified_rust\",\"time_ms\":\"<volatile float>\"}}}",
		},
		{
			name:     "integer time_ms keeps its shape",
			volatile: devTiming,
			in:       "HTTP/1.1 200 OK\r\n\r\n{\"extensions\":{\"execution\":{\"time_ms\":3}}}",
			want:     "HTTP/1.1 200 OK\r\n\r\n{\"extensions\":{\"execution\":{\"time_ms\":\"<volatile int>\"}}}",
		},
		{
			name:     "same key elsewhere is untouched",
			volatile: devTiming,
			in:       "HTTP/1.1 200 OK\r\n\r\n{\"data\":{\"time_ms\":1.5},\"extensions\":{\"execution\":{\"time_ms\":2.5}}}",
			want:     "HTTP/1.1 200 OK\r\n\r\n{\"data\":{\"time_ms\":1.5},\"extensions\":{\"execution\":{\"time_ms\":\"<volatile float>\"}}}",
		},
		{
			name:     "missing path leaves the body",
			volatile: devTiming,
			in:       "HTTP/1.1 200 OK\r\n\r\n{\"data\":null}",
			want:     "HTTP/1.1 200 OK\r\n\r\n{\"data\":null}",
		},
		{
			name:     "not JSON leaves the body",
			volatile: []string{"body: timestamp"},
			in:       "HTTP/1.1 200 OK\r\n\r\n<html>\"timestamp\":1</html>",
			want:     "HTTP/1.1 200 OK\r\n\r\n<html>\"timestamp\":1</html>",
		},
		{
			name:     "metrics: averages normalized, counts kept",
			volatile: []string{"body: average_execution_times.normal", "body: execution_counts.normal depends on how many requests ran before"},
			in:       "HTTP/1.1 200 OK\r\n\r\n{\"execution_counts\":{\"normal\":25},\"average_execution_times\":{\"normal\":6.54}}",
			want:     "HTTP/1.1 200 OK\r\n\r\n{\"execution_counts\":{\"normal\":25},\"average_execution_times\":{\"normal\":\"<volatile float>\"}}",
		},
		{
			name:     "ready timestamp",
			volatile: []string{"body: timestamp (time.time() float)"},
			in:       "HTTP/1.1 200 OK\r\n\r\n{\"status\":\"ready\",\"timestamp\":1795637449.8138654}",
			want:     "HTTP/1.1 200 OK\r\n\r\n{\"status\":\"ready\",\"timestamp\":\"<volatile float>\"}",
		},
		{
			name:     "spaced JSON",
			volatile: []string{"body: a.b"},
			in:       "HTTP/1.1 200 OK\r\n\r\n{\"x\": [1, {\"b\": 2}], \"a\" : { \"b\" : \"s\\\"}\" } }",
			want:     "HTTP/1.1 200 OK\r\n\r\n{\"x\": [1, {\"b\": 2}], \"a\" : { \"b\" : \"<volatile string>\" } }",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := []byte(tt.in)
			got := Normalize(in, mustParts(t, tt.volatile...))
			if string(got) != tt.want {
				t.Fatalf("got\n%q\nwant\n%q", got, tt.want)
			}
			if string(in) != tt.in {
				t.Fatal("input modified")
			}
			if again := Normalize(got, mustParts(t, tt.volatile...)); !bytes.Equal(again, got) {
				t.Fatalf("not idempotent: %q", again)
			}
		})
	}
}

// The normalizer must only ever touch what a case declares: on every golden,
// the normalized bytes equal the original outside of the volatile parts.
func TestNormalizeGoldensTouchesOnlyVolatileParts(t *testing.T) {
	t.Parallel()
	profiles, err := LoadGoldens(goldensDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range profiles {
		for i := range p.Cases {
			c := &p.Cases[i]
			raw, _ := p.ReadResponse(c)
			norm := Normalize(raw, c.Parts)
			orig, got := ParseMessage(raw), ParseMessage(norm)
			if got.StartLine != orig.StartLine || len(got.Headers) != len(orig.Headers) {
				t.Fatalf("%s/%s: structure changed", p.Name, c.Name)
			}
			for j, h := range got.Headers {
				volatile := false
				for _, vp := range c.Parts {
					volatile = volatile || (vp.Kind == VolatileHeader && strings.EqualFold(vp.Header, h.Name))
				}
				if volatile != (h != orig.Headers[j]) {
					t.Fatalf("%s/%s: header %q normalized=%v declared volatile=%v", p.Name, c.Name, orig.Headers[j], h != orig.Headers[j], volatile)
				}
			}
			bodyVolatile := false
			for _, vp := range c.Parts {
				if vp.Kind == VolatileBody {
					bodyVolatile = true
					if _, _, ok := findJSONPath(got.Body, vp.Path); !ok {
						t.Fatalf("%s/%s: %v not found", p.Name, c.Name, vp.Path)
					}
				}
			}
			if bodyVolatile == bytes.Equal(got.Body, orig.Body) {
				t.Fatalf("%s/%s: body changed=%v, declared volatile=%v", p.Name, c.Name, !bodyVolatile, bodyVolatile)
			}
		}
	}
}

func TestFindJSONPath(t *testing.T) {
	t.Parallel()
	doc := []byte(`{"a":{"b":[1,{"c":2}],"c\u0041":"x","d":{"e":true}},"f":-1.5e3}`)
	tests := []struct {
		path  string
		want  string
		found bool
	}{
		{"a.b", `[1,{"c":2}]`, true},
		{"a.cA", `"x"`, true},
		{"a.d.e", `true`, true},
		{"f", `-1.5e3`, true},
		{"a.b.c", "", false},
		{"z", "", false},
		{"a.d.e.x", "", false},
	}
	for _, tt := range tests {
		s, e, ok := findJSONPath(doc, strings.Split(tt.path, "."))
		if ok != tt.found || (ok && string(doc[s:e]) != tt.want) {
			t.Errorf("%s: got %v %q", tt.path, ok, doc[s:e])
		}
	}
	for _, bad := range []string{``, `{`, `{"a"`, `{"a":`, `{"a":"x`, `[1]`, `{"a" 1}`} {
		if _, _, ok := findJSONPath([]byte(bad), []string{"a"}); ok {
			t.Errorf("%q: found a value in malformed JSON", bad)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	f.Add([]byte("HTTP/1.1 200 OK\r\ndate: Wed, 25 Nov 2026 20:10:49 GMT\r\ncontent-length: 40\r\n\r\n{\"extensions\":{\"execution\":{\"time_ms\":1.5}}}"))
	f.Add([]byte("HTTP/1.1 200 OK\r\n\r\n{\"timestamp\":1.5,\"average_execution_times\":{\"normal\":2}}"))
	f.Add([]byte("{\"a\":{\"b\":[\"\\\"\",{}]}}"))
	parts := []VolatilePart{}
	for _, s := range []string{"header: date", "header: content-length", "body: extensions.execution.time_ms", "body: timestamp", "body: average_execution_times.normal"} {
		p, _ := ParseVolatile(s)
		parts = append(parts, p)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		in := bytes.Clone(raw)
		out := Normalize(raw, parts)
		if !bytes.Equal(in, raw) {
			t.Fatal("input modified")
		}
		if again := Normalize(out, parts); !bytes.Equal(again, out) {
			t.Fatalf("not idempotent:\n%q\n%q", out, again)
		}
	})
}
