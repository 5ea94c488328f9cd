"""HttpServer: a fraiseql-http server running inside this Python process.

Python starts and stops it; the requests are served by Go's threads, which
never take the GIL.
"""

from __future__ import annotations

import asyncio
import atexit
import dataclasses
import os
import signal
import tempfile
import threading
import weakref
from typing import Any, Optional

from . import _native
from ._logpipe import LogPipe, logger
from .config import HttpConfig
from .errors import FraiseQLHTTPError

# Running servers, held strongly: a server whose last reference the program
# dropped keeps serving in Go and must still be stopped at exit.
_live: "set[HttpServer]" = set()
_live_lock = threading.Lock()


class HttpServer:
    """One server. ``HttpServer(schema, config, auth_provider, db_pool)`` takes
    the same arguments as :func:`create_http_app`, which builds it."""

    def __init__(self, schema: Any = None, config: Optional[HttpConfig] = None,
                 auth_provider: Any = None, db_pool: Any = None) -> None:
        self.config, tempfiles = _resolve(schema, config, auth_provider, db_pool)
        # Declaration text was written to a file for the Go loader; it lives
        # as long as this object (a restart reads it again), then goes.
        weakref.finalize(self, _remove_files, tempfiles)
        self._handle = 0
        self._address: Optional[tuple[str, int]] = None
        self._lock = threading.Lock()
        self._logpipe: Optional[LogPipe] = None
        self._waiter: Optional[threading.Thread] = None
        self._stopped = threading.Event()
        self._serve_error: Optional[BaseException] = None

    # -- lifecycle --------------------------------------------------------

    def start_sync(self) -> None:
        """Open (declaration, database ping), bind and start serving; returns
        once the server accepts connections. Blocks the calling thread."""
        with self._lock:
            if self._handle:
                raise FraiseQLHTTPError(f"fraiseql-http: this server is already running on {self.url}",
                                        stage="start")
            options = self.config.to_options()
            pipe = None
            if self.config.log_fd is None:
                pipe = LogPipe()
                options["log_fd"] = pipe.write_fd
                options["log_format"] = "json"
            else:
                options["log_fd"] = self.config.log_fd
            try:
                handle = _native.start(options)
            finally:
                if pipe is not None:
                    pipe.close_write_end()  # Go holds its own duplicate
            host, _, port = _native.address(handle).rpartition(":")
            self._handle, self._address = handle, (host.strip("[]"), int(port))
            self._logpipe = pipe
            self._stopped.clear()
            self._serve_error = None
            self._waiter = threading.Thread(target=self._wait, args=(handle,),
                                            name="fraiseql_http-serve", daemon=True)
            self._waiter.start()
            with _live_lock:
                _live.add(self)

    def _wait(self, handle: int) -> None:
        try:
            _native.wait(handle)
        except FraiseQLHTTPError as e:
            # "handle": shut down before this thread reached Go; not a failure.
            if e.stage != "handle":
                self._serve_error = e
        except BaseException as e:  # reported by serve_forever
            self._serve_error = e
        finally:
            self._stopped.set()

    async def start(self) -> None:
        """Start serving (the plan's ``await server.start()``); the blocking
        part runs in the loop's default executor."""
        await asyncio.get_running_loop().run_in_executor(None, self.start_sync)

    def shutdown_sync(self, timeout: Optional[float] = None) -> None:
        """Stop accepting, drain in-flight requests for at most ``timeout``
        seconds (default: the configured shutdown timeout, 25 s), close the
        database pool. Idempotent; a server never started is a no-op."""
        with self._lock:
            handle = self._handle
            if not handle:
                return
            try:
                _native.shutdown(handle, -1 if timeout is None else int(timeout * 1000))
            finally:
                self._handle = 0
                with _live_lock:
                    _live.discard(self)
                self._stopped.wait(5)
                if self._logpipe is not None:
                    self._logpipe.join(5)
                    self._logpipe = None

    async def shutdown(self, timeout: Optional[float] = None) -> None:
        await asyncio.get_running_loop().run_in_executor(None, self.shutdown_sync, timeout)

    def serve_forever(self) -> None:
        """Start if needed and block until the server stops. In the main
        thread, SIGINT and SIGTERM shut it down gracefully (a second signal
        acts as it did before)."""
        if not self.is_running:
            self.start_sync()
        requested: list[int] = []
        previous: dict[int, Any] = {}
        if threading.current_thread() is threading.main_thread():
            def on_signal(signum: int, frame: Any) -> None:
                requested.append(signum)
                for sig, handler in previous.items():
                    signal.signal(sig, handler)
            for sig in (signal.SIGINT, signal.SIGTERM):
                previous[sig] = signal.signal(sig, on_signal)
        try:
            while not self._stopped.wait(0.2):
                if requested:
                    logger.info("fraiseql_http: signal %d received, shutting down", requested[0])
                    self.shutdown_sync()
                    break
        finally:
            for sig, handler in previous.items():
                if signal.getsignal(sig) is not handler:
                    signal.signal(sig, handler)
        if self._serve_error is not None:
            raise self._serve_error

    # -- state ------------------------------------------------------------

    @property
    def is_running(self) -> bool:
        handle = self._handle
        return bool(handle) and _native.is_running(handle)

    @property
    def active_connections(self) -> int:
        """Open client connections (HTTP and WebSocket); 0 when stopped."""
        handle = self._handle
        if not handle:
            return 0
        n = _native.active_connections(handle)
        return max(n, 0)  # -1: the handle was released by a concurrent shutdown

    @property
    def address(self) -> Optional[tuple[str, int]]:
        """The bound (host, port), with the chosen port when port=0; None
        before start."""
        return self._address if self._handle else None

    @property
    def url(self) -> Optional[str]:
        addr = self.address
        if addr is None:
            return None
        host = addr[0]
        if host in ("0.0.0.0", "::", ""):
            host = "127.0.0.1"
        elif ":" in host:
            host = f"[{host}]"
        scheme = "https" if self.config.tls_cert is not None else "http"
        return f"{scheme}://{host}:{addr[1]}"

    # -- context managers -------------------------------------------------

    def __enter__(self) -> "HttpServer":
        self.start_sync()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.shutdown_sync()

    async def __aenter__(self) -> "HttpServer":
        await self.start()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.shutdown()

    def __repr__(self) -> str:
        state = f"running on {self.url}" if self._handle else "stopped"
        return f"<HttpServer {state}>"



def _remove_files(paths: list[str]) -> None:
    for path in paths:
        try:
            os.unlink(path)
        except OSError:
            pass


def create_http_app(schema: Any, config: Optional[HttpConfig] = None, auth_provider: Any = None,
                    db_pool: Any = None) -> HttpServer:
    """Build (not start) a server for ``schema``.

    ``schema``: a declaration file path, declaration (SDL) text, or a
    graphql-core GraphQLSchema carrying FraiseQL's metadata in its
    extensions (see fraiseql_http.convert; fields nothing but a Python
    resolver can serve are refused by name).
    ``config``: an HttpConfig (defaults otherwise).
    ``auth_provider``: a dict of HttpConfig auth fields (``auth_jwt_secret``,
    ``auth_jwt_algorithm``...), or FraiseQL's Auth0 configuration (an object
    with ``domain`` and ``api_identifier``).
    ``db_pool``: a DSN string, or an object with a ``dsn``, ``conninfo`` or
    ``database_url`` attribute.
    """
    return HttpServer(schema, config, auth_provider, db_pool)


def _resolve(schema: Any, config: Optional[HttpConfig], auth_provider: Any,
             db_pool: Any) -> tuple[HttpConfig, list[str]]:
    cfg = dataclasses.replace(config) if config is not None else HttpConfig()
    tempfiles: list[str] = []
    if schema is not None:
        path, tmp = _schema_path(schema)
        if tmp:
            tempfiles.append(path)
        cfg.schema = path
    if db_pool is not None:
        cfg.database_url = _dsn(db_pool)
    if auth_provider is not None:
        for name, value in _auth_fields(auth_provider).items():
            setattr(cfg, name, value)
    cfg.validate()
    return cfg, tempfiles


def _schema_path(schema: Any) -> tuple[str, bool]:
    if isinstance(schema, os.PathLike):
        return os.fspath(schema), False
    if isinstance(schema, str):
        # SDL text has braces or several lines; a path has neither.
        if "{" in schema or "\n" in schema:
            fd, path = tempfile.mkstemp(prefix="fraiseql-declaration-", suffix=".graphql")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(schema)
            return path, True
        return schema, False
    if type(schema).__name__ == "GraphQLSchema":
        from .convert import to_declaration
        return _schema_path(to_declaration(schema))
    raise TypeError(f"create_http_app: schema must be a declaration path or SDL text, not {type(schema).__name__}")


def _dsn(db_pool: Any) -> str:
    if isinstance(db_pool, str):
        return db_pool
    for attr in ("dsn", "conninfo", "database_url"):
        value = getattr(db_pool, attr, None)
        if isinstance(value, str) and value:
            return value
    raise TypeError("create_http_app: db_pool must be a DSN string or have a dsn, conninfo or database_url attribute")


_AUTH_FIELDS = {f.name for f in dataclasses.fields(HttpConfig)
                if f.name.startswith(("auth_", "auth0_", "session_var", "dev_auth_"))}


def _auth_fields(provider: Any) -> dict[str, Any]:
    if isinstance(provider, dict):
        unknown = set(provider) - _AUTH_FIELDS
        if unknown:
            raise ValueError(f"auth_provider: unknown setting(s) {', '.join(sorted(unknown))}; "
                             f"use HttpConfig's auth fields ({', '.join(sorted(_AUTH_FIELDS))})")
        return dict(provider)
    domain = getattr(provider, "domain", None)
    identifier = getattr(provider, "api_identifier", None) or getattr(provider, "audience", None)
    if isinstance(domain, str) and isinstance(identifier, str):
        out: dict[str, Any] = {"auth0_domain": domain, "auth0_audience": identifier}
        algorithms = getattr(provider, "algorithms", None)
        if algorithms:
            out["auth_jwt_algorithm"] = list(algorithms)
        return out
    raise TypeError("auth_provider: pass a dict of HttpConfig auth fields or an Auth0 configuration "
                    "(an object with domain and api_identifier)")


@atexit.register
def _shutdown_all_at_exit() -> None:
    # Only the process that loaded the library may call it (a forked child
    # would hang); the interpreter then exits with the servers stopped.
    if not _native.is_loaded_here():
        return
    with _live_lock:
        servers = list(_live)
    for s in servers:
        try:
            s.shutdown_sync(timeout=min(5.0, _timeout(s)))
        except Exception as e:  # exiting anyway: report, do not raise
            logger.warning("fraiseql_http: shutdown at exit failed: %s", e)


def _timeout(s: HttpServer) -> float:
    t = s.config.shutdown_timeout
    return 25.0 if t is None else float(t)  # the server's --shutdown-timeout default


RustHttpServer = HttpServer
create_rust_http_app = create_http_app
