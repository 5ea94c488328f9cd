//go:build linux

package subscriptions

import (
	"io"
	"net"
	"sync"
	"syscall"
	"time"
)

// poller lets idle sockets wait without a goroutine each. A socket with
// nothing to read is parked: its descriptor is registered, one-shot, with
// one epoll instance, and no goroutine runs for it. When the descriptor
// becomes readable (a message, a pong, the peer's FIN or an error) the
// loop hands the socket to a short-lived goroutine (conn.readReady) that
// reads without blocking until the socket holds nothing more, handles what
// arrived, and parks it again. An idle socket then costs its heap state and
// a kernel epoll entry, not a goroutine stack (8 KB and more each, see
// docs/performance.md).
//
// It owns the epoll descriptor, a wake pipe and the table from an event's
// token to its socket; a socket owns its own registration (conn.rmu says
// whether it is parked, read or ending; it is always removed from epoll
// before its descriptor is closed, so a reused descriptor number never
// meets a stale registration). The loop runs only while a socket is
// registered: when the last one leaves, it closes the descriptors and
// exits, and the next registration starts a new one (so tests see no
// goroutine left behind).
//
// This is the Linux path; Config.GoroutinePerSocket and other systems use
// a reader goroutine per socket (poller_other.go).
type poller struct {
	mu    sync.Mutex
	epfd  int    // -1 while no loop runs
	wakeW int    // write end of the wake pipe
	next  uint64 // the last token given out
	conns map[uint64]*conn
}

var processPoller = &poller{epfd: -1, conns: make(map[uint64]*conn)}

// sharedPoller is the process's poller: one epoll instance serves every
// Handler.
func sharedPoller() *poller { return processPoller }

// parkEvents: readable, the peer's FIN, and one event per arming (the
// socket is re-armed after it was read). EPOLLERR and EPOLLHUP are always
// reported.
const parkEvents = syscall.EPOLLIN | syscall.EPOLLRDHUP | syscall.EPOLLONESHOT

// wakeToken marks the wake pipe's events; sockets get tokens from 1.
const wakeToken = 0

func setToken(ev *syscall.EpollEvent, token uint64) {
	ev.Fd, ev.Pad = int32(uint32(token)), int32(uint32(token>>32))
}

func tokenOf(ev *syscall.EpollEvent) uint64 {
	return uint64(uint32(ev.Fd)) | uint64(uint32(ev.Pad))<<32
}

// watch registers c's descriptor, armed; the caller holds c.rmu.
func (p *poller) watch(c *conn) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.epfd < 0 {
		if err := p.startLocked(); err != nil {
			return err
		}
	}
	p.next++
	c.token = p.next
	ev := syscall.EpollEvent{Events: parkEvents}
	setToken(&ev, c.token)
	if err := syscall.EpollCtl(p.epfd, syscall.EPOLL_CTL_ADD, c.fd, &ev); err != nil {
		p.wakeIfEmptyLocked()
		return err
	}
	p.conns[c.token] = c
	return nil
}

// rearm parks c again after a read; the caller holds c.rmu.
func (p *poller) rearm(c *conn) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	ev := syscall.EpollEvent{Events: parkEvents}
	setToken(&ev, c.token)
	return syscall.EpollCtl(p.epfd, syscall.EPOLL_CTL_MOD, c.fd, &ev)
}

// forget removes c before its descriptor is closed; the caller holds c.rmu.
func (p *poller) forget(c *conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.conns, c.token)
	_ = syscall.EpollCtl(p.epfd, syscall.EPOLL_CTL_DEL, c.fd, nil)
	p.wakeIfEmptyLocked()
}

// wakeIfEmptyLocked tells the loop to stop when nothing is registered.
func (p *poller) wakeIfEmptyLocked() {
	if len(p.conns) == 0 && p.epfd >= 0 {
		_, _ = syscall.Write(p.wakeW, []byte{0})
	}
}

func (p *poller) startLocked() error {
	epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return err
	}
	var wake [2]int
	if err := syscall.Pipe2(wake[:], syscall.O_NONBLOCK|syscall.O_CLOEXEC); err != nil {
		syscall.Close(epfd)
		return err
	}
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN}
	setToken(&ev, wakeToken)
	if err := syscall.EpollCtl(epfd, syscall.EPOLL_CTL_ADD, wake[0], &ev); err != nil {
		syscall.Close(epfd)
		syscall.Close(wake[0])
		syscall.Close(wake[1])
		return err
	}
	p.epfd, p.wakeW = epfd, wake[1]
	go p.loop(epfd, wake[0])
	return nil
}

// loop waits for readable sockets and hands each to a goroutine of its
// own; it exits once no socket is registered.
func (p *poller) loop(epfd, wakeR int) {
	events := make([]syscall.EpollEvent, 128)
	var drain [64]byte
	for {
		n, err := syscall.EpollWait(epfd, events, -1)
		if err != nil {
			if err != syscall.EINTR {
				// Not seen in practice (EBADF, EFAULT, EINVAL would be
				// bugs here): do not spin.
				time.Sleep(10 * time.Millisecond)
			}
			continue
		}
		for i := range n {
			token := tokenOf(&events[i])
			if token == wakeToken {
				for {
					if k, _ := syscall.Read(wakeR, drain[:]); k <= 0 {
						break
					}
				}
				p.mu.Lock()
				if len(p.conns) == 0 {
					p.epfd = -1
					syscall.Close(epfd)
					syscall.Close(wakeR)
					syscall.Close(p.wakeW)
					p.mu.Unlock()
					return
				}
				p.mu.Unlock()
				continue
			}
			p.mu.Lock()
			c := p.conns[token]
			p.mu.Unlock()
			if c != nil {
				c.ready()
			}
		}
	}
}

// pollable finds the descriptor under nc, looking through wrappers that
// say what they wrap (connlimit's counting net.Conn has Unwrap). A
// connection whose bytes are not the socket's (TLS) is not pollable: its
// socket is read by a goroutine of its own.
func pollable(nc net.Conn) (syscall.RawConn, int, bool) {
	for range 8 {
		if sc, ok := nc.(syscall.Conn); ok {
			raw, err := sc.SyscallConn()
			if err != nil {
				return nil, 0, false
			}
			fd := -1
			if err := raw.Control(func(f uintptr) { fd = int(f) }); err != nil || fd < 0 {
				return nil, 0, false
			}
			return raw, fd, true
		}
		u, ok := nc.(interface{ Unwrap() net.Conn })
		if !ok {
			return nil, 0, false
		}
		nc = u.Unwrap()
	}
	return nil, 0, false
}

// readNow reads what the socket holds without waiting: errWouldBlock when
// it holds nothing, io.EOF when the peer closed.
func (c *conn) readNow(buf []byte) (int, error) {
	var n int
	var err error
	rerr := c.raw.Read(func(fd uintptr) bool {
		for {
			n, err = syscall.Read(int(fd), buf)
			if err != syscall.EINTR {
				return true // never wait in the runtime's poller
			}
		}
	})
	switch {
	case rerr != nil:
		return 0, rerr // closed
	case err == syscall.EAGAIN:
		return 0, errWouldBlock
	case err != nil:
		return 0, err
	case n == 0:
		return 0, io.EOF
	}
	return n, nil
}
