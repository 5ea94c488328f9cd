package language

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Parsing the documents of testdata/bench (the perf workloads' queries,
// among them the introspection query of the goldens, and graphql-core's
// full introspection query; sdl-*: the demo declaration and the builtins):
//
//	cd graphqlexec && GOWORK=off go test ./internal/language/ -run X -bench Parse -benchmem
//
// graphql-go v0.8.1's parser, which this one replaced everywhere, measured
// on the same machine just before it left go.mod (ns/op, allocs/op, ours
// then graphql-go's): introspection 7,914/20 vs 31,043/567; users-20x3
// 854/8 vs 2,100/53; users-filtered 1,702/14 vs 4,304/102; sdl-app
// 32,539/94 vs 74,401/1,296.
func BenchmarkParse(b *testing.B) {
	files, err := filepath.Glob("testdata/bench/*.graphql")
	if err != nil || len(files) == 0 {
		b.Fatal("no benchmark documents", err)
	}
	for _, fn := range files {
		src, err := os.ReadFile(fn)
		if err != nil {
			b.Fatal(err)
		}
		q := string(src)
		name := strings.TrimSuffix(filepath.Base(fn), ".graphql")
		// The declarations (sdl-*) are written for graphql-go: "type X {}".
		opts := Options{AllowEmptyBraces: strings.HasPrefix(name, "sdl-")}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(q)))
			for b.Loop() {
				if _, err := Parse(q, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// Nesting costs the same per level at any depth (linear), up to the limit.
//
//	GOWORK=off go test ./internal/language/ -run X -bench Nesting -benchmem
func BenchmarkNesting(b *testing.B) {
	for _, depth := range []int{16, 64, 256} {
		q := strings.Repeat("{ a ", depth) + strings.Repeat("}", depth)
		b.Run(itoa(depth), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(q)))
			for b.Loop() {
				if _, err := Parse(q, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func itoa(n int) string {
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return "depth" + s
}

func BenchmarkPrintValue(b *testing.B) {
	v, err := ParseValue(`{where: {role: {eq: "author"}, age: {in: [1, 2, 3]}}, orderBy: [{score: DESC}], limit: 10, s: "é\n"}`, Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = PrintValue(v)
	}
}
