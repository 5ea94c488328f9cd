package bridge

import (
	"sync"
	"sync/atomic"
)

// Handles maps the integers Python holds to servers. Handles are never
// reused, so a stale handle can only miss, never reach another server.
type Handles struct {
	next    atomic.Int64
	servers sync.Map // int64 → *Server
}

// Add registers s and returns its handle (never 0).
func (h *Handles) Add(s *Server) int64 {
	id := h.next.Add(1)
	h.servers.Store(id, s)
	return id
}

// Get finds a server by handle.
func (h *Handles) Get(id int64) (*Server, bool) {
	v, ok := h.servers.Load(id)
	if !ok {
		return nil, false
	}
	return v.(*Server), true
}

// Forget drops a handle; the server must be stopped already.
func (h *Handles) Forget(id int64) { h.servers.Delete(id) }
