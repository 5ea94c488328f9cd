package connlimit

import (
	"errors"
	"net"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestMain fails the run when a goroutine started by this package's code is
// still alive after the tests (the module is stdlib-only, so this is a small
// stand-in for goleak: it looks for our frames in every goroutine's stack).
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if leaked := leakedGoroutines(); leaked != "" {
			os.Stderr.WriteString("leaked goroutines:\n" + leaked)
			code = 1
		}
	}
	os.Exit(code)
}

func leakedGoroutines() string {
	deadline := time.Now().Add(2 * time.Second)
	for {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		var leaked []string
		for _, g := range strings.Split(string(buf), "\n\n") {
			if strings.Contains(g, "connlimit.(*Listener)") || strings.Contains(g, "connlimit.Test") && !strings.Contains(g, "TestMain") {
				leaked = append(leaked, g)
			}
		}
		if len(leaked) == 0 {
			return ""
		}
		if time.Now().After(deadline) {
			return strings.Join(leaked, "\n\n")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func listen(t *testing.T, limit int) *Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := NewListener(ln, limit)
	t.Cleanup(func() { l.Close() })
	return l
}

func dial(t *testing.T, l *Listener) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestCountsActiveAndTotal(t *testing.T) {
	t.Parallel()
	l := listen(t, 0)
	var conns []net.Conn
	for i := 0; i < 3; i++ {
		dial(t, l)
		c, err := l.Accept()
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	if got := l.Active(); got != 3 {
		t.Fatalf("Active = %d, want 3", got)
	}
	conns[0].Close()
	conns[0].Close() // a second Close must not free a second slot
	if got := l.Active(); got != 2 {
		t.Fatalf("Active after close = %d, want 2", got)
	}
	if got := l.Total(); got != 3 {
		t.Fatalf("Total = %d, want 3", got)
	}
	for _, c := range conns[1:] {
		c.Close()
	}
	if got := l.Active(); got != 0 {
		t.Fatalf("Active at end = %d, want 0", got)
	}
}

func TestAcceptBlocksAtLimit(t *testing.T) {
	t.Parallel()
	l := listen(t, 1)
	dial(t, l)
	first, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	dial(t, l) // queued in the backlog

	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := l.Accept()
		if err == nil {
			accepted <- c
		}
		close(accepted)
	}()
	select {
	case <-accepted:
		t.Fatal("Accept returned while the only slot was taken")
	case <-time.After(50 * time.Millisecond):
		// Not proof of blocking forever, but a slot-ignoring Accept returns
		// at once because the second client is already in the backlog.
	}
	first.Close()
	c, ok := <-accepted
	if !ok {
		t.Fatal("Accept failed after a slot was freed")
	}
	defer c.Close()
	if got := l.Active(); got != 1 {
		t.Fatalf("Active = %d, want 1", got)
	}
}

func TestCloseWakesBlockedAccept(t *testing.T) {
	t.Parallel()
	l := listen(t, 1)
	dial(t, l)
	first, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	done := make(chan error, 1)
	go func() {
		_, err := l.Accept()
		done <- err
	}()
	l.Close()
	if err := <-done; !errors.Is(err, net.ErrClosed) {
		t.Fatalf("Accept after Close: %v, want net.ErrClosed", err)
	}
	if err := l.Close(); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("second Close: %v, want net.ErrClosed", err)
	}
}

func TestConcurrentAcceptNeverExceedsLimit(t *testing.T) {
	t.Parallel()
	const limit, clients = 4, 40
	l := listen(t, limit)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var peak int64
	wg.Add(1)
	go func() {
		defer wg.Done()
		var inner sync.WaitGroup
		for i := 0; i < clients; i++ {
			c, err := l.Accept()
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			if a := l.Active(); a > peak {
				peak = a
			}
			mu.Unlock()
			inner.Add(1)
			go func() {
				defer inner.Done()
				time.Sleep(time.Millisecond)
				c.Close()
			}()
		}
		inner.Wait()
	}()
	for i := 0; i < clients; i++ {
		dial(t, l)
	}
	wg.Wait()
	if peak > limit {
		t.Fatalf("peak active = %d, limit %d", peak, limit)
	}
	if got := l.Total(); got != clients {
		t.Fatalf("Total = %d, want %d", got, clients)
	}
}

func TestTimeouts(t *testing.T) {
	t.Parallel()
	l := listen(t, 0)
	dial(t, l)
	c, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	tests := []struct {
		name string
		set  func(net.Conn) error
		hits bool
	}{
		{"idle", Timeouts{Idle: 20 * time.Millisecond}.AwaitRequest, true},
		{"header", Timeouts{Header: 20 * time.Millisecond}.ReadHeader, true},
		{"body", Timeouts{Body: 20 * time.Millisecond}.ReadBody, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.set(c); err != nil {
				t.Fatal(err)
			}
			_, err := c.Read(make([]byte, 1))
			var ne net.Error
			if !errors.As(err, &ne) || !ne.Timeout() {
				t.Fatalf("Read = %v, want a timeout", err)
			}
		})
	}
	// Zero durations and Clear remove the deadline: a read then waits for data.
	if err := (Timeouts{}).AwaitRequest(c); err != nil {
		t.Fatal(err)
	}
	if err := Clear(c); err != nil {
		t.Fatal(err)
	}
}
