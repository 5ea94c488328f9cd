//go:build !linux

package subscriptions

import (
	"errors"
	"net"
	"syscall"
)

// poller is Linux-only (poller_linux.go). Elsewhere every socket is read
// by a goroutine of its own, as with Config.GoroutinePerSocket.
type poller struct{}

func sharedPoller() *poller { return nil }

var errNoPoller = errors.New("subscriptions: no idle poller on this system")

func (p *poller) watch(c *conn) error { return errNoPoller }
func (p *poller) rearm(c *conn) error { return errNoPoller }
func (p *poller) forget(c *conn)      {}

func pollable(nc net.Conn) (syscall.RawConn, int, bool) { return nil, 0, false }

func (c *conn) readNow(buf []byte) (int, error) { return 0, errNoPoller }
