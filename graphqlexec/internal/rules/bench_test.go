package rules

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/language"
	"github.com/fraiseql/fraiseql-http/graphqlexec/internal/validate"
)

// Parsing and validating the perf workloads' queries (among them the
// goldens' GraphiQL introspection query and graphql-core's full one, in
// internal/language/testdata/bench) with this package over our parser
// ("new") and with today's front end, internal/validate over graphql-go
// ("old"). cpu-ns/op is the process's user+system CPU time per operation,
// which a loaded machine disturbs less than ns/op:
//
//	cd graphqlexec && GOWORK=off go test ./internal/rules -run X -bench ParseValidate -benchmem -cpu 1
func BenchmarkParseValidate(b *testing.B) {
	files, err := filepath.Glob("../language/testdata/bench/*.graphql")
	if err != nil || len(files) == 0 {
		b.Fatal("no benchmark documents", err)
	}
	s := loadBlog(b)
	v, old := New(s), validate.NewValidator(s)
	limits, err := validate.NewLimits(0, 0, 0, 0)
	if err != nil {
		b.Fatal(err)
	}
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
		b.Run(name+"/new", func(b *testing.B) {
			b.ReportAllocs()
			defer cpuTime(b)()
			for b.Loop() {
				doc, err := language.Parse(q, language.Options{MaxTokens: validate.DefaultMaxQueryTokens})
				if err != nil {
					b.Fatal(err)
				}
				if errs := v.Validate(doc); len(errs) != 0 {
					b.Fatal(errs[0].Message)
				}
			}
		})
		b.Run(name+"/old", func(b *testing.B) {
			b.ReportAllocs()
			defer cpuTime(b)()
			for b.Loop() {
				d, gerr := validate.Parse(src, &limits)
				if gerr != nil {
					b.Fatal(gerr.Message)
				}
				// graphql-go's schema lacks __Schema.description and the
				// includeDeprecated arguments of args and inputFields, so
				// the old path refuses graphql-core's full introspection
				// query; it is timed all the same (errors included).
				_ = old.Validate(d)
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
