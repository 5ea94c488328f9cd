package subscriptions

import (
	"errors"
	"time"

	"github.com/gorilla/websocket"
)

// This file is a socket's read side: who reads its bytes, and what each
// frame does. Two ways, one parser (frames.go):
//
//   - parked (Linux, the default): the socket waits in the idle poller
//     (poller_linux.go) with no goroutine; when it becomes readable a
//     goroutine reads what it holds without waiting, handles it, and parks
//     it again. A frame cut in two by the network waits in the frame
//     reader's partial buffer, not in a goroutine.
//   - a reader goroutine per socket, blocking in Read: other systems, TLS
//     connections, and Config.GoroutinePerSocket.
//
// Either way the socket ends with conn.end, run exactly once by whoever
// owns its reads when they stop (or by cut when it finds it parked).

// readState says who owns the reads of a socket; guarded by conn.rmu.
type readState uint8

const (
	readActive readState = iota // a goroutine reads (always, without the poller)
	readParked                  // armed in the poller; no goroutine
	readDone                    // ending: end runs or has run
)

var errWouldBlock = errors.New("subscriptions: nothing to read")

// startReading serves the socket's frames until it ends, then runs end. It
// returns at once.
func (c *conn) startReading() {
	c.lastRead.Store(time.Now().UnixNano())
	if p := c.h.poller; p != nil {
		if raw, fd, ok := pollable(c.nc); ok {
			c.rmu.Lock()
			if !c.cutting {
				c.raw, c.fd = raw, fd
				c.rstate = readParked
				if err := p.watch(c); err == nil {
					c.polled = true
					c.rmu.Unlock()
					return
				}
				c.raw, c.rstate = nil, readActive
			}
			c.rmu.Unlock()
		}
	}
	go func() {
		c.readBlocking()
		c.end()
	}()
}

// readBlocking is the goroutine-per-socket reader.
func (c *conn) readBlocking() {
	buf := make([]byte, c.h.cfg.ReadBufferSize)
	for {
		n, err := c.nc.Read(buf)
		if n > 0 && !c.consume(buf[:n]) {
			return
		}
		if err != nil {
			return
		}
	}
}

// stopReading ends the reads of a peer that went silent (2×KeepAlive) or
// never answered a close frame (closeGrace), as a read deadline would:
// end still writes what is queued and the close frame (each write within
// WriteTimeout) before it closes the socket.
func (c *conn) stopReading() {
	c.rmu.Lock()
	c.stopped = true
	if c.rstate == readParked {
		c.rstate = readDone
		if c.polled {
			c.polled = false
			c.h.poller.forget(c)
		}
		c.rmu.Unlock()
		go c.end()
		return
	}
	reader := c.rstate == readActive && !c.polled
	c.rmu.Unlock()
	if reader { // a goroutine blocked in Read: wake it
		_ = c.nc.SetReadDeadline(time.Now())
	}
	// A poller goroutine reading now sees stopped before it parks again.
}

// ready is the poller's call for a parked socket that became readable.
func (c *conn) ready() {
	c.rmu.Lock()
	if c.rstate != readParked {
		c.rmu.Unlock()
		return
	}
	c.rstate = readActive
	c.rmu.Unlock()
	go c.readReady()
}

// readReady reads and handles everything the socket holds, then parks it
// again, or ends it.
func (c *conn) readReady() {
	bp := c.h.readBuffers.Get().(*[]byte)
	done := c.readAvailable(*bp)
	c.h.readBuffers.Put(bp)
	c.rmu.Lock()
	if !done && !c.cutting && !c.stopped {
		c.rstate = readParked
		if c.h.poller.rearm(c) == nil {
			c.rmu.Unlock()
			return
		}
	}
	c.rstate = readDone
	if c.polled {
		c.polled = false
		c.h.poller.forget(c)
	}
	c.rmu.Unlock()
	c.end()
}

// readAvailable handles what the socket holds without waiting; done when
// the socket is ending (closed, peer's close frame, a violation).
func (c *conn) readAvailable(buf []byte) (done bool) {
	for {
		n, err := c.readNow(buf)
		if n > 0 && !c.consume(buf[:n]) {
			return true
		}
		if err == errWouldBlock {
			return false
		}
		if err != nil {
			return true
		}
	}
}

// consume handles bytes that arrived; false when the socket is ending.
func (c *conn) consume(p []byte) bool {
	c.lastRead.Store(time.Now().UnixNano())
	ok, violation := c.frames.feed(p, c.onFrame)
	if violation != nil {
		c.closeWith(violation.code, violation.text, nil)
		return false
	}
	return ok
}

// onFrame handles one message or control frame; false ends the socket.
func (c *conn) onFrame(op byte, payload []byte) bool {
	switch op {
	case opPing:
		_ = c.ws.WriteControl(websocket.PongMessage, payload, time.Now().Add(c.h.cfg.WriteTimeout))
		return true
	case opPong:
		return true // consume has noted that the peer is alive
	case opClose:
		code, violation := parseClose(payload)
		if violation != nil {
			c.closeWith(violation.code, violation.text, nil)
			return false
		}
		// Answer with the peer's code unless this side closed first.
		c.closeSentOnce.Do(func() {
			_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, ""),
				time.Now().Add(c.h.cfg.WriteTimeout))
		})
		return false
	}
	if c.isClosing() {
		return true // drain until the peer's close frame or closeGrace
	}
	kind := websocket.TextMessage
	if op == opBinary {
		kind = websocket.BinaryMessage
	}
	if c.legacy {
		c.handleLegacy(kind, payload)
	} else {
		c.handleTransport(kind, payload)
	}
	return true
}
