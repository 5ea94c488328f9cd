"""The server started in-process, on a fresh copy of the demo database."""

from __future__ import annotations

import asyncio
import json
import re
import socket
import threading
import time
import unittest

from tests.support import (GOLDENS, SCHEMA, DemoDatabase, exchange, graphql_request, read_response,
                           without_date)

import fraiseql_http
from fraiseql_http import HttpConfig, HttpServer, StartupError, create_http_app

db: DemoDatabase | None = None


def setUpModule():
    global db
    db = DemoDatabase()


def tearDownModule():
    if db is not None:
        db.drop()


def config(**kw) -> HttpConfig:
    base = dict(host="127.0.0.1", port=0, database_url=db.url, enable_compression=False, enable_http2=False,
                shutdown_timeout=10)
    base.update(kw)
    return HttpConfig(**base)


def volatile_time(response: bytes) -> bytes:
    response = re.sub(rb'"time_ms":[0-9.]+', b'"time_ms":0', response)
    return re.sub(rb"(?im)^content-length: [0-9]+\r\n", b"", response)


def users_query(limit: int = 3) -> bytes:
    return graphql_request("{ users(limit: %d) { id firstName } }" % limit)


class ServerTestCase(unittest.TestCase):
    def start(self, **kw) -> HttpServer:
        s = create_http_app(str(SCHEMA), config(**kw))
        s.start_sync()
        self.addCleanup(s.shutdown_sync, 10)
        return s


class GoldenBytesTest(ServerTestCase):
    # Read-only cases of the development profile: the bytes FraiseQL v1.9.7
    # sent (date excepted), which the binary answers identically (make compat).
    CASES = ["query-users-all-fields", "query-posts-nested", "query-alias-nested", "query-where-and-or-not-vars",
             "query-orderby-two-keys", "error-syntax", "error-unknown-field", "introspection-type", "http-404",
             "http-health"]

    def test_same_bytes_as_recorded(self):
        cases = {c["name"]: c for c in json.loads((GOLDENS / "development" / "cases.json").read_text())}
        s = self.start(environment="development")
        for name in self.CASES:
            with self.subTest(name):
                request = (GOLDENS / "development" / f"{name}.request").read_bytes()
                want = (GOLDENS / "development" / f"{name}.response").read_bytes()
                got = exchange(s.address, request)
                if any("time_ms" in v for v in cases[name]["volatile"]):
                    # v1's timing (and the content-length its digits change),
                    # as the compat replayer treats it.
                    got, want = volatile_time(got), volatile_time(want)
                self.assertEqual(without_date(got), without_date(want))


class LifecycleTest(ServerTestCase):
    def test_port_zero_address_and_state(self):
        s = create_http_app(str(SCHEMA), config())
        self.assertFalse(s.is_running)
        self.assertIsNone(s.address)
        s.start_sync()
        try:
            host, port = s.address
            self.assertEqual(host, "127.0.0.1")
            self.assertGreater(port, 0)
            self.assertTrue(s.is_running)
            self.assertIn(b'"firstName"', exchange(s.address, users_query()))
        finally:
            s.shutdown_sync()
        self.assertFalse(s.is_running)
        self.assertIsNone(s.address)
        with self.assertRaises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
        s.shutdown_sync()  # idempotent

    def test_start_twice(self):
        s = self.start()
        with self.assertRaisesRegex(fraiseql_http.FraiseQLHTTPError, "already running on http://127.0.0.1:"):
            s.start_sync()
        self.assertTrue(s.is_running)

    def test_restart_after_shutdown(self):
        s = create_http_app(str(SCHEMA), config())
        for _ in range(2):
            s.start_sync()
            self.assertIn(b"200 OK", exchange(s.address, users_query()))
            s.shutdown_sync()

    def test_busy_port_names_the_address(self):
        with socket.socket() as busy:
            busy.bind(("127.0.0.1", 0))
            busy.listen()
            port = busy.getsockname()[1]
            with self.assertRaises(StartupError) as cm:
                create_http_app(str(SCHEMA), config(port=port)).start_sync()
        self.assertEqual(cm.exception.stage, "listen")
        self.assertIn(f"127.0.0.1:{port}", str(cm.exception))
        self.assertIn("address already in use", str(cm.exception))

    def test_second_server_on_the_same_port(self):
        s = self.start()
        with self.assertRaisesRegex(StartupError, f"127.0.0.1:{s.address[1]}"):
            create_http_app(str(SCHEMA), config(port=s.address[1])).start_sync()
        self.assertIn(b"200 OK", exchange(s.address, users_query()))

    def test_bad_schema_reports_file_line_column(self):
        import tempfile, os
        with tempfile.NamedTemporaryFile("w", suffix=".graphql", delete=False) as f:
            f.write("type Query {\n  users: [User!]! @view(name: \"v_user\")\n}\n\ntype User {\n  id: ID!\n  oops\n}\n")
        self.addCleanup(os.unlink, f.name)
        with self.assertRaises(StartupError) as cm:
            create_http_app(f.name, config()).start_sync()
        self.assertEqual(cm.exception.stage, "schema")
        self.assertRegex(str(cm.exception), rf"{f.name}:\d+:\d+")

    def test_bad_dsn_without_the_password(self):
        for dsn, want in [("postgres://bob:hunter2secret@127.0.0.1:1/nodb?connect_timeout=2", "127.0.0.1"),
                          ("postgres://bob:hunter2secret@127.0.0.1:notaport/x", "invalid database url")]:
            with self.subTest(dsn):
                with self.assertRaises(StartupError) as cm:
                    create_http_app(str(SCHEMA), config(database_url=dsn)).start_sync()
                self.assertEqual(cm.exception.stage, "database")
                self.assertIn(want, str(cm.exception))
                self.assertNotIn("hunter2secret", str(cm.exception))

    def test_invalid_setting_from_go_is_a_value_error(self):
        with self.assertRaises(ValueError) as cm:
            create_http_app(str(SCHEMA), config(auth_jwt_secret="short", auth_jwt_algorithm=["HS256"])).start_sync()
        self.assertIsInstance(cm.exception, fraiseql_http.ConfigError)
        self.assertNotIn("short", str(cm.exception).replace("shorter", ""))

    def test_settings_refused_by_go_name_the_field(self):
        # Values of the right type that only the server's own validation
        # refuses: the ValueError still names the HttpConfig field.
        cases = {"metrics_path": dict(metrics_path="/graphql"),
                 "otel_endpoint": dict(otel_endpoint="ftp://collector"),
                 "session_var": dict(session_var=["no-equals-sign"])}
        for name, kw in cases.items():
            with self.subTest(name):
                with self.assertRaises(ValueError) as cm:
                    create_http_app(str(SCHEMA), config(**kw)).start_sync()
                self.assertIsInstance(cm.exception, fraiseql_http.ConfigError)
                self.assertIn(f"HttpConfig.{name}: ", str(cm.exception))
                self.assertIn(name, cm.exception.fields)

    def test_context_managers(self):
        with create_http_app(str(SCHEMA), config()) as s:
            self.assertTrue(s.is_running)
            addr = s.address
        self.assertFalse(s.is_running)

        async def main():
            async with create_http_app(str(SCHEMA), config()) as a:
                self.assertTrue(a.is_running)
                return a
        a = asyncio.run(main())
        self.assertFalse(a.is_running)
        self.assertIsNotNone(addr)

    def test_async_start_and_shutdown(self):
        async def main():
            s = create_http_app(str(SCHEMA), config())
            await s.start()
            body = await asyncio.get_running_loop().run_in_executor(None, exchange, s.address, users_query())
            await s.shutdown()
            return body, s.is_running
        body, running = asyncio.run(main())
        self.assertIn(b"200 OK", body)
        self.assertFalse(running)

    def test_sdl_text(self):
        import gc
        import os
        s = create_http_app(SCHEMA.read_text(encoding="utf-8"), config())
        path = s.config.schema
        for _ in range(2):  # a restart reads the declaration again
            s.start_sync()
            self.assertIn(b'"firstName"', exchange(s.address, users_query()))
            s.shutdown_sync()
        self.assertTrue(os.path.exists(path))
        del s
        gc.collect()
        self.assertFalse(os.path.exists(path))


class AuthProviderTest(ServerTestCase):
    SECRET = "s" * 40

    def token(self, secret: str, **claims) -> str:
        import base64
        import hashlib
        import hmac

        def b64(b: bytes) -> bytes:
            return base64.urlsafe_b64encode(b).rstrip(b"=")
        head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        body = b64(json.dumps({"sub": "u1", "exp": int(time.time()) + 600, **claims}).encode())
        sig = b64(hmac.new(secret.encode(), head + b"." + body, hashlib.sha256).digest())
        return (head + b"." + body + b"." + sig).decode()

    def ask(self, s, authorization: str = "") -> bytes:
        body = json.dumps({"query": "{ users(limit: 1) { id } }"}).encode()
        extra = f"Authorization: {authorization}\r\n".encode() if authorization else b""
        return exchange(s.address, b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
                        extra + b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)

    def test_jwt_settings_reach_the_server(self):
        s = create_http_app(str(SCHEMA), config(), auth_provider={
            "auth_jwt_secret": self.SECRET, "auth_jwt_algorithm": ["HS256"], "auth_leeway": 5})
        s.start_sync()
        self.addCleanup(s.shutdown_sync, 10)
        self.assertTrue(self.ask(s).startswith(b"HTTP/1.1 401"))  # v1's gate: a provider, no token
        self.assertTrue(self.ask(s, "Bearer " + self.token("wrong" * 8)).startswith(b"HTTP/1.1 401"))
        ok = self.ask(s, "Bearer " + self.token(self.SECRET))
        self.assertTrue(ok.startswith(b"HTTP/1.1 200"), ok[:200])
        self.assertIn(b'"users":[{', ok)


class LogsTest(ServerTestCase):
    def test_log_lines_reach_the_logger(self):
        with self.assertLogs("fraiseql_http", level="INFO") as logs:
            s = create_http_app(str(SCHEMA), config(enable_compression=True))
            s.start_sync()
            s.shutdown_sync()
        text = "\n".join(logs.output)
        self.assertIn("INFO:fraiseql_http:fraiseql-http: listening address=http://127.0.0.1:", text)
        self.assertIn("INFO:fraiseql_http:fraiseql-http: stopped", text)


    def test_log_lines_to_a_chosen_descriptor(self):
        import os
        r, w = os.pipe()
        try:
            s = create_http_app(str(SCHEMA), config(log_fd=w, log_format="text", log_level="debug"))
            s.start_sync()
            os.close(w)
            w = -1
            s.shutdown_sync()
            with os.fdopen(r, "rb") as f:
                r = -1
                text = f.read().decode()  # end of file: the server closed its copy
        finally:
            for fd in (r, w):
                if fd >= 0:
                    os.close(fd)
        self.assertRegex(text, r'level=INFO msg="fraiseql-http: listening" address=http://127.0.0.1:\d+')
        self.assertIn('msg="fraiseql-http: stopped"', text)

    def test_dropped_server_is_stopped_at_exit(self):
        from fraiseql_http import server as server_module
        s = create_http_app(str(SCHEMA), config())
        s.start_sync()
        address = s.address
        del s
        import gc
        gc.collect()
        live = [x for x in server_module._live if x.address == address]
        self.assertEqual(len(live), 1, "a running server must stay reachable for the exit hook")
        live[0].shutdown_sync()


class ConcurrencyTest(ServerTestCase):
    def test_50_requests_while_python_holds_the_gil(self):
        s = self.start()
        want = exchange(s.address, users_query(20))
        self.assertIn(b"200 OK", want)
        results: list = [None] * 50
        stop_busy = threading.Event()
        spins = [0]

        def busy():
            # Pure-Python loop: holds the GIL except at the interpreter's
            # switch interval.
            n = 0
            while not stop_busy.is_set():
                n += 1
            spins[0] = n

        def client(i):
            try:
                results[i] = exchange(s.address, users_query(20), timeout=30)
            except Exception as e:  # reported below
                results[i] = e

        spinner = threading.Thread(target=busy)
        spinner.start()
        threads = [threading.Thread(target=client, args=(i,)) for i in range(50)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        stop_busy.set()
        spinner.join()
        self.assertGreater(spins[0], 0)
        for i, r in enumerate(results):
            self.assertIsInstance(r, bytes, f"request {i}: {r!r}")
            self.assertEqual(without_date(r), without_date(want), f"request {i}")

    def test_serving_does_not_need_the_gil(self):
        # This thread keeps the GIL for two seconds (a C sleep through
        # ctypes.PyDLL does not release it). A client in another process
        # gets its answer before that sleep ends: Go's threads never wait
        # for Python.
        import ctypes
        import subprocess
        import sys
        s = self.start()
        code = ("import socket,sys,time\n"
                "s=socket.create_connection(('127.0.0.1',%d))\n"
                "req=sys.stdin.buffer.read()\n"
                "print('ready',flush=True)\n"
                "time.sleep(0.2)\n"
                "s.sendall(req)\n"
                "d=b''\n"
                "while b'\\r\\n\\r\\n' not in d: d+=s.recv(65536)\n"
                "print(time.time(), d.split(b'\\r\\n')[0].decode(), flush=True)\n") % s.address[1]
        with subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE) as child:
            child.stdin.write(users_query())
            child.stdin.close()
            self.assertEqual(child.stdout.readline().strip(), b"ready")
            libc = ctypes.PyDLL(None)  # PyDLL: the GIL stays held during the call
            libc.usleep(2_000_000)
            released = time.time()
            answered, status = child.stdout.readline().decode().split(" ", 1)
            child.wait(10)
        self.assertEqual(status.strip(), "HTTP/1.1 200 OK")
        self.assertLess(float(answered), released, "the answer waited for the GIL")


class ActiveConnectionsTest(ServerTestCase):
    def test_rises_and_falls_with_keep_alive_connections(self):
        s = self.start()
        base = s.active_connections
        self.assertEqual(base, 0)
        socks = []
        try:
            for _ in range(5):
                c = socket.create_connection(s.address, timeout=10)
                c.sendall(users_query())
                self.assertIn(b"200 OK", read_response(c))
                socks.append(c)
            self.assertEqual(s.active_connections, base + 5)
        finally:
            for c in socks:
                c.close()
        deadline = time.monotonic() + 5
        while s.active_connections != base and time.monotonic() < deadline:
            time.sleep(0.02)
        self.assertEqual(s.active_connections, base)


def ws_upgrade(address, path: str = "/graphql") -> socket.socket:
    """A WebSocket (graphql-transport-ws) opened with a raw handshake, past
    connection_ack."""
    import base64
    import os
    c = socket.create_connection(address, timeout=10)
    key = base64.b64encode(os.urandom(16)).decode()
    c.sendall((f"GET {path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
               "Sec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = c.recv(1)  # byte by byte: nothing of the first frame is consumed
        if not chunk:
            raise ConnectionError(f"closed during the handshake: {head!r}")
        head += chunk
    if not head.startswith(b"HTTP/1.1 101"):
        c.close()
        raise ConnectionError(f"upgrade refused: {head[:200]!r}")
    payload = b'{"type":"connection_init"}'
    mask = os.urandom(4)
    c.sendall(bytes([0x81, 0x80 | len(payload)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))
    frame = c.recv(4096)
    if b"connection_ack" not in frame:
        c.close()
        raise ConnectionError(f"no connection_ack: {frame!r}")
    return c


def wait_for(predicate, timeout: float = 5) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


class WebSocketConnectionsTest(ServerTestCase):
    def test_active_connections_counts_websockets(self):
        s = self.start(subscriptions="on")
        self.assertEqual(s.active_connections, 0)
        sockets = [ws_upgrade(s.address) for _ in range(3)]
        http = socket.create_connection(s.address, timeout=10)
        try:
            http.sendall(users_query())
            self.assertIn(b"200 OK", read_response(http))
            self.assertEqual(s.active_connections, 4)  # 3 WebSockets + 1 keep-alive HTTP connection
            for c in sockets[:2]:
                c.close()
            self.assertTrue(wait_for(lambda: s.active_connections == 2), s.active_connections)
        finally:
            for c in sockets[2:] + [http]:
                c.close()
        self.assertTrue(wait_for(lambda: s.active_connections == 0), s.active_connections)

    def test_subscriptions_off_and_ws_paths(self):
        s = self.start(subscriptions="on", ws_paths=["/ws"])
        ws_upgrade(s.address, "/ws").close()
        with self.assertRaisesRegex(ConnectionError, "upgrade refused"):
            ws_upgrade(s.address, "/graphql")
        s = self.start(subscriptions="off")
        with self.assertRaisesRegex(ConnectionError, "upgrade refused"):
            ws_upgrade(s.address, "/graphql")


def get(address, path: str, headers: str = "") -> bytes:
    return exchange(address, f"GET {path} HTTP/1.1\r\nHost: x\r\n{headers}\r\n".encode())


def header(response: bytes, name: str) -> "str | None":
    m = re.search(rb"(?im)^" + name.encode() + rb":\s*([^\r\n]*)\r\n", response.partition(b"\r\n\r\n")[0] + b"\r\n")
    return m.group(1).decode() if m else None


class SettingsReachTheServerTest(ServerTestCase):
    """Fields observable over HTTP, each seen doing what it says (the others
    are covered by the flag mapping: the same httpcore.ParseFlags)."""

    def test_metrics_path_token_and_workers(self):
        s = self.start(metrics_path="/internal/metrics", metrics_token="t0ken-for-tests")
        self.assertTrue(get(s.address, "/metrics").startswith(b"HTTP/1.1 404"))
        self.assertTrue(get(s.address, "/internal/metrics").startswith(b"HTTP/1.1 401"))
        m = get(s.address, "/internal/metrics", "Authorization: Bearer t0ken-for-tests\r\n")
        self.assertTrue(m.startswith(b"HTTP/1.1 200"), m[:200])
        self.assertIn(b"fraiseql_http_connections_active ", m)
        before = int(re.search(rb"(?m)^go_sched_gomaxprocs_threads (\d+)", m).group(1))
        # workers is GOMAXPROCS, process-wide: set it to 1, then back.
        s = self.start(workers=1)
        self.addCleanup(lambda: self.start(workers=before))
        self.assertRegex(get(s.address, "/metrics"), rb"(?m)^go_sched_gomaxprocs_threads 1$")

    def test_metrics_off_and_metrics_listen(self):
        s = self.start(metrics=False)
        self.assertTrue(get(s.address, "/metrics").startswith(b"HTTP/1.1 404"))
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        s = self.start(metrics_listen=f"127.0.0.1:{port}")
        self.assertTrue(get(s.address, "/metrics").startswith(b"HTTP/1.1 404"))
        self.assertTrue(get(("127.0.0.1", port), "/metrics").startswith(b"HTTP/1.1 200"))

    def test_request_id_and_server_header(self):
        s = self.start(request_id_header="always", server_header="bridge-test")
        r = exchange(s.address, users_query(1))
        self.assertRegex(header(r, "x-request-id") or "", r"^[0-9a-f]{16,}$")
        self.assertEqual(header(r, "server"), "bridge-test")
        r = exchange(s.address, users_query(1).replace(b"Host: localhost\r\n",
                                                        b"Host: localhost\r\nX-Request-ID: abc-123\r\n"))
        self.assertEqual(header(r, "x-request-id"), "abc-123")
        s = self.start(request_id_header="off")
        r = exchange(s.address, users_query(1).replace(b"Host: localhost\r\n",
                                                        b"Host: localhost\r\nX-Request-ID: abc-123\r\n"))
        self.assertIsNone(header(r, "x-request-id"))

    def test_rate_limit(self):
        s = self.start(rate_limit=0.5, rate_limit_burst=2)
        statuses = [exchange(s.address, users_query(1)).split(b" ", 2)[1] for _ in range(3)]
        self.assertEqual(statuses, [b"200", b"200", b"429"])

    def test_limits(self):
        s = self.start(max_response_bytes=200, max_body_bytes=300)
        r = exchange(s.address, users_query(20))
        self.assertIn(b"exceeds the maximum size of 200 bytes", r)
        big = graphql_request("{ users(limit: 1) { id } }" + " " * 400)
        self.assertTrue(exchange(s.address, big).startswith(b"HTTP/1.1 413"))

    def test_max_connections_overflow_reject(self):
        s = self.start(max_connections=1, max_connections_overflow="reject")
        held = socket.create_connection(s.address, timeout=10)
        try:
            held.sendall(users_query(1))
            self.assertIn(b"200 OK", read_response(held))
            r = exchange(s.address, users_query(1))
            self.assertTrue(r.startswith(b"HTTP/1.1 503"), r[:200])
        finally:
            held.close()

    def test_compression_and_http2(self):
        import gzip
        accept = users_query(20).replace(b"Host: localhost\r\n", b"Host: localhost\r\nAccept-Encoding: gzip\r\n")
        preface = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + bytes([0, 0, 0, 4, 0, 0, 0, 0, 0])  # + empty SETTINGS

        def h2c_frame_type(address) -> int:
            with socket.create_connection(address, timeout=5) as c:
                c.sendall(preface)
                first = c.recv(9)
                return first[3] if len(first) == 9 else -1

        s = self.start(enable_compression=True, enable_http2=True, compression_min_bytes=0)
        r = exchange(s.address, accept)
        self.assertEqual(header(r, "content-encoding"), "gzip")
        self.assertIn(b'"firstName"', gzip.decompress(r.partition(b"\r\n\r\n")[2]))
        self.assertEqual(h2c_frame_type(s.address), 4)  # the server's SETTINGS frame
        s = self.start(enable_compression=False, enable_http2=False, compression_min_bytes=0)
        self.assertIsNone(header(exchange(s.address, accept), "content-encoding"))
        self.assertNotEqual(h2c_frame_type(s.address), 4)

    def test_access_log_reaches_the_logger(self):
        with self.assertLogs("fraiseql_http", level="INFO") as logs:
            s = self.start(access_log=True, request_id_header="always")
            exchange(s.address, users_query(1))
            s.shutdown_sync()
        lines = [line for line in logs.output if "/graphql" in line and "request_id" in line]
        self.assertTrue(lines, logs.output)

    def test_request_timeout_ms_is_the_request_deadline(self):
        # A view that takes a second per read, in this test's own database.
        db._psql(db.url, "-c", "create or replace view v_slow_user as "
                               "select id, data from v_user, lateral (select pg_sleep(1)) s")
        sdl = ('schema { query: Query }\nscalar UUID\n'
               'type SlowUser @view(name: "v_slow_user") { id: UUID firstName: String }\n'
               'type Query { slowUsers: [SlowUser] @read }\n')
        s = create_http_app(sdl, config(request_timeout_ms=300))
        s.start_sync()
        self.addCleanup(s.shutdown_sync, 10)
        r = exchange(s.address, graphql_request("{ slowUsers(limit: 1) { firstName } }"))
        self.assertIn(b"canceling statement due to statement timeout", r)
        s = create_http_app(sdl, config(request_timeout_ms=5000))
        s.start_sync()
        self.addCleanup(s.shutdown_sync, 10)
        self.assertIn(b'"slowUsers":[{', exchange(s.address, graphql_request("{ slowUsers(limit: 1) { firstName } }")))

    def test_tls(self):
        import shutil
        import ssl
        import subprocess
        import tempfile
        if shutil.which("openssl") is None:
            self.skipTest("openssl is not on PATH (needed to make a certificate)")
        d = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, d)
        cert, key = f"{d}/cert.pem", f"{d}/key.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                        "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
        # The log lines reach the logger from the pipe's reader thread: the
        # capture stays open until shutdown has drained that pipe.
        with self.assertLogs("fraiseql_http", level="INFO") as logs:
            s = self.start(tls_cert=cert, tls_key=key)
            url = s.url
            self.assertTrue(url.startswith("https://127.0.0.1:"), url)
            ctx = ssl.create_default_context(cafile=cert)
            with socket.create_connection(s.address, timeout=10) as raw:
                with ctx.wrap_socket(raw, server_hostname="127.0.0.1") as c:
                    c.sendall(users_query(1))
                    self.assertIn(b'"firstName"', read_response(c))
            s.shutdown_sync()
        self.assertIn(f"listening address={url}", "\n".join(logs.output))


class GracefulShutdownTest(ServerTestCase):
    def test_requests_in_flight_all_complete(self):
        s = create_http_app(str(SCHEMA), config())
        s.start_sync()
        request = users_query(5)
        head, _, body = request.partition(b"\r\n\r\n")
        n = 20
        socks = []
        for _ in range(n):
            c = socket.create_connection(s.address, timeout=15)
            c.sendall(head + b"\r\n\r\n" + body[:5])  # in flight: the body is not complete
            socks.append(c)
        deadline = time.monotonic() + 10
        while s.active_connections < n and time.monotonic() < deadline:
            time.sleep(0.02)
        self.assertEqual(s.active_connections, n)
        time.sleep(0.2)  # let the server read the header blocks
        stopper = threading.Thread(target=s.shutdown_sync, args=(10,))
        stopper.start()
        # Shutdown has begun once new connections are refused.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(s.address, timeout=2).close()
            except OSError:
                break
            time.sleep(0.05)
        else:
            self.fail("new connections still accepted 10 s after shutdown began")
        responses = []
        for c in socks:
            c.sendall(body[5:])
        for c in socks:
            try:
                responses.append(read_response(c))
            finally:
                c.close()
        stopper.join(15)
        self.assertFalse(stopper.is_alive())
        self.assertFalse(s.is_running)
        self.assertEqual(len(responses), n)
        for r in responses:
            self.assertTrue(r.startswith(b"HTTP/1.1 200 OK"), r[:100])
            self.assertIn(b'"firstName"', r)


if __name__ == "__main__":
    unittest.main()
