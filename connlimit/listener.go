package connlimit

import (
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

	active atomic.Int64
	total  atomic.Uint64
}

// NewListener wraps ln. limit <= 0 means no limit (connections are still
// counted).
func NewListener(ln net.Listener, limit int) *Listener {
	l := &Listener{Listener: ln, closed: make(chan struct{})}
	if limit > 0 {
		l.slots = make(chan struct{}, limit)
	}
	return l
}

// Accept waits for a free slot, then for the next connection. It returns
// net.ErrClosed once Close has been called, even while waiting for a slot.
func (l *Listener) Accept() (net.Conn, error) {
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
	l.active.Add(1)
	l.total.Add(1)
	return &conn{Conn: c, l: l}, nil
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

// Total is the number of connections accepted since the listener was made.
func (l *Listener) Total() uint64 { return l.total.Load() }

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
