"""Loading the Go library (libfraiseql) with ctypes, and the C API's calls.

The library is loaded lazily, on the first call that needs it, so a process
that imports fraiseql_http and forks (a pre-fork server) loads it fresh in
each child. A child forked after the library was loaded must not call into
it: the Go runtime's threads did not survive the fork and the call would
hang. Every call checks the process id recorded at load and raises
ForkedProcessError instead.
"""

from __future__ import annotations

import ctypes
import json
import os
import sys
import threading
from pathlib import Path

from .errors import ConfigError, ForkedProcessError, FraiseQLHTTPError, GoPanicError, StartupError

_lock = threading.Lock()
_lib: ctypes.CDLL | None = None
_load_pid: int | None = None

# Stages of start that the operator must fix: httpcore's StartupError stages
# plus the bridge's own.
_CONFIG_STAGES = {"options", "config"}
_STARTUP_STAGES = {"schema", "database", "engine", "auth", "apq", "listen", "open"}


def library_path() -> Path:
    """Where the library is: FRAISEQL_HTTP_LIBRARY, or next to this file."""
    override = os.environ.get("FRAISEQL_HTTP_LIBRARY")
    if override:
        return Path(override)
    name = "libfraiseql.dylib" if sys.platform == "darwin" else "libfraiseql.so"
    return Path(__file__).resolve().parent / name


def _declare(lib: ctypes.CDLL) -> None:
    ll, p = ctypes.c_longlong, ctypes.c_void_p
    lib.fraiseql_start.argtypes = [ctypes.c_char_p, ctypes.POINTER(ll)]
    lib.fraiseql_start.restype = p
    lib.fraiseql_wait.argtypes = [ll]
    lib.fraiseql_wait.restype = p
    lib.fraiseql_shutdown.argtypes = [ll, ll]
    lib.fraiseql_shutdown.restype = p
    lib.fraiseql_is_running.argtypes = [ll]
    lib.fraiseql_is_running.restype = ctypes.c_int
    lib.fraiseql_active_connections.argtypes = [ll]
    lib.fraiseql_active_connections.restype = ll
    lib.fraiseql_address.argtypes = [ll, ctypes.POINTER(p)]
    lib.fraiseql_address.restype = p
    lib.fraiseql_flags.argtypes = [ctypes.POINTER(p)]
    lib.fraiseql_flags.restype = p
    lib.fraiseql_panic_for_test.argtypes = []
    lib.fraiseql_panic_for_test.restype = p
    lib.fraiseql_panic_in_goroutine_for_test.argtypes = []
    lib.fraiseql_panic_in_goroutine_for_test.restype = None
    lib.fraiseql_free.argtypes = [p]
    lib.fraiseql_free.restype = None


def load() -> ctypes.CDLL:
    """The loaded library; loads it on first use in this process."""
    global _lib, _load_pid
    lib, pid = _lib, _load_pid
    if lib is not None:
        if pid != os.getpid():
            raise ForkedProcessError(
                f"fraiseql_http: the Go library was loaded in process {pid} and this process "
                f"({os.getpid()}) is a fork of it: a forked child cannot call into the Go runtime "
                "(it would hang). Start servers in the child without loading the library in the "
                "parent first, or use multiprocessing's 'spawn' or 'forkserver' start method."
            )
        return lib
    with _lock:
        if _lib is None:
            path = library_path()
            if not path.exists():
                raise FraiseQLHTTPError(
                    f"fraiseql_http: {path} not found: build it with `make pybridge` "
                    "(or set FRAISEQL_HTTP_LIBRARY to its path)", stage="load")
            # CDLL (not PyDLL): every call releases the GIL, so Go's
            # threads never wait for Python.
            lib = ctypes.CDLL(str(path))
            _declare(lib)
            _lib, _load_pid = lib, os.getpid()
    return _lib


def is_loaded_here() -> bool:
    """True when this very process loaded the library (not a forked child)."""
    return _lib is not None and _load_pid == os.getpid()


def _take(lib: ctypes.CDLL, ptr: int | None) -> str | None:
    if not ptr:
        return None
    try:
        return ctypes.string_at(ptr).decode("utf-8", "replace")
    finally:
        lib.fraiseql_free(ptr)


def _raise(text: str) -> None:
    try:
        err = json.loads(text)
        stage, message, stack = err.get("stage", "error"), err.get("message", text), err.get("stack")
    except ValueError:
        stage, message, stack = "error", text, None
    if stage == "panic":
        raise GoPanicError(f"fraiseql-http: Go panic: {message}", stage=stage, go_message=message, stack=stack)
    if stage in _CONFIG_STAGES:
        # Each line of Go's message names a setting in its own words; put
        # the HttpConfig field in front so the error names what to change.
        from .config import field_of_go_error
        lines, fields = [], []
        for line in message.splitlines() or [message]:
            name = field_of_go_error(line)
            if name:
                fields.append(name)
                line = f"HttpConfig.{name}: {line}"
            lines.append(line)
        err = ConfigError("fraiseql-http: invalid configuration: " + "\n".join(lines), stage=stage,
                          go_message=message)
        err.fields = fields
        raise err
    if stage in _STARTUP_STAGES:
        raise StartupError(f"fraiseql-http: cannot start: {message}", stage=stage, go_message=message)
    raise FraiseQLHTTPError(f"fraiseql-http: {message}", stage=stage, go_message=message)


def _check(lib: ctypes.CDLL, ptr: int | None) -> None:
    text = _take(lib, ptr)
    if text is not None:
        _raise(text)


def start(options: dict) -> int:
    lib = load()
    handle = ctypes.c_longlong(0)
    _check(lib, lib.fraiseql_start(json.dumps(options).encode(), ctypes.byref(handle)))
    return handle.value


def wait(handle: int) -> None:
    lib = load()
    _check(lib, lib.fraiseql_wait(handle))


def shutdown(handle: int, timeout_ms: int) -> None:
    lib = load()
    _check(lib, lib.fraiseql_shutdown(handle, timeout_ms))


def is_running(handle: int) -> bool:
    lib = load()
    return lib.fraiseql_is_running(handle) == 1


def active_connections(handle: int) -> int:
    lib = load()
    return lib.fraiseql_active_connections(handle)


def address(handle: int) -> str:
    lib = load()
    out = ctypes.c_void_p()
    _check(lib, lib.fraiseql_address(handle, ctypes.byref(out)))
    return _take(lib, out.value) or ""


def flag_names() -> list[str]:
    """The flags of `fraiseql-http serve`, as the loaded library knows them."""
    lib = load()
    out = ctypes.c_void_p()
    _check(lib, lib.fraiseql_flags(ctypes.byref(out)))
    return json.loads(_take(lib, out.value) or "[]")


def panic_for_test() -> None:
    """Make the library panic on purpose (tests prove it becomes GoPanicError)."""
    lib = load()
    _check(lib, lib.fraiseql_panic_for_test())


def panic_in_goroutine_for_test() -> None:
    """Make a goroutine of the library panic, beyond any recover: the Go
    runtime ends the process with the stack on stderr (tests prove it)."""
    lib = load()
    lib.fraiseql_panic_in_goroutine_for_test()
