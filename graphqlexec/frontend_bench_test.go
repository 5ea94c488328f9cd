package graphqlexec

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fraiseql/fraiseql-http/pyjson"
)

// BenchmarkDocumentMiss is the engine's path for a document it has not
// seen: parse, limits, validation (development: the full rule set),
// operation choice, variable coercion and planning, then execution
// against a database that returns no rows (so the SQL's cost is left out;
// introspection is resolved in full). Each request misses the document
// cache: two texts that fall in the same shard alternate in a cache of
// one entry per shard. The documents are
// the perf workloads' (internal/language/testdata/bench): the goldens'
// GraphiQL introspection query, graphql-core's full one and the demo
// queries.
//
//	cd graphqlexec && GOWORK=off go test -run X -bench DocumentMiss -benchmem -count 6 . | tee new.txt
func BenchmarkDocumentMiss(b *testing.B) {
	files, err := filepath.Glob("internal/language/testdata/bench/*.graphql")
	if err != nil || len(files) == 0 {
		b.Fatal("no benchmark documents", err)
	}
	s := loadBlog(b)
	vars, err := pyjson.Decode([]byte(`{"id":"11111111-1111-4111-8111-111111111101"}`))
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
		b.Run(name, func(b *testing.B) {
			e, err := New(s, &fakeDB{noLog: true}, Config{DocumentCacheSize: 1})
			if err != nil {
				b.Fatal(err)
			}
			other := q + " "
			for e.cache.shard(other) != e.cache.shard(q) {
				other += " "
			}
			reqs := []*Request{{Query: q, Variables: &vars}, {Query: other, Variables: &vars}}
			ctx := context.Background()
			for _, r := range reqs {
				got := e.Execute(ctx, r)
				if got.InternalError {
					b.Fatalf("%s: internal error", name)
				}
				if strings.HasPrefix(string(got.Body), `{"errors"`) {
					// (graphql-go's validator, before our front end,
					// refused parts of graphql-core's introspection
					// query; it was timed all the same.)
					b.Logf("%s answers errors: %.200s", name, got.Body)
				}
			}
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				e.Execute(ctx, reqs[i%2])
			}
		})
	}
}
