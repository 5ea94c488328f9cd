package connlimit

import (
	"strconv"
	"testing"
	"time"
)

func TestRateLimiterBucket(t *testing.T) {
	t.Parallel()
	l := NewRateLimiter(2, 3, 0) // 2/s, burst 3
	now := time.Unix(1000, 0)
	l.now = func() time.Time { return now }
	for i := 0; i < 3; i++ {
		if ok, _ := l.Allow("a"); !ok {
			t.Fatalf("burst request %d refused", i)
		}
	}
	ok, wait := l.Allow("a")
	if ok || wait != 500*time.Millisecond {
		t.Fatalf("4th: ok %v wait %v", ok, wait)
	}
	if ok, _ := l.Allow("b"); !ok {
		t.Fatal("another key shares a's bucket")
	}
	now = now.Add(500 * time.Millisecond)
	if ok, _ := l.Allow("a"); !ok {
		t.Fatal("a token refilled after 0.5 s refused")
	}
	if ok, _ := l.Allow("a"); ok {
		t.Fatal("more than the refill allowed")
	}
	// Full buckets are forgotten by a sweep.
	now = now.Add(time.Hour)
	l.sweep(now)
	if n := l.Keys(); n != 0 {
		t.Errorf("%d keys after a sweep of full buckets", n)
	}
}

// A flood of distinct keys cannot grow memory past maxKeys: the keys over
// the cap share one bucket.
func TestRateLimiterBoundedKeys(t *testing.T) {
	t.Parallel()
	l := NewRateLimiter(1, 1, 100)
	now := time.Unix(1000, 0)
	l.now = func() time.Time { return now }
	refused := 0
	for i := 0; i < 10_000; i++ {
		if ok, _ := l.Allow("ip-" + strconv.Itoa(i)); !ok {
			refused++
		}
	}
	if n := l.Keys(); n > 100 {
		t.Errorf("%d keys held, cap 100", n)
	}
	if refused < 9_000 {
		t.Errorf("only %d of the keys over the cap were refused", refused)
	}
}

func BenchmarkRateLimiterAllow(b *testing.B) {
	l := NewRateLimiter(1e9, 1e9, 0)
	keys := make([]string, 1024)
	for i := range keys {
		keys[i] = "10.0.0." + strconv.Itoa(i)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		l.Allow(keys[i&1023])
		i++
	}
}
