"""Process safety: fork, signals, interpreter exit. Each case runs a small
script in a fresh interpreter (the same one running the tests)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
import unittest

from tests.support import PYTHON_DIR, SCHEMA, DemoDatabase, exchange, graphql_request

db: DemoDatabase | None = None


def setUpModule():
    global db
    db = DemoDatabase()


def tearDownModule():
    if db is not None:
        db.drop()


PRELUDE = textwrap.dedent("""
    import os, socket, sys, time
    sys.path.insert(0, {pkg!r})
    from fraiseql_http import HttpConfig, create_http_app, ForkedProcessError

    def config():
        return HttpConfig(host="127.0.0.1", port=0, database_url={url!r}, enable_compression=False,
                          enable_http2=False, shutdown_timeout=5)

    def ask(address):
        body = b'{{"query":"{{ users(limit: 1) {{ id }} }}"}}'
        with socket.create_connection(address, timeout=10) as s:
            s.sendall(b"POST /graphql HTTP/1.1\\r\\nHost: x\\r\\nContent-Type: application/json\\r\\n"
                      b"Connection: close\\r\\nContent-Length: " + str(len(body)).encode() + b"\\r\\n\\r\\n" + body)
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    return data
                data += chunk

    def wait_child(pid, timeout=15):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return os.waitstatus_to_exitcode(status)
            time.sleep(0.05)
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        return "hung"
""")


def run_script(body: str, timeout: float = 60, **kw) -> subprocess.CompletedProcess:
    script = PRELUDE.format(pkg=str(PYTHON_DIR), url=db.url) + textwrap.dedent(body)
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=timeout, **kw)


class ForkTest(unittest.TestCase):
    def test_child_of_a_loaded_parent_is_refused_not_hung(self):
        r = run_script(f"""
            server = create_http_app({str(SCHEMA)!r}, config())
            server.start_sync()
            pid = os.fork()
            if pid == 0:
                code = 0
                for call in (lambda: server.is_running,
                             lambda: create_http_app({str(SCHEMA)!r}, config()).start_sync()):
                    try:
                        call()
                        code = 3
                    except ForkedProcessError as e:
                        print("child refused:", e, flush=True)
                sys.exit(code)  # runs atexit: it must not call into Go either
            print("child exit", wait_child(pid), flush=True)
            assert b"200 OK" in ask(server.address)  # the parent still serves
            server.shutdown_sync()
            print("parent ok")
        """)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("child exit 0", r.stdout)
        self.assertEqual(r.stdout.count("child refused:"), 2)
        self.assertIn("is a fork of it", r.stdout)
        self.assertIn("parent ok", r.stdout)

    def test_child_that_never_loaded_the_library_serves(self):
        # A pre-fork server: import in the parent, load and start in each child.
        r = run_script(f"""
            from fraiseql_http import _native
            pids = []
            for _ in range(2):
                pid = os.fork()
                if pid == 0:
                    try:
                        with create_http_app({str(SCHEMA)!r}, config()) as server:
                            ok = b"200 OK" in ask(server.address)
                    except BaseException as e:
                        print("child failed:", repr(e), flush=True)
                        os._exit(4)
                    os._exit(0 if ok else 5)
                pids.append(pid)
            print("children", [wait_child(p) for p in pids], flush=True)
            print("parent loaded", _native.is_loaded_here())
        """)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("children [0, 0]", r.stdout)
        self.assertIn("parent loaded False", r.stdout)


class SignalTest(unittest.TestCase):
    def serve_and_signal(self, sig: int) -> None:
        script = PRELUDE.format(pkg=str(PYTHON_DIR), url=db.url) + textwrap.dedent(f"""
            import logging
            logging.basicConfig(level=logging.INFO, stream=sys.stderr)
            server = create_http_app({str(SCHEMA)!r}, config())
            server.start_sync()
            print(server.address[1], flush=True)
            server.serve_forever()
            print("serve_forever returned", server.is_running, flush=True)
        """)
        with subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) as p:
            try:
                port = int(p.stdout.readline())
                self.assertIn(b"200 OK", exchange(("127.0.0.1", port), graphql_request("{ users(limit: 1) { id } }",
                                                                                     keep_alive=False)))
                p.send_signal(sig)
                out, err = p.communicate(timeout=20)
            finally:
                if p.poll() is None:
                    p.kill()
        self.assertEqual(p.returncode, 0, err)
        self.assertIn("serve_forever returned False", out)
        self.assertIn("fraiseql-http: stopped", err)
        self.assertNotIn("Traceback", err)

    def test_sigint(self):
        self.serve_and_signal(signal.SIGINT)

    def test_sigterm(self):
        self.serve_and_signal(signal.SIGTERM)


class PanicTest(unittest.TestCase):
    def test_go_panic_becomes_an_exception_and_a_logged_stack(self):
        r = run_script("""
            from fraiseql_http import _native, GoPanicError
            try:
                _native.panic_for_test()
            except GoPanicError as e:
                print("raised:", e)
                print("stack has the function:", "fraiseql_panic_for_test" in e.stack)
            print("still alive")
        """)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("raised: fraiseql-http: Go panic: deliberate panic for the tests", r.stdout)
        self.assertIn("stack has the function: True", r.stdout)
        self.assertIn("still alive", r.stdout)
        # No server logger exists for this call: the stack goes to stderr
        # (never stdout) as one JSON line.
        self.assertIn('"msg":"bridge: panic in a C API call"', r.stderr)
        self.assertIn("main.fraiseql_panic_for_test", r.stderr)


    def test_panic_beyond_any_recover_is_a_fatal_error_with_the_stack(self):
        # A panic in a goroutine that no export can recover ends the
        # process, as it ends the binary: never silently, and never on stdout.
        r = run_script("""
            from fraiseql_http import _native
            server = create_http_app({schema!r}, config())
            server.start_sync()
            print("serving", flush=True)
            _native.panic_in_goroutine_for_test()
            time.sleep(10)
            print("still alive")
        """.replace("{schema!r}", repr(str(SCHEMA))))
        # In a c-shared library the runtime's fatal exit is abort(): SIGABRT.
        self.assertEqual(r.returncode, -signal.SIGABRT, r.stderr[-2000:])
        self.assertEqual(r.stdout, "serving\n")
        self.assertIn("panic: deliberate panic in a goroutine for the tests", r.stderr)
        self.assertIn("goroutine ", r.stderr)
        self.assertIn("main.fraiseql_panic_in_goroutine_for_test", r.stderr)


class ExitTest(unittest.TestCase):
    def test_interpreter_exits_with_the_server_running(self):
        t0 = time.monotonic()
        r = run_script(f"""
            server = create_http_app({str(SCHEMA)!r}, config())
            server.start_sync()
            keep = socket.create_connection(server.address)  # an idle keep-alive client
            print("running", server.is_running, flush=True)
        """, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("running True", r.stdout)
        self.assertEqual(r.stderr, "")
        self.assertLess(time.monotonic() - t0, 30)

    def test_stdout_carries_nothing_from_go(self):
        r = run_script(f"""
            with create_http_app({str(SCHEMA)!r}, config()) as server:
                ask(server.address)
        """)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "")


if __name__ == "__main__":
    unittest.main()
