package language

import (
	"runtime"
	"strings"
	"testing"
)

// Memory is linear in the document: bytes allocated per byte of source
// stay within a factor of two from 1k to 16k fields, flat or nested up to
// the depth limit, and so does the number of allocations (nodes and lists
// come in blocks of up to 256 nodes or 1024 list items, so a large
// document costs about one allocation per few hundred nodes).
func TestLinearMemory(t *testing.T) {
	shapes := map[string]func(n int) string{
		"flat fields with arguments": func(n int) string {
			return "{ " + strings.Repeat(`f(a: 1, b: "x", c: [ENUM, {d: $v}]) @skip(if: false) `, n) + "}"
		},
		"nested selections": func(n int) string {
			unit := strings.Repeat("{ a ", 200) + strings.Repeat("}", 200)
			return "{ " + strings.Repeat("x "+unit+" ", n/200) + "}"
		},
	}
	for name, gen := range shapes {
		t.Run(name, func(t *testing.T) {
			small, large := gen(1000), gen(16000)
			bs, as := allocated(t, small)
			bl, al := allocated(t, large)
			perByteSmall := float64(bs) / float64(len(small))
			perByteLarge := float64(bl) / float64(len(large))
			t.Logf("%d bytes: %.2f B/byte in %d allocs; %d bytes: %.2f B/byte in %d allocs", len(small), perByteSmall, as, len(large), perByteLarge, al)
			if perByteLarge > 2*perByteSmall {
				t.Errorf("memory per source byte grows from %.2f to %.2f", perByteSmall, perByteLarge)
			}
			if float64(al)/float64(len(large)) > 2*float64(as)/float64(len(small)) {
				t.Errorf("allocations per source byte grow: %d for %d bytes, %d for %d bytes", as, len(small), al, len(large))
			}
		})
	}
}

func allocated(t *testing.T, src string) (bytes, allocs uint64) {
	t.Helper()
	if _, err := Parse(src, Options{}); err != nil { // warm the parser pool
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	if _, err := Parse(src, Options{}); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, after.Mallocs - before.Mallocs
}
