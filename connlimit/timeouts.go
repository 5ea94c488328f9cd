package connlimit

import (
	"net"
	"time"
)

// Timeouts are the read deadlines of the three phases of a persistent
// HTTP/1.x connection. A zero duration means no deadline for that phase.
//
// A server calls Idle before waiting for the first byte of a request, Header
// once that byte has arrived, and Body once the header block is read. Each
// call replaces the previous deadline, so a slow client is bounded per phase
// (a slowloris that trickles header bytes hits Header; a silent keep-alive
// connection hits Idle).
type Timeouts struct {
	Idle   time.Duration
	Header time.Duration
	Body   time.Duration
}

// AwaitRequest sets the deadline for the gap before a request starts.
func (t Timeouts) AwaitRequest(c net.Conn) error { return setReadDeadline(c, t.Idle) }

// ReadHeader sets the deadline for reading the request line and headers.
func (t Timeouts) ReadHeader(c net.Conn) error { return setReadDeadline(c, t.Header) }

// ReadBody sets the deadline for reading the request body.
func (t Timeouts) ReadBody(c net.Conn) error { return setReadDeadline(c, t.Body) }

// Clear removes any read deadline (for a hijacked connection, whose new
// owner manages its own).
func Clear(c net.Conn) error { return c.SetReadDeadline(time.Time{}) }

func setReadDeadline(c net.Conn, d time.Duration) error {
	if d <= 0 {
		return c.SetReadDeadline(time.Time{})
	}
	return c.SetReadDeadline(time.Now().Add(d))
}
