package compat

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the expected diff outputs under testdata/diff")

func TestDiffEqualIsEmpty(t *testing.T) {
	t.Parallel()
	b := []byte("HTTP/1.1 200 OK\r\n\r\n{}")
	if d := Diff(b, b); d != "" {
		t.Fatalf("diff of equal responses: %q", d)
	}
}

// The diff renderings are compared with files under testdata/diff; run
// `go test -run TestDiffOutput -update` after an intended change and review
// the files.
func TestDiffOutput(t *testing.T) {
	t.Parallel()
	dev := loadTestProfile(t, "development")
	golden := func(name string) []byte {
		b, err := dev.ReadResponse(dev.Find(name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	users := golden("query-users-all-fields")
	tests := []struct {
		name             string
		expected, actual []byte
	}{
		{
			name:     "status-and-headers",
			expected: []byte("HTTP/1.1 404 Not Found\r\ndate: x\r\nserver: uvicorn\r\ncontent-length: 22\r\ncontent-type: application/json\r\n\r\n{\"detail\":\"Not Found\"}"),
			actual:   []byte("HTTP/1.1 404 Not Found\r\ndate: x\r\ncontent-type: application/json\r\ncontent-length: 22\r\n\r\n{\"detail\":\"Not Found\"}"),
		},
		{
			name:     "json-body-key-order",
			expected: users,
			actual:   replaceOnce(users, `"age":30,"createdAt"`, `"createdAt"`),
		},
		{
			name:     "json-body-escape",
			expected: users,
			actual:   replaceOnce(users, `\"the hacker\"`, `\u0022the hacker\u0022`),
		},
		{
			name:     "html-body",
			expected: golden("http-get-playground"),
			actual:   replaceOnce(golden("http-get-playground"), "graphiql", "GraphiQL"),
		},
		{
			name:     "truncated",
			expected: []byte("HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\ntrue"),
			actual:   []byte("HTTP/1.1 200 OK\r\ncontent-len"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Diff(tt.expected, tt.actual)
			if got == "" {
				t.Fatal("no diff for different responses")
			}
			file := filepath.Join("testdata", "diff", tt.name+".txt")
			if *update {
				if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Fatalf("diff output changed (run with -update if intended):\n%s", got)
			}
		})
	}
}

func TestLineDiff(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want string
	}{
		{"a b c", "a b c", "  a|  b|  c"},
		{"a b c", "a x c", "  a|- b|+ x|  c"},
		{"a b c", "a c", "  a|- b|  c"},
		{"a c", "a b c", "  a|+ b|  c"},
		{"", "x", "+ x"},
		{"x y z", "y z x", "- x|  y|  z|+ x"},
	}
	for _, tt := range tests {
		var got []string
		for _, l := range lineDiff(strings.Fields(tt.a), strings.Fields(tt.b)) {
			got = append(got, string(l.op)+" "+l.text)
		}
		if strings.Join(got, "|") != tt.want {
			t.Errorf("%q → %q: got %q want %q", tt.a, tt.b, strings.Join(got, "|"), tt.want)
		}
	}
}

func TestWriteLinesFoldsUnchangedRuns(t *testing.T) {
	t.Parallel()
	var lines []diffLine
	for i := 0; i < 20; i++ {
		lines = append(lines, diffLine{' ', "same"})
	}
	lines[10] = diffLine{'-', "old"}
	var b strings.Builder
	writeLines(&b, lines, 3)
	want := "  … 7 unchanged lines …\n  same\n  same\n  same\n- old\n  same\n  same\n  same\n  … 6 unchanged lines …\n"
	if b.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", b.String(), want)
	}
}
