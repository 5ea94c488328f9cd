package rules

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/document"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/language"
)

// Parsing and validating the perf workloads' queries (among them the
// goldens' GraphiQL introspection query and graphql-core's full one, in
// internal/language/testdata/bench) with this package over our parser.
// (graphql-go's front end, which this one replaced, took 15 to 19 times
// as long; the engine's BenchmarkDocumentMiss shows the request path's
// before and after.) cpu-ns/op is the process's user+system CPU time per operation,
// which a loaded machine disturbs less than ns/op:
//
//	cd graphqlexec && GOWORK=off go test ./internal/rules -run X -bench ParseValidate -benchmem -cpu 1
func BenchmarkParseValidate(b *testing.B) {
	files, err := filepath.Glob("../language/testdata/bench/*.graphql")
	if err != nil || len(files) == 0 {
		b.Fatal("no benchmark documents", err)
	}
	s := loadBlog(b)
	v := New(s)
	for _, fn := range files {
		name := strings.TrimSuffix(filepath.Base(fn), ".graphql")
		if strings.HasPrefix(name, "sdl-") {
			continue
		}
		src, err := os.ReadFile(fn)
		if err != nil {
			b.Fatal(err)
		}
		q := string(src)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			defer cpuTime(b)()
			for b.Loop() {
				doc, err := language.Parse(q, language.Options{MaxTokens: document.DefaultMaxQueryTokens})
				if err != nil {
					b.Fatal(err)
				}
				if errs := v.Validate(doc); len(errs) != 0 {
					b.Fatal(errs[0].Message)
				}
			}
		})
	}
}

// cpuTime reports the CPU time the benchmark's loop used, per operation.
func cpuTime(b *testing.B) func() {
	start := rusage()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64(rusage()-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

func rusage() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
