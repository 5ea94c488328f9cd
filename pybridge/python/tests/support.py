"""Shared test plumbing: a fresh copy of the demo database, raw HTTP."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import unittest
import urllib.parse
from pathlib import Path

PYTHON_DIR = Path(__file__).resolve().parent.parent
REPO = PYTHON_DIR.parent.parent
SCHEMA = REPO / "examples" / "blog" / "app.graphql"
SCHEMA_SQL = REPO / "examples" / "blog" / "schema.sql"
GOLDENS = REPO / "compat" / "testdata" / "goldens" / "fraiseql-1.9.7"

if str(PYTHON_DIR) not in sys.path:
    sys.path.insert(0, str(PYTHON_DIR))


def require_or_skip(reason: str) -> None:
    """Fail in CI, skip elsewhere (the Go tests' rule)."""
    if os.environ.get("CI") == "true":
        raise AssertionError(reason)
    raise unittest.SkipTest(reason)


def _with_db(url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise AssertionError(f"FRAISEQL_TEST_DATABASE_URL must be a postgres:// URL, got {parts.scheme}:")
    # urlunsplit would drop the empty authority of postgres:///db?host=...
    return f"{parts.scheme}://{parts.netloc}/{name}" + (f"?{parts.query}" if parts.query else "")


class DemoDatabase:
    """A database of its own, loaded from examples/blog/schema.sql, so that
    these tests never see another test's mutations. Dropped by drop()."""

    def __init__(self) -> None:
        admin = os.environ.get("FRAISEQL_TEST_DATABASE_URL", "")
        if not admin:
            require_or_skip("FRAISEQL_TEST_DATABASE_URL is not set (scripts/devdb.sh prints one)")
        if shutil.which("psql") is None:
            require_or_skip("psql is not on PATH (needed to load the demo database)")
        self.admin = admin
        self.name = f"fraiseql_pybridge_py{sys.version_info[0]}{sys.version_info[1]}_{os.getpid()}"
        self.url = _with_db(admin, self.name)
        self._psql(admin, "-c", f'drop database if exists "{self.name}" with (force)')
        self._psql(admin, "-c", f"create database \"{self.name}\" encoding 'UTF8' lc_collate 'C.UTF-8' "
                                "lc_ctype 'C.UTF-8' template template0")
        self._psql(self.url, "-f", str(SCHEMA_SQL))

    @staticmethod
    def _psql(url: str, *args: str) -> None:
        subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-q", *args], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60)

    def drop(self) -> None:
        self._psql(self.admin, "-c", f'drop database if exists "{self.name}" with (force)')


def read_response(sock: socket.socket) -> bytes:
    """One HTTP/1.1 response: the header block, then content-length bytes."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"connection closed after {len(data)} bytes: {data[:200]!r}")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    m = re.search(rb"(?im)^content-length:\s*(\d+)\s*$", head)
    want = int(m.group(1)) if m else 0
    while len(body) < want:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed in the body")
        body += chunk
    return head + b"\r\n\r\n" + body


def exchange(address: tuple[str, int], request: bytes, timeout: float = 10) -> bytes:
    with socket.create_connection(address, timeout=timeout) as s:
        s.sendall(request)
        return read_response(s)


def graphql_request(query: str, keep_alive: bool = True) -> bytes:
    import json
    body = json.dumps({"query": query}).encode()
    conn = b"" if keep_alive else b"Connection: close\r\n"
    return (b"POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" + conn +
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)


def without_date(response: bytes) -> bytes:
    return re.sub(rb"(?im)^date: [^\r\n]*\r\n", b"", response)
