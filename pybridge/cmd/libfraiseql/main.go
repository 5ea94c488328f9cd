// Command libfraiseql is fraiseql-http as a C shared library
// (go build -buildmode=c-shared), loaded by the Python package fraiseql_http
// through ctypes. The exports are thin: the logic lives in package bridge.
//
// Conventions of the C API: a handle is a positive int64; a returned char*
// is NULL on success or a JSON error {"stage","message"[,"stack"]} that the
// caller releases with fraiseql_free; every export turns a Go panic into
// such an error (stage "panic") and logs the stack, so a panic never takes
// the host process down. Nothing is ever written to stdout.
package main

/*
#include <stdlib.h>
*/
import "C"

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"time"
	"unsafe"

	"github.com/fraiseql/fraiseql-http/pybridge/bridge"
)

var handles bridge.Handles

// fallbackLog receives panics that happen where no server logger exists:
// stderr, never stdout.
var fallbackLog = slog.New(slog.NewJSONHandler(os.Stderr, nil))

func errString(err error) *C.char {
	if err == nil {
		return nil
	}
	be, ok := err.(*bridge.Error)
	if !ok {
		be = &bridge.Error{Stage: "error", Message: err.Error()}
	}
	b, _ := json.Marshal(be)
	return C.CString(string(b))
}

// recovered turns a panic into the export's error result. logger may be
// nil.
func recovered(r any, logger *slog.Logger) *C.char {
	stack := string(debug.Stack())
	if logger == nil {
		logger = fallbackLog
	}
	logger.Error("bridge: panic in a C API call", "panic", fmt.Sprint(r), "stack", stack)
	return errString(&bridge.Error{Stage: "panic", Message: fmt.Sprint(r), Stack: stack})
}

func lookup(h C.longlong) (*bridge.Server, error) {
	s, ok := handles.Get(int64(h))
	if !ok {
		return nil, &bridge.Error{Stage: "handle", Message: fmt.Sprintf("no server with handle %d (already closed?)", int64(h))}
	}
	return s, nil
}

//export fraiseql_start
func fraiseql_start(config *C.char, handle *C.longlong) (res *C.char) {
	defer func() {
		if r := recover(); r != nil {
			res = recovered(r, nil)
		}
	}()
	s, err := bridge.Start(context.Background(), []byte(C.GoString(config)))
	if err != nil {
		return errString(err)
	}
	*handle = C.longlong(handles.Add(s))
	return nil
}

//export fraiseql_wait
func fraiseql_wait(h C.longlong) (res *C.char) {
	defer func() {
		if r := recover(); r != nil {
			res = recovered(r, nil)
		}
	}()
	s, err := lookup(h)
	if err != nil {
		return errString(err)
	}
	if err := s.Wait(); err != nil {
		return errString(&bridge.Error{Stage: "serve", Message: err.Error()})
	}
	return nil
}

// fraiseql_shutdown drains for at most timeout_ms (negative: the
// configured shutdown timeout) and releases the handle.
//
//export fraiseql_shutdown
func fraiseql_shutdown(h C.longlong, timeoutMS C.longlong) (res *C.char) {
	var s *bridge.Server
	defer func() {
		if r := recover(); r != nil {
			var l *slog.Logger
			if s != nil {
				l = s.Logger()
			}
			res = recovered(r, l)
		}
	}()
	s, err := lookup(h)
	if err != nil {
		return errString(err)
	}
	d := time.Duration(timeoutMS) * time.Millisecond
	if timeoutMS < 0 {
		d = s.ShutdownTimeout()
	}
	err = s.Shutdown(d)
	handles.Forget(int64(h))
	if err != nil {
		return errString(&bridge.Error{Stage: "shutdown", Message: err.Error()})
	}
	return nil
}

// fraiseql_is_running returns 1 while serving, 0 when stopped, -1 for an
// unknown handle.
//
//export fraiseql_is_running
func fraiseql_is_running(h C.longlong) (res C.int) {
	defer func() {
		if r := recover(); r != nil {
			C.free(unsafe.Pointer(recovered(r, nil)))
			res = -1
		}
	}()
	s, err := lookup(h)
	if err != nil {
		return -1
	}
	if s.Running() {
		return 1
	}
	return 0
}

// fraiseql_active_connections returns the open client connections (HTTP and
// WebSocket), -1 for an unknown handle.
//
//export fraiseql_active_connections
func fraiseql_active_connections(h C.longlong) (res C.longlong) {
	defer func() {
		if r := recover(); r != nil {
			C.free(unsafe.Pointer(recovered(r, nil)))
			res = -1
		}
	}()
	s, err := lookup(h)
	if err != nil {
		return -1
	}
	return C.longlong(s.ActiveConnections())
}

// fraiseql_address writes the bound host:port to *out (free it with
// fraiseql_free).
//
//export fraiseql_address
func fraiseql_address(h C.longlong, out **C.char) (res *C.char) {
	defer func() {
		if r := recover(); r != nil {
			res = recovered(r, nil)
		}
	}()
	s, err := lookup(h)
	if err != nil {
		return errString(err)
	}
	*out = C.CString(s.Addr())
	return nil
}

// fraiseql_flags writes the JSON list of serve flag names to *out.
//
//export fraiseql_flags
func fraiseql_flags(out **C.char) (res *C.char) {
	defer func() {
		if r := recover(); r != nil {
			res = recovered(r, nil)
		}
	}()
	b, _ := json.Marshal(bridge.FlagNames())
	*out = C.CString(string(b))
	return nil
}

// fraiseql_panic_for_test panics on purpose, so that the Python tests can
// prove that a panic comes back as an error instead of killing the process.
//
//export fraiseql_panic_for_test
func fraiseql_panic_for_test() (res *C.char) {
	defer func() {
		if r := recover(); r != nil {
			res = recovered(r, nil)
		}
	}()
	panic("deliberate panic for the tests")
}

// fraiseql_panic_in_goroutine_for_test panics on purpose in a goroutine of
// its own, where no export can recover it: the Go runtime ends the process
// with the panic and the goroutine's stack on stderr, then abort() (SIGABRT:
// a c-shared library does not exit with the binary's status 2). The Python
// tests prove that such a panic is never silent.
//
//export fraiseql_panic_in_goroutine_for_test
func fraiseql_panic_in_goroutine_for_test() {
	go panic("deliberate panic in a goroutine for the tests")
}

//export fraiseql_free
func fraiseql_free(p *C.char) {
	C.free(unsafe.Pointer(p))
}

func main() {}
