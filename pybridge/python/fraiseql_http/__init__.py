"""fraiseql_http: FraiseQL's native Go HTTP server, started from Python.

    from fraiseql_http import create_http_app, HttpConfig
    server = create_http_app("app.graphql", HttpConfig(port=8000, database_url="postgres:///app"))
    server.serve_forever()          # or: await server.start() ... await server.shutdown()

The server is Go (loaded from libfraiseql.so with ctypes); Python only starts
and stops it. Standard library only.
"""

from __future__ import annotations

import os
from typing import Any, Callable

from .config import HttpConfig, RustHttpConfig
from .errors import ConfigError, ForkedProcessError, FraiseQLHTTPError, GoPanicError, StartupError
from .server import HttpServer, RustHttpServer, create_http_app, create_rust_http_app

__version__ = "0.1.0"

__all__ = [
    "HttpConfig", "HttpServer", "create_http_app", "select_server",
    "RustHttpConfig", "RustHttpServer", "create_rust_http_app",
    "FraiseQLHTTPError", "StartupError", "ConfigError", "GoPanicError", "ForkedProcessError",
]

SERVER_ENV = "FRAISEQL_HTTP_SERVER"
_GO_NAMES = {"go", "rust", "axum"}


def select_server(fastapi: Callable[[], Any], go: Callable[[], Any], *, default: str = "go") -> Any:
    """The rollback switch: call and return ``fastapi()`` or ``go()`` as
    FRAISEQL_HTTP_SERVER says (``fastapi`` or ``go``; the Phase 16 plan's
    ``rust`` and ``axum`` mean ``go``). Unset or empty means ``default``.
    Any other value is a ValueError naming the variable, so a typo never
    silently picks a server."""
    raw = os.environ.get(SERVER_ENV, "").strip().lower() or default.lower()
    if raw in _GO_NAMES:
        return go()
    if raw == "fastapi":
        return fastapi()
    raise ValueError(f"{SERVER_ENV}={raw!r}: expected fastapi or go (rust and axum are accepted as go)")
