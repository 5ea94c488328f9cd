// Package hist is a log-linear latency histogram in the style of HdrHistogram:
// values below 2^subBits are counted exactly, larger values fall into buckets
// whose width is 1/2^(subBits-1) of their magnitude, so every percentile is
// reported within 0.8% of the recorded value whatever its size, in a fixed
// array with no allocation per record.
//
// A Histogram is not safe for concurrent use: each load-generating goroutine
// records into its own and the runner merges them, which keeps the hot path
// free of atomics and locks. It must never allocate or lock in Record.
package hist

import (
	"math"
	"math/bits"
)

const (
	subBits  = 8
	subCount = 1 << subBits // exact values below this
	half     = subCount / 2 // sub-buckets per power of two above it
	maxShift = 63 - subBits // largest shift for a non-negative int64
	nBuckets = subCount + maxShift*half
)

// Histogram counts non-negative int64 values (nanoseconds, by convention).
type Histogram struct {
	counts [nBuckets]uint64
	total  uint64
	min    int64
	max    int64
	sum    float64
}

// New returns an empty histogram.
func New() *Histogram { return &Histogram{min: math.MaxInt64} }

func index(v int64) int {
	if v < subCount {
		return int(v)
	}
	shift := bits.Len64(uint64(v)) - subBits // ≥ 1
	top := int(v >> uint(shift))             // in [half, subCount)
	return subCount + (shift-1)*half + (top - half)
}

// upper is the largest value that falls into bucket i.
func upper(i int) int64 {
	if i < subCount {
		return int64(i)
	}
	j := i - subCount
	shift := j/half + 1
	top := int64(j%half + half)
	return (top+1)<<uint(shift) - 1
}

// Record counts v; negative values are counted as zero (a clock step back must
// not corrupt the histogram).
func (h *Histogram) Record(v int64) {
	if v < 0 {
		v = 0
	}
	h.counts[index(v)]++
	h.total++
	h.sum += float64(v)
	if v < h.min {
		h.min = v
	}
	if v > h.max {
		h.max = v
	}
}

// Merge adds every count of o into h.
func (h *Histogram) Merge(o *Histogram) {
	if o.total == 0 {
		return
	}
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.total += o.total
	h.sum += o.sum
	if o.min < h.min {
		h.min = o.min
	}
	if o.max > h.max {
		h.max = o.max
	}
}

// Count is the number of recorded values.
func (h *Histogram) Count() uint64 { return h.total }

// Max is the largest recorded value (0 when empty).
func (h *Histogram) Max() int64 {
	if h.total == 0 {
		return 0
	}
	return h.max
}

// Min is the smallest recorded value (0 when empty).
func (h *Histogram) Min() int64 {
	if h.total == 0 {
		return 0
	}
	return h.min
}

// Mean is the exact arithmetic mean of the recorded values (0 when empty).
func (h *Histogram) Mean() float64 {
	if h.total == 0 {
		return 0
	}
	return h.sum / float64(h.total)
}

// Quantile returns the value at quantile q (0 < q ≤ 1): the highest value
// equivalent to the smallest recorded value with at least ceil(q·count)
// values at or below it, clamped to the recorded max. 0 when empty.
func (h *Histogram) Quantile(q float64) int64 {
	if h.total == 0 {
		return 0
	}
	if q <= 0 {
		return h.min
	}
	rank := uint64(math.Ceil(q * float64(h.total)))
	if rank < 1 {
		rank = 1
	}
	if rank > h.total {
		rank = h.total
	}
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			u := upper(i)
			if u > h.max {
				u = h.max
			}
			if u < h.min {
				u = h.min
			}
			return u
		}
	}
	return h.max
}
