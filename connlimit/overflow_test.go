package connlimit

import (
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// answerReject is a Reject function that writes a fixed answer and closes,
// as the HTTP layer's 503 writer does.
func answerReject(c net.Conn) {
	defer c.Close()
	c.SetWriteDeadline(time.Now().Add(time.Second))
	io.WriteString(c, "full")
}

func listenReject(t *testing.T, o Options) *Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l, err := NewListenerOptions(ln, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func TestRejectAnswersAtOnceOverTheLimit(t *testing.T) {
	t.Parallel()
	l := listenReject(t, Options{Limit: 1, Overflow: Reject, Reject: answerReject})
	dial(t, l)
	first, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()

	// A second Accept runs in the background: it must not return the
	// surplus connection, only answer it.
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := l.Accept()
		if err == nil {
			accepted <- c
		}
		close(accepted)
	}()
	over := dial(t, l)
	over.SetReadDeadline(time.Now().Add(5 * time.Second))
	got, err := io.ReadAll(over)
	if err != nil {
		t.Fatalf("reading the rejection: %v", err)
	}
	if string(got) != "full" {
		t.Fatalf("rejected connection read %q, want %q then EOF", got, "full")
	}
	if n := l.Rejected(); n != 1 {
		t.Fatalf("Rejected = %d, want 1", n)
	}
	if n := l.Active(); n != 1 {
		t.Fatalf("Active = %d, want 1 (rejections are not counted)", n)
	}

	// Freeing the slot lets the next client in.
	first.Close()
	dial(t, l)
	c, ok := <-accepted
	if !ok {
		t.Fatal("Accept failed after the slot was freed")
	}
	c.Close()
	if n := l.Total(); n != 2 {
		t.Fatalf("Total = %d, want 2", n)
	}
}

func TestRejectBoundsConcurrentRejections(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	var mu sync.Mutex
	running := 0
	peak := 0
	slow := func(c net.Conn) {
		mu.Lock()
		running++
		peak = max(peak, running)
		mu.Unlock()
		<-release
		mu.Lock()
		running--
		mu.Unlock()
		c.Close()
	}
	l := listenReject(t, Options{Limit: 1, Overflow: Reject, Reject: slow, MaxRejecting: 2})
	dial(t, l)
	first, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	go func() {
		if c, err := l.Accept(); err == nil {
			c.Close()
		}
	}()
	clients := make([]net.Conn, 5)
	for i := range clients {
		clients[i] = dial(t, l)
	}
	deadline := time.Now().Add(5 * time.Second)
	for l.Rejected() < 5 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if n := l.Rejected(); n != 5 {
		t.Fatalf("Rejected = %d, want 5", n)
	}
	// Three of the five found no free place and were closed unanswered:
	// they read EOF while two rejections still hold theirs.
	closedNow := 0
	for _, c := range clients {
		c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
		var b [1]byte
		if _, err := c.Read(b[:]); err == io.EOF {
			closedNow++
		}
	}
	close(release)
	mu.Lock()
	defer mu.Unlock()
	if peak != 2 {
		t.Fatalf("peak concurrent rejections = %d, want 2", peak)
	}
	if closedNow != 3 {
		t.Fatalf("%d connections closed without an answer, want 3", closedNow)
	}
}

func TestOptionsValidation(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if _, err := NewListenerOptions(ln, Options{Limit: 1, Overflow: Reject}); err == nil {
		t.Fatal("Reject without a function was accepted")
	}
	if _, err := NewListenerOptions(ln, Options{MaxRejecting: -1}); err == nil {
		t.Fatal("negative MaxRejecting was accepted")
	}
	for _, s := range []string{"wait", "reject"} {
		o, err := ParseOverflow(s)
		if err != nil || o.String() != s {
			t.Fatalf("ParseOverflow(%q) = %v, %v", s, o, err)
		}
	}
	if _, err := ParseOverflow("drop"); err == nil {
		t.Fatal(`ParseOverflow("drop") was accepted`)
	}
}

func TestRejectUnlimitedNeverRejects(t *testing.T) {
	t.Parallel()
	l := listenReject(t, Options{Overflow: Reject, Reject: answerReject})
	for range 3 {
		dial(t, l)
		c, err := l.Accept()
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
	}
	if l.Rejected() != 0 || l.Active() != 3 {
		t.Fatalf("Rejected %d Active %d, want 0 and 3", l.Rejected(), l.Active())
	}
}
