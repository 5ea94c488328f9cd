"""Exceptions of fraiseql_http. Each carries the Go message unchanged."""

from __future__ import annotations


class FraiseQLHTTPError(RuntimeError):
    """A failure reported by the Go server.

    ``stage`` says where it happened (httpcore's startup stages: ``config``,
    ``schema``, ``database``, ``engine``, ``auth``, ``apq``, ``listen``; or
    ``serve``, ``shutdown``, ``handle``, ``panic``); ``go_message`` is the Go
    error text (secrets removed).
    """

    def __init__(self, message: str, *, stage: str = "error", go_message: str | None = None,
                 stack: str | None = None) -> None:
        super().__init__(message)
        self.stage = stage
        self.go_message = go_message if go_message is not None else message
        self.stack = stack


class StartupError(FraiseQLHTTPError):
    """The server could not start: bad declaration, database unreachable, port in use..."""


class ConfigError(StartupError, ValueError):
    """A setting the Go server refused (also a ValueError, like HttpConfig's own checks).

    ``fields`` lists the HttpConfig fields the message names (each line of
    the message starts with ``HttpConfig.<field>:`` when it names one)."""

    fields: list = []


class GoPanicError(FraiseQLHTTPError):
    """A Go panic inside a library call; ``stack`` holds the goroutine's stack."""


class ForkedProcessError(FraiseQLHTTPError):
    """A call into the Go library from a process forked after the library was loaded."""

    def __init__(self, message: str) -> None:
        super().__init__(message, stage="fork")
