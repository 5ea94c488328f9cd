"""HttpConfig: the Phase 16 plan's settings plus every `fraiseql-http serve` flag.

Field names are the flag names in snake_case (``--database-url`` is
``database_url``). A field left at ``None`` takes the server's documented
default (docs/configuration.md). Durations are seconds (int or float); list
settings take a list of strings (or one comma-separated string).
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from typing import Any, Optional, Sequence, Union

_LIST = "list"
_DURATION = "duration"

# Settings of the Phase 16 plan that are not serve flags of the same name:
# the bridge maps them itself (docs/python.md says how).
_BRIDGE_ONLY = {"workers", "enable_compression", "enable_http2", "request_timeout_ms",
                "log_fd", "log_format", "log_level"}


def _flag(kind: str = "", default: Any = None) -> Any:
    return field(default=default, metadata={"kind": kind})


@dataclass
class HttpConfig:
    """Configuration of an in-process fraiseql-http server.

    The first seven fields and their defaults are the Phase 16 plan's
    ``RustHttpConfig``; the rest are the server's flags.
    """

    host: str = "0.0.0.0"
    port: int = 8000
    max_connections: int = 10000
    # The request deadline: bounds every SQL statement of a request from its
    # start (the server's --execution-timeout).
    request_timeout_ms: int = 30000
    # GOMAXPROCS (process-wide); None keeps Go's default, the CPU count.
    workers: Optional[int] = None
    enable_compression: bool = True
    enable_http2: bool = True

    # The app and its database.
    schema: Optional[Union[str, os.PathLike]] = None
    database_url: Optional[str] = None
    # A declaration that does not match the database at start: "warn" (the
    # server's default: log it, /ready answers 503), "refuse" (do not
    # start) or "off". See docs/schema.md.
    schema_check: Optional[str] = None
    environment: Optional[str] = None
    # "none" (correct answers, the server's default) or "v1.9.7" (v1.9.7's
    # recorded behaviour, bugs included); see docs/compatibility.md.
    quirks: Optional[str] = None
    introspection: Optional[str] = None
    playground: Optional[bool] = None
    # "embedded" (GraphiQL served from the binary) or "v1" (v1.9.7's page,
    # which loads GraphiQL from unpkg.com); None: v1 under quirks="v1.9.7",
    # else embedded. See docs/graphiql.md.
    graphiql: Optional[str] = None
    pool_size: Optional[int] = None
    server_header: Optional[str] = None
    shutdown_timeout: Optional[float] = _flag(_DURATION)
    # Seconds allowed to write one response (a client that never reads is
    # closed); 0 means none.
    write_timeout: Optional[float] = _flag(_DURATION)

    # Transport (enable_compression and enable_http2 above are the plan's
    # names of --compression and --http2): the smallest body compressed, and
    # TLS (both files or neither; the fraiseql-http binary reads them again
    # on SIGHUP, a server started from Python reads them when it starts).
    compression_min_bytes: Optional[int] = None
    tls_cert: Optional[Union[str, os.PathLike]] = None
    tls_key: Optional[Union[str, os.PathLike]] = None

    # Request limits.
    max_body_bytes: Optional[int] = None
    max_query_bytes: Optional[int] = None
    max_query_tokens: Optional[int] = None
    max_query_depth: Optional[int] = None
    max_query_fields: Optional[int] = None
    max_response_bytes: Optional[int] = None

    # Authentication (docs/authentication.md).
    auth_jwt_algorithm: Optional[Sequence[str]] = _flag(_LIST)
    auth_jwt_secret: Optional[str] = None
    auth_jwt_public_key_file: Optional[Union[str, os.PathLike]] = None
    auth_jwks_url: Optional[str] = None
    auth_jwks_allow_http: Optional[bool] = None
    auth_audience: Optional[Sequence[str]] = _flag(_LIST)
    auth_issuer: Optional[str] = None
    auth_required_claims: Optional[Sequence[str]] = _flag(_LIST)
    auth_leeway: Optional[float] = _flag(_DURATION)
    auth_max_token_bytes: Optional[int] = None
    auth_jwks_max_age: Optional[float] = _flag(_DURATION)
    auth_jwks_min_refresh: Optional[float] = _flag(_DURATION)
    auth_jwks_timeout: Optional[float] = _flag(_DURATION)
    auth0_domain: Optional[str] = None
    auth0_audience: Optional[str] = None
    # "name=claim" strings, or a dict {name: claim}.
    session_var: Optional[Union[Sequence[str], dict]] = _flag(_LIST)
    session_var_default: Optional[Union[Sequence[str], dict]] = _flag(_LIST)
    dev_auth_username: Optional[str] = None
    dev_auth_password: Optional[str] = None

    # Automatic persisted queries.
    apq_mode: Optional[str] = None
    apq_store: Optional[str] = None
    apq_cache_entries: Optional[int] = None
    apq_cache_bytes: Optional[int] = None

    # CORS (on when cors_origins is not empty).
    cors_origins: Optional[Sequence[str]] = _flag(_LIST)
    cors_methods: Optional[Sequence[str]] = _flag(_LIST)
    cors_headers: Optional[Sequence[str]] = _flag(_LIST)

    # Request ids and the access log (docs/operations.md): "auto" (echo a
    # well-formed incoming X-Request-ID), "always" (every response gets
    # one) or "off"; access_log writes one line per request.
    request_id_header: Optional[str] = None
    access_log: Optional[bool] = None
    # Prometheus metrics (on by default at /metrics on the main port;
    # metrics_listen "host:port" gives them a port of their own).
    metrics: Optional[bool] = None
    metrics_path: Optional[str] = None
    metrics_listen: Optional[str] = None
    metrics_token: Optional[str] = None
    # OpenTelemetry traces, off unless otel_endpoint is set
    # ("http://collector:4318"); otel_sample_ratio is 0..1.
    otel_endpoint: Optional[str] = None
    otel_service_name: Optional[str] = None
    otel_sample_ratio: Optional[float] = None
    # Per-client rate limit of GraphQL requests (0 or None: off): requests
    # per second, burst, and the key ("ip" or "subject").
    rate_limit: Optional[float] = None
    rate_limit_burst: Optional[int] = None
    rate_limit_key: Optional[str] = None
    # Connections over max_connections: "wait" in the listen backlog (the
    # server's default) or "reject" (503 with retry-after; a WebSocket
    # upgrade is closed with 1013).
    max_connections_overflow: Optional[str] = None

    # GraphQL over WebSocket (docs/subscriptions.md): "auto" (when the
    # declaration has subscriptions), "on" or "off"; the upgrade paths, the
    # NOTIFY channel of change events, and the per-socket limits.
    subscriptions: Optional[str] = None
    ws_paths: Optional[Sequence[str]] = _flag(_LIST)
    subscriptions_channel: Optional[str] = None
    ws_init_timeout: Optional[float] = _flag(_DURATION)
    ws_keepalive: Optional[float] = _flag(_DURATION)
    ws_max_subscriptions: Optional[int] = None
    ws_queue: Optional[int] = None
    ws_max_message: Optional[int] = None

    # Logs: None sends them to the `fraiseql_http` logger through a pipe;
    # an int is a file descriptor the server writes to (2 is stderr).
    log_fd: Optional[int] = None
    log_format: str = "json"
    log_level: str = "info"

    def __post_init__(self) -> None:
        self.validate()

    # -- validation -------------------------------------------------------

    def validate(self) -> None:
        """Raise ValueError naming the first invalid field."""
        _int(self, "port", 0, 65535)
        _int(self, "max_connections", 0)
        _int(self, "request_timeout_ms", 1)
        _int(self, "workers", 1, optional=True)
        _bool(self, "enable_compression")
        _bool(self, "enable_http2")
        _str(self, "host", nonempty=True)
        if self.schema is not None and not isinstance(self.schema, (str, os.PathLike)):
            _bad("schema", self.schema, "must be a path (str or os.PathLike)")
        _str(self, "database_url", optional=True, nonempty=True)
        _choice(self, "schema_check", ("warn", "refuse", "off"))
        _choice(self, "environment", ("development", "production"))
        _choice(self, "quirks", ("none", "v1.9.7"))
        _choice(self, "introspection", ("public", "disabled", "authenticated"))
        _bool(self, "playground", optional=True)
        _choice(self, "graphiql", ("embedded", "v1"))
        _choice(self, "request_id_header", ("auto", "always", "off"))
        _bool(self, "access_log", optional=True)
        _bool(self, "metrics", optional=True)
        for name in ("metrics_path", "metrics_listen", "metrics_token", "otel_endpoint", "otel_service_name"):
            _str(self, name, optional=True)
        r = self.otel_sample_ratio
        if r is not None and (isinstance(r, bool) or not isinstance(r, (int, float)) or not 0 <= r <= 1):
            _bad("otel_sample_ratio", r, "must be a number between 0 and 1")
        r = self.rate_limit
        if r is not None and (isinstance(r, bool) or not isinstance(r, (int, float)) or r < 0):
            _bad("rate_limit", r, "must be a number, at least 0")
        _int(self, "rate_limit_burst", 0, optional=True)
        _choice(self, "rate_limit_key", ("ip", "subject"))
        _choice(self, "max_connections_overflow", ("wait", "reject"))
        _choice(self, "subscriptions", ("auto", "on", "off"))
        _str(self, "subscriptions_channel", optional=True, nonempty=True)
        for name in ("ws_max_subscriptions", "ws_queue", "ws_max_message"):
            _int(self, name, 1, optional=True)
        _paths(self, "ws_paths")
        if isinstance(self.metrics_path, str) and (not self.metrics_path.startswith("/")
                                                   or any(c in self.metrics_path for c in "?# \t\r\n")):
            _bad("metrics_path", self.metrics_path, "must be a path starting with /")
        if isinstance(self.metrics_listen, str) and self.metrics_listen and not _host_port(self.metrics_listen):
            _bad("metrics_listen", self.metrics_listen, 'must be "host:port" (host may be empty)')
        _int(self, "pool_size", 1, 10000, optional=True)
        _str(self, "server_header", optional=True)
        if isinstance(self.server_header, str) and ("\r" in self.server_header or "\n" in self.server_header):
            _bad("server_header", self.server_header, "must not contain CR or LF")
        for name in ("max_body_bytes", "max_query_bytes", "max_query_tokens", "max_query_depth",
                     "max_query_fields", "apq_cache_entries", "apq_cache_bytes"):
            _int(self, name, 1, optional=True)
        _int(self, "auth_max_token_bytes", 0, optional=True)
        _int(self, "compression_min_bytes", 0, optional=True)
        _int(self, "max_response_bytes", 0, optional=True)
        for name in ("tls_cert", "tls_key"):
            if getattr(self, name) is not None and not isinstance(getattr(self, name), (str, os.PathLike)):
                _bad(name, getattr(self, name), "must be a path")
        if (self.tls_cert is None) != (self.tls_key is None):
            _bad("tls_key" if self.tls_key is None else "tls_cert", None, "tls_cert and tls_key go together")
        for name in ("auth_jwt_secret", "auth_jwks_url", "auth_issuer", "auth0_domain", "auth0_audience",
                     "dev_auth_username", "dev_auth_password"):
            _str(self, name, optional=True)
        if self.auth_jwt_public_key_file is not None and not isinstance(self.auth_jwt_public_key_file, (str, os.PathLike)):
            _bad("auth_jwt_public_key_file", self.auth_jwt_public_key_file, "must be a path")
        _bool(self, "auth_jwks_allow_http", optional=True)
        _choice(self, "apq_mode", ("optional", "required", "disabled"))
        _choice(self, "apq_store", ("memory", "postgresql"))
        for f in dataclasses.fields(self):
            kind = f.metadata.get("kind")
            if kind == _LIST:
                _list(self, f.name)
            elif kind == _DURATION:
                _duration(self, f.name)
        _int(self, "log_fd", 0, optional=True)
        if self.log_fd in (0, 1):
            _bad("log_fd", self.log_fd, "is stdin or stdout; give a pipe, a file or 2 (stderr)")
        _choice(self, "log_format", ("json", "text"), optional=False)
        _choice(self, "log_level", ("debug", "info", "warn", "warning", "error"), optional=False)

    # -- to the Go side ---------------------------------------------------

    def to_options(self) -> dict:
        """The JSON document the Go library's start call reads."""
        self.validate()
        flags: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            if f.name in _BRIDGE_ONLY:
                continue
            value = getattr(self, f.name)
            if value is None:
                continue
            kind = f.metadata.get("kind")
            if kind == _LIST:
                value = _as_list(value)
            elif kind == _DURATION:
                value = f"{round(float(value) * 1e9)}ns"
            elif isinstance(value, os.PathLike):
                value = os.fspath(value)
            flags[f.name.replace("_", "-")] = value
        return {
            "flags": flags,
            "workers": self.workers,
            "request_timeout_ms": self.request_timeout_ms,
            "enable_compression": self.enable_compression,
            "enable_http2": self.enable_http2,
            "log_format": self.log_format,
            "log_level": "warn" if self.log_level == "warning" else self.log_level,
        }

    def to_rust_dict(self) -> dict:
        """The Phase 16 plan's name for to_options."""
        return self.to_options()

    @classmethod
    def flag_fields(cls) -> dict[str, str]:
        """Server flag name → HttpConfig field, including the renamed one."""
        out = {f.name.replace("_", "-"): f.name for f in dataclasses.fields(cls) if f.name not in _BRIDGE_ONLY}
        out["execution-timeout"] = "request_timeout_ms"
        out["compression"] = "enable_compression"
        out["http2"] = "enable_http2"
        # The bridge makes the logger itself from these two (and log_fd).
        out["log-format"] = "log_format"
        out["log-level"] = "log_level"
        return out


# Go's validation messages start with the setting in words ("metrics path:
# ..."); these are the ones whose words are not a field's name.
_GO_WORDS = {"execution timeout": "request_timeout_ms", "tls": "tls_cert", "dev auth": "dev_auth_username",
             "auth0": "auth0_domain", "ws init timeout and keepalive": "ws_init_timeout",
             "ws max subscriptions, queue and max message": "ws_max_subscriptions",
             "compression": "enable_compression", "http2": "enable_http2"}


def field_of_go_error(line: str) -> Optional[str]:
    """The HttpConfig field a line of the Go server's configuration error
    is about ("metrics path: ..." or "invalid value ... for flag -port: ..."),
    or None when the line names none."""
    import re
    m = re.search(r"for flag -([a-z0-9-]+)", line)
    if m:
        return HttpConfig.flag_fields().get(m.group(1))
    parts = line.split(":", 2)
    if parts[0].strip() == "config":  # httpcore's startup stage in front
        parts = parts[1:]
    if len(parts) < 2:
        return None
    words = parts[0].strip().lower()
    if words in _GO_WORDS:
        return _GO_WORDS[words]
    name = words.replace(" ", "_").replace("-", "_")
    if name in {f.name for f in dataclasses.fields(HttpConfig)}:
        return name
    return None


def _bad(name: str, value: Any, why: str) -> None:
    raise ValueError(f"HttpConfig.{name}: {value!r} {why}")


def _int(cfg: HttpConfig, name: str, lo: int, hi: Optional[int] = None, optional: bool = False) -> None:
    v = getattr(cfg, name)
    if v is None and optional:
        return
    if isinstance(v, bool) or not isinstance(v, int):
        _bad(name, v, "must be an int")
    if v < lo or (hi is not None and v > hi):
        _bad(name, v, f"is outside {lo}..{hi}" if hi is not None else f"must be at least {lo}")


def _bool(cfg: HttpConfig, name: str, optional: bool = False) -> None:
    v = getattr(cfg, name)
    if v is None and optional:
        return
    if not isinstance(v, bool):
        _bad(name, v, "must be True or False")


def _str(cfg: HttpConfig, name: str, optional: bool = False, nonempty: bool = False) -> None:
    v = getattr(cfg, name)
    if v is None and optional:
        return
    if not isinstance(v, str):
        _bad(name, v, "must be a str")
    if nonempty and not v:
        _bad(name, v, "must not be empty")


def _choice(cfg: HttpConfig, name: str, allowed: tuple, optional: bool = True) -> None:
    v = getattr(cfg, name)
    if v is None and optional:
        return
    if not isinstance(v, str) or v.lower() not in allowed:
        _bad(name, v, "is not one of " + ", ".join(allowed))


def _list(cfg: HttpConfig, name: str) -> None:
    v = getattr(cfg, name)
    if v is None:
        return
    try:
        _as_list(v)
    except TypeError as e:
        _bad(name, v, str(e))


def _as_list(v: Any) -> list[str]:
    if isinstance(v, str):
        return [s.strip() for s in v.split(",") if s.strip()]
    if isinstance(v, dict):
        out = []
        for k, val in v.items():
            if not isinstance(k, str) or not isinstance(val, str):
                raise TypeError("must map str to str")
            out.append(f"{k}={val}")
        return out
    if isinstance(v, (list, tuple)):
        if not all(isinstance(s, str) for s in v):
            raise TypeError("must be a list of str")
        return list(v)
    raise TypeError("must be a list of str or a comma-separated str")


def _paths(cfg: HttpConfig, name: str) -> None:
    v = getattr(cfg, name)
    if v is None:
        return
    _list(cfg, name)
    for p in _as_list(v):
        if not p.startswith("/") or any(c in p for c in "?# "):
            _bad(name, v, f"{p!r} must be a path starting with /")


def _host_port(v: str) -> bool:
    host, sep, port = v.rpartition(":")
    if not sep or not port.isdigit() or int(port) > 65535:
        return False
    return ":" not in host or (host.startswith("[") and host.endswith("]"))


def _duration(cfg: HttpConfig, name: str) -> None:
    v = getattr(cfg, name)
    if v is None:
        return
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        _bad(name, v, "must be a number of seconds")
    if v < 0 or v != v:
        _bad(name, v, "must not be negative")


# The Phase 16 plan's name.
RustHttpConfig = HttpConfig
