package connlimit

import (
	"math"
	"sync"
	"time"
)

// RateLimiter is a token bucket per client key: each key may make Burst
// requests at once and Rate per second on average. Keys are whatever the
// caller chooses (an IP address, a token's subject). Memory is bounded:
// a key whose bucket has refilled is forgotten, and at most MaxKeys are
// held (beyond it, the fullest buckets are swept first; a new key over the
// cap after the sweep shares one overflow bucket, so a flood of new keys
// is limited as one client). Safe for concurrent use.
type RateLimiter struct {
	rate    float64 // tokens per second
	burst   float64
	maxKeys int
	now     func() time.Time

	mu        sync.Mutex
	buckets   map[string]*bucket
	overflow  bucket
	calls     int
	lastSweep time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

// DefaultMaxRateKeys bounds the keys a RateLimiter holds.
const DefaultMaxRateKeys = 100_000

// NewRateLimiter returns a limiter of rate requests per second per key
// with the given burst (at least 1). maxKeys <= 0 means
// DefaultMaxRateKeys.
func NewRateLimiter(rate float64, burst, maxKeys int) *RateLimiter {
	if burst < 1 {
		burst = 1
	}
	if maxKeys <= 0 {
		maxKeys = DefaultMaxRateKeys
	}
	return &RateLimiter{rate: rate, burst: float64(burst), maxKeys: maxKeys, now: time.Now, buckets: map[string]*bucket{}}
}

// Allow takes one token of key's bucket. When none is left it returns
// false and how long until one is.
func (l *RateLimiter) Allow(key string) (ok bool, retryAfter time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls++
	if l.calls%4096 == 0 {
		l.sweep(now)
	}
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= l.maxKeys && now.Sub(l.lastSweep) >= time.Second {
			// At most one full sweep a second: a flood of new keys must
			// not make every request walk the map.
			l.sweep(now)
		}
		if len(l.buckets) >= l.maxKeys {
			b = &l.overflow
		} else {
			b = &bucket{tokens: l.burst, last: now}
			l.buckets[key] = b
		}
	}
	b.tokens = math.Min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	return false, wait
}

// sweep forgets every key whose bucket would be full by now (forgetting
// it changes nothing: a new bucket starts full).
func (l *RateLimiter) sweep(now time.Time) {
	l.lastSweep = now
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
}

// Keys is the number of keys held (tests, metrics).
func (l *RateLimiter) Keys() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}
