package compat

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"time"
)

// DefaultExchangeTimeout bounds one exchange (connect, write, read) when the
// context has no earlier deadline.
const DefaultExchangeTimeout = 30 * time.Second

// maxResponseBytes caps what is read from a server, so a server that streams
// forever cannot exhaust memory.
const maxResponseBytes = 64 << 20

// Exchange sends request exactly as given over a fresh TCP connection to addr
// ("host:port"), in a single write, and reads the response the way the
// goldens were recorded: the header block, then content-length body bytes (none
// for HEAD requests and for statuses that carry no body), then it closes the
// connection. Nothing in the request is rewritten: the Host header keeps what
// was recorded.
//
// On error the bytes received so far are returned with it, so a caller can
// still show what arrived.
func Exchange(ctx context.Context, addr string, request []byte) ([]byte, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultExchangeTimeout)
		defer cancel()
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("connect %s: %w", addr, err)
	}
	defer conn.Close()
	deadline, _ := ctx.Deadline()
	if err := conn.SetDeadline(deadline); err != nil {
		return nil, fmt.Errorf("set deadline: %w", err)
	}
	// Cancellation (not only the deadline) must unblock the read.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if _, err := conn.Write(request); err != nil {
		return nil, fmt.Errorf("write request: %w", err)
	}
	req := ParseMessage(request)
	return ReadResponse(conn, req.Method() == "HEAD")
}

// ErrExtraBytes reports bytes received beyond the announced response: a
// content-length that is too small, or a body after a HEAD response. It comes
// with the response as framed by its headers.
var ErrExtraBytes = errors.New("bytes received beyond the end of the response")

// ReadResponse reads one HTTP response from r as the recorder did. head says
// the request was HEAD (headers only). Without a content-length the body runs
// until the server closes the connection. Bytes that already arrived past the
// end of the framed response are reported with ErrExtraBytes, since they mean
// the server's content-length disagrees with what it sent.
func ReadResponse(r io.Reader, head bool) ([]byte, error) {
	buf := make([]byte, 0, 4096)
	chunk := make([]byte, 32<<10)
	read := func() error {
		if len(buf) >= maxResponseBytes {
			return fmt.Errorf("response larger than %d bytes", maxResponseBytes)
		}
		n, err := r.Read(chunk)
		buf = append(buf, chunk[:n]...)
		if n > 0 && err == io.EOF {
			return nil // deliver the data; the next read sees EOF again
		}
		return err
	}
	hl := -1
	for hl < 0 {
		if err := read(); err != nil {
			if errors.Is(err, io.EOF) {
				return buf, fmt.Errorf("connection closed after %d bytes, before the end of the header block", len(buf))
			}
			return buf, fmt.Errorf("reading headers after %d bytes: %w", len(buf), err)
		}
		hl = HeaderBlockLen(buf)
	}
	m := ParseMessage(buf[:hl])
	want := -1 // -1: until the connection closes
	switch code := m.StatusCode(); {
	case head, code >= 100 && code < 200, code == 204, code == 304:
		want = hl
	case m.ContentLength() >= 0:
		want = hl + int(m.ContentLength())
	default:
		if _, has := m.Header("content-length"); has {
			return buf, fmt.Errorf("unparseable content-length header")
		}
	}
	for want < 0 || len(buf) < want {
		if err := read(); err != nil {
			if errors.Is(err, io.EOF) {
				if want < 0 {
					return buf, nil
				}
				return buf, fmt.Errorf("connection closed after %d of %d body bytes", len(buf)-hl, want-hl)
			}
			if want < 0 {
				return buf, fmt.Errorf("no content-length and the connection stayed open: %w", err)
			}
			return buf, fmt.Errorf("reading body (%d of %d bytes): %w", len(buf)-hl, want-hl, err)
		}
	}
	if len(buf) > want {
		return buf[:want], fmt.Errorf("%w: %d (starting %q)", ErrExtraBytes, len(buf)-want, clip(buf[want:], 40))
	}
	return buf, nil
}

func clip(b []byte, n int) []byte {
	if len(b) > n {
		return append(bytes.Clone(b[:n]), "..."...)
	}
	return b
}
