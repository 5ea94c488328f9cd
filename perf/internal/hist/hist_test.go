package hist

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"
)

func TestQuantileSmallExact(t *testing.T) {
	h := New()
	for v := int64(1); v <= 100; v++ {
		h.Record(v)
	}
	for _, tc := range []struct {
		q    float64
		want int64
	}{{0.5, 50}, {0.9, 90}, {0.99, 99}, {0.999, 100}, {1, 100}, {0.01, 1}} {
		if got := h.Quantile(tc.q); got != tc.want {
			t.Errorf("Quantile(%v) = %d, want %d", tc.q, got, tc.want)
		}
	}
	if h.Count() != 100 || h.Min() != 1 || h.Max() != 100 || h.Mean() != 50.5 {
		t.Errorf("count/min/max/mean = %d/%d/%d/%v", h.Count(), h.Min(), h.Max(), h.Mean())
	}
}

func TestEmpty(t *testing.T) {
	h := New()
	if h.Quantile(0.5) != 0 || h.Max() != 0 || h.Min() != 0 || h.Mean() != 0 {
		t.Fatal("empty histogram must report zeros")
	}
}

func TestNegativeCountsAsZero(t *testing.T) {
	h := New()
	h.Record(-5)
	if h.Max() != 0 || h.Quantile(1) != 0 {
		t.Fatalf("max=%d", h.Max())
	}
}

// The relative error of any quantile must stay under 1/half for values of any
// magnitude: compare against the exact order statistic of random samples.
func TestQuantileRelativeError(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, scale := range []float64{1e3, 1e6, 1e9, 1e12} {
		h := New()
		vals := make([]int64, 20000)
		for i := range vals {
			vals[i] = int64(r.ExpFloat64() * scale)
			h.Record(vals[i])
		}
		sort.Slice(vals, func(i, j int) bool { return vals[i] < vals[j] })
		for _, q := range []float64{0.5, 0.9, 0.99, 0.999} {
			exact := vals[int(math.Ceil(q*float64(len(vals))))-1]
			got := h.Quantile(q)
			if got < exact {
				t.Errorf("scale %g q %v: %d below exact %d", scale, q, got, exact)
			}
			if float64(got-exact) > float64(exact)/half+1 {
				t.Errorf("scale %g q %v: %d vs exact %d: error above 1/%d", scale, q, got, exact, half)
			}
		}
		if h.Max() != vals[len(vals)-1] {
			t.Errorf("max %d, want %d", h.Max(), vals[len(vals)-1])
		}
	}
}

func TestBucketBoundaries(t *testing.T) {
	// every bucket's upper bound maps back to the bucket, and the next value to the next one
	for i := 0; i < nBuckets-1; i++ {
		u := upper(i)
		if index(u) != i {
			t.Fatalf("index(upper(%d)=%d) = %d", i, u, index(u))
		}
		if index(u+1) != i+1 {
			t.Fatalf("index(%d) = %d, want %d", u+1, index(u+1), i+1)
		}
	}
	if index(math.MaxInt64) != nBuckets-1 {
		t.Fatalf("MaxInt64 falls in %d of %d", index(math.MaxInt64), nBuckets)
	}
}

func TestMerge(t *testing.T) {
	a, b, all := New(), New(), New()
	for v := int64(0); v < 1000; v++ {
		if v%2 == 0 {
			a.Record(v * 1000)
		} else {
			b.Record(v * 1000)
		}
		all.Record(v * 1000)
	}
	a.Merge(b)
	a.Merge(New())
	for _, q := range []float64{0.5, 0.9, 0.99, 1} {
		if a.Quantile(q) != all.Quantile(q) {
			t.Errorf("merged q%v = %d, want %d", q, a.Quantile(q), all.Quantile(q))
		}
	}
	if a.Count() != 1000 || a.Min() != 0 || a.Max() != 999000 {
		t.Errorf("merged count/min/max %d/%d/%d", a.Count(), a.Min(), a.Max())
	}
}

func BenchmarkRecord(b *testing.B) {
	h := New()
	for i := 0; b.Loop(); i++ {
		h.Record(int64(i) * 997)
	}
}
