package connlimit

import (
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
)

// Listener is a net.Listener that holds at most Limit accepted connections
// open at once and counts them. It is safe for concurrent use.
type Listener struct {
	net.Listener

	// slots has one buffered element per open connection; nil when
	// unlimited. Sending acquires a slot, receiving frees one.
	slots  chan struct{}
	closed chan struct{}
	once   sync.Once

	overflow Overflow
	reject   func(net.Conn)
	// rejecting has one element per Reject call in progress.
	rejecting chan struct{}

	active   atomic.Int64
	total    atomic.Uint64
	rejected atomic.Uint64
}

// Overflow is what a Listener does with a connection that arrives while
// the limit is reached.
type Overflow int

const (
	// Wait leaves the connection in the kernel's listen backlog until a
	// slot frees up (Accept blocks). Clients wait silently: during a flood
	// a request may be answered tens of seconds later, or time out.
	Wait Overflow = iota
	// Reject accepts the connection at once and hands it to
	// Options.Reject, which answers it (an HTTP 503 with Retry-After, a
	// WebSocket close 1013) and closes it, so a load balancer can retry
	// elsewhere. Rejected connections are not counted by Active.
	Reject
)

// String returns "wait" or "reject".
func (o Overflow) String() string {
	if o == Reject {
		return "reject"
	}
	return "wait"
}

// ParseOverflow reads "wait" or "reject".
func ParseOverflow(s string) (Overflow, error) {
	switch s {
	case "wait":
		return Wait, nil
	case "reject":
		return Reject, nil
	}
	return Wait, fmt.Errorf("connlimit: overflow must be wait or reject, not %q", s)
}

// DefaultMaxRejecting bounds the Reject calls in progress when
// Options.MaxRejecting is 0.
const DefaultMaxRejecting = 64

// Options configure NewListenerOptions.
type Options struct {
	// Limit is the most accepted connections open at once; <= 0 means no
	// limit (connections are still counted).
	Limit int
	// Overflow chooses between waiting (the default) and rejecting when
	// Limit is reached.
	Overflow Overflow
	// Reject answers and closes a connection over the limit; required with
	// Overflow Reject. It runs on its own goroutine, must bound its own
	// reads and writes with deadlines, and must close the connection.
	Reject func(net.Conn)
	// MaxRejecting bounds the Reject calls running at once (default
	// DefaultMaxRejecting); a connection over the limit that finds no free
	// place is closed without an answer, so a flood cannot turn rejection
	// into unbounded goroutines.
	MaxRejecting int
}

// NewListener wraps ln. limit <= 0 means no limit (connections are still
// counted). Connections over the limit wait in the backlog (Wait).
func NewListener(ln net.Listener, limit int) *Listener {
	l, _ := NewListenerOptions(ln, Options{Limit: limit})
	return l
}

// NewListenerOptions wraps ln with the given options. It fails when
// Overflow is Reject without a Reject function, or MaxRejecting is
// negative.
func NewListenerOptions(ln net.Listener, o Options) (*Listener, error) {
	if o.Overflow == Reject && o.Reject == nil {
		return nil, errors.New("connlimit: overflow reject needs a Reject function")
	}
	if o.MaxRejecting < 0 {
		return nil, fmt.Errorf("connlimit: MaxRejecting must not be negative, got %d", o.MaxRejecting)
	}
	l := &Listener{Listener: ln, closed: make(chan struct{}), overflow: o.Overflow, reject: o.Reject}
	if o.Limit > 0 {
		l.slots = make(chan struct{}, o.Limit)
	}
	if o.Overflow == Reject {
		n := o.MaxRejecting
		if n == 0 {
			n = DefaultMaxRejecting
		}
		l.rejecting = make(chan struct{}, n)
	}
	return l, nil
}

// Accept returns the next connection that fits under the limit. With Wait
// it first waits for a free slot; with Reject it accepts every connection
// and passes those over the limit to the Reject function. It returns
// net.ErrClosed once Close has been called, even while waiting for a slot.
func (l *Listener) Accept() (net.Conn, error) {
	if l.slots != nil && l.overflow == Reject {
		return l.acceptOrReject()
	}
	if l.slots != nil {
		select {
		case l.slots <- struct{}{}:
		case <-l.closed:
			return nil, net.ErrClosed
		}
	}
	c, err := l.Listener.Accept()
	if err != nil {
		l.release()
		return nil, err
	}
	return l.admit(c), nil
}

func (l *Listener) acceptOrReject() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		select {
		case l.slots <- struct{}{}:
			return l.admit(c), nil
		default:
		}
		l.rejected.Add(1)
		select {
		case l.rejecting <- struct{}{}:
			go func() {
				defer func() { <-l.rejecting }()
				l.reject(c)
			}()
		default:
			c.Close()
		}
	}
}

func (l *Listener) admit(c net.Conn) net.Conn {
	l.active.Add(1)
	l.total.Add(1)
	return &conn{Conn: c, l: l}
}

// Close closes the underlying listener and wakes an Accept blocked on the
// limit. Connections already accepted stay open. It is idempotent.
func (l *Listener) Close() error {
	err := net.ErrClosed
	l.once.Do(func() {
		close(l.closed)
		err = l.Listener.Close()
	})
	return err
}

// Active is the number of accepted connections not yet closed.
func (l *Listener) Active() int64 { return l.active.Load() }

// Total is the number of connections accepted under the limit since the
// listener was made.
func (l *Listener) Total() uint64 { return l.total.Load() }

// Rejected is the number of connections turned away over the limit
// (Overflow Reject) since the listener was made.
func (l *Listener) Rejected() uint64 { return l.rejected.Load() }

func (l *Listener) release() {
	if l.slots != nil {
		<-l.slots
	}
}

// conn frees its listener slot exactly once, on the first Close.
type conn struct {
	net.Conn
	l    *Listener
	once sync.Once
}

func (c *conn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() {
		c.l.active.Add(-1)
		c.l.release()
	})
	return err
}

// Unwrap returns the underlying connection (for TCP options such as
// keep-alive or SetLinger).
func (c *conn) Unwrap() net.Conn { return c.Conn }
