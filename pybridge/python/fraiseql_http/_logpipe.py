"""The server's log lines, read from a pipe into Python's logging."""

from __future__ import annotations

import json
import logging
import os
import threading

logger = logging.getLogger("fraiseql_http")

_LEVELS = {"DEBUG": logging.DEBUG, "INFO": logging.INFO, "WARN": logging.WARNING, "ERROR": logging.ERROR}


def _emit(line: bytes) -> None:
    text = line.decode("utf-8", "replace").rstrip("\n")
    if not text:
        return
    try:
        rec = json.loads(text)
    except ValueError:
        logger.info("%s", text)
        return
    if not isinstance(rec, dict):
        logger.info("%s", text)
        return
    level = rec.pop("level", "INFO")
    msg = rec.pop("msg", "")
    rec.pop("time", None)
    extra = " ".join(f"{k}={v}" for k, v in rec.items())
    lvl = _LEVELS.get(str(level).split("+")[0].split("-")[0], logging.INFO)
    logger.log(lvl, "%s%s%s", msg, " " if extra else "", extra, extra={"go": rec})


def _pump(fd: int) -> None:
    with os.fdopen(fd, "rb", buffering=0) as f:
        buf = b""
        while True:
            chunk = f.read(65536)
            if not chunk:
                break
            buf += chunk
            *lines, buf = buf.split(b"\n")
            for line in lines:
                _emit(line)
        if buf:
            _emit(buf)


class LogPipe:
    """A pipe whose write end the Go server duplicates; a daemon thread
    turns each JSON line into a record of the ``fraiseql_http`` logger and
    stops at end of file (when the server closed its copy)."""

    def __init__(self) -> None:
        r, w = os.pipe()
        self.write_fd = w
        self.thread = threading.Thread(target=_pump, args=(r,), name="fraiseql_http-log", daemon=True)
        self.thread.start()

    def close_write_end(self) -> None:
        if self.write_fd >= 0:
            os.close(self.write_fd)
            self.write_fd = -1

    def join(self, timeout: float | None = None) -> None:
        self.thread.join(timeout)
