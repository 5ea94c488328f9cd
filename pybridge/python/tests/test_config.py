"""HttpConfig, create_http_app's argument handling, select_server: no database."""

from __future__ import annotations

import dataclasses
import os
import unittest
from unittest import mock

from tests.support import SCHEMA  # noqa: F401  (puts the package on sys.path)

import fraiseql_http
from fraiseql_http import HttpConfig, create_http_app, select_server
from fraiseql_http import _native


class HttpConfigTest(unittest.TestCase):
    def test_phase16_defaults(self):
        c = HttpConfig()
        self.assertEqual((c.host, c.port, c.max_connections, c.request_timeout_ms, c.workers,
                          c.enable_compression, c.enable_http2),
                         ("0.0.0.0", 8000, 10000, 30000, None, True, True))

    def test_invalid_values_name_the_field(self):
        cases = {
            "port": 70000, "max_connections": -1, "request_timeout_ms": 0, "workers": 0,
            "enable_compression": "yes", "host": "", "environment": "staging", "pool_size": 0,
            "apq_mode": "sometimes", "cors_origins": [1], "shutdown_timeout": -1, "log_fd": 1,
            "server_header": "a\r\nb", "introspection": "open", "log_level": "loud",
            "compression_min_bytes": -1, "tls_cert": 5,
            "max_connections_overflow": "drop", "subscriptions": "maybe", "subscriptions_channel": "",
            "ws_max_subscriptions": 0, "ws_queue": 0, "ws_max_message": 0, "ws_paths": ["graphql"],
            "metrics_path": "metrics", "metrics_listen": "9090", "rate_limit": -1, "rate_limit_key": "user",
            "request_id_header": "sometimes", "otel_sample_ratio": 2, "write_timeout": -1,
            "max_response_bytes": -1, "schema_check": "maybe",
        }
        for name, value in cases.items():
            with self.subTest(name):
                with self.assertRaises(ValueError) as cm:
                    HttpConfig(**{name: value})
                self.assertIn(f"HttpConfig.{name}:", str(cm.exception))

    def test_tls_files_go_together(self):
        with self.assertRaisesRegex(ValueError, "HttpConfig.tls_key: None tls_cert and tls_key go together"):
            HttpConfig(tls_cert="cert.pem")
        o = HttpConfig(tls_cert="c.pem", tls_key="k.pem", compression_min_bytes=0).to_options()
        self.assertEqual((o["flags"]["tls-cert"], o["flags"]["tls-key"], o["flags"]["compression-min-bytes"]),
                         ("c.pem", "k.pem", 0))

    def test_bool_is_not_an_int(self):
        with self.assertRaisesRegex(ValueError, "HttpConfig.port"):
            HttpConfig(port=True)

    def test_options_use_flag_names(self):
        c = HttpConfig(port=0, database_url="postgres:///x", schema="a.graphql", cors_origins="https://a, https://b",
                       session_var={"app.tenant_id": "tenant_id"}, shutdown_timeout=1.5, playground=False,
                       workers=2, request_timeout_ms=1234)
        o = c.to_options()
        self.assertEqual(o["flags"], {
            "host": "0.0.0.0", "port": 0, "max-connections": 10000, "schema": "a.graphql",
            "database-url": "postgres:///x", "playground": False, "shutdown-timeout": "1500000000ns",
            "session-var": ["app.tenant_id=tenant_id"], "cors-origins": ["https://a", "https://b"],
        })
        self.assertEqual((o["workers"], o["request_timeout_ms"], o["enable_compression"], o["enable_http2"]),
                         (2, 1234, True, True))

    def test_every_field_refuses_a_value_of_the_wrong_type(self):
        # A field added without a check in validate() fails here: no value
        # may reach the Go side unchecked.
        for f in dataclasses.fields(HttpConfig):
            with self.subTest(f.name):
                with self.assertRaises(ValueError) as cm:
                    HttpConfig(**{f.name: object()})
                self.assertIn(f"HttpConfig.{f.name}:", str(cm.exception))

    def test_go_error_lines_name_the_field(self):
        from fraiseql_http.config import field_of_go_error
        cases = {
            'metrics path: "/graphql" is a route of the app': "metrics_path",
            'invalid value "x" for flag -ws-queue: parse error': "ws_queue",
            "execution timeout: 0s must be positive": "request_timeout_ms",
            "tls: --tls-cert and --tls-key go together": "tls_cert",
            'max connections overflow: "x" is not wait or reject': "max_connections_overflow",
            "ws max subscriptions, queue and max message: must be at least 1": "ws_max_subscriptions",
            "something else entirely": None,
        }
        for line, want in cases.items():
            with self.subTest(line):
                self.assertEqual(field_of_go_error(line), want)

    def test_every_server_flag_has_a_field(self):
        # The flag list comes from the loaded library (httpcore's own usage
        # text): a flag added to the server without a field here fails.
        fields = HttpConfig.flag_fields()
        names = {f.name for f in dataclasses.fields(HttpConfig)}
        for flag in _native.flag_names():
            with self.subTest(flag):
                self.assertTrue(flag in fields, f"--{flag} has no HttpConfig field")
                self.assertIn(fields[flag], names)
        # And the other way: every field but the bridge's own is a flag the
        # server knows (a stale field would be refused by Go at start).
        flags = set(_native.flag_names())
        for flag, name in fields.items():
            with self.subTest(field=name):
                self.assertIn(flag, flags, f"HttpConfig.{name} has no --{flag} in the server")

    def test_plan_aliases(self):
        self.assertIs(fraiseql_http.RustHttpConfig, HttpConfig)
        self.assertIs(fraiseql_http.RustHttpServer, fraiseql_http.HttpServer)
        self.assertIs(fraiseql_http.create_rust_http_app, create_http_app)
        self.assertEqual(HttpConfig().to_rust_dict(), HttpConfig().to_options())


class CreateHttpAppTest(unittest.TestCase):
    def test_db_pool_and_auth_provider(self):
        class Pool:
            conninfo = "postgres:///from_pool"

        class Auth0Config:
            domain = "tenant.example.auth0.com"
            api_identifier = "https://api.example"

        s = create_http_app(str(SCHEMA), HttpConfig(port=0), auth_provider=Auth0Config(), db_pool=Pool())
        self.assertEqual(s.config.database_url, "postgres:///from_pool")
        self.assertEqual((s.config.auth0_domain, s.config.auth0_audience),
                         ("tenant.example.auth0.com", "https://api.example"))
        s = create_http_app(str(SCHEMA), db_pool="postgres:///dsn",
                            auth_provider={"auth_jwt_secret": "x" * 32, "auth_jwt_algorithm": ["HS256"]})
        self.assertEqual((s.config.database_url, s.config.auth_jwt_secret), ("postgres:///dsn", "x" * 32))
        with self.assertRaisesRegex(ValueError, "auth_provider: unknown setting.*secret"):
            create_http_app(str(SCHEMA), auth_provider={"secret": "x"})
        with self.assertRaisesRegex(TypeError, "db_pool"):
            create_http_app(str(SCHEMA), db_pool=42)

    def test_config_is_not_mutated(self):
        cfg = HttpConfig(port=0)
        create_http_app(str(SCHEMA), cfg, db_pool="postgres:///x")
        self.assertIsNone(cfg.database_url)
        self.assertIsNone(cfg.schema)

    def test_sdl_text_becomes_a_file(self):
        sdl = 'type Query { ping: String }\n'
        s = create_http_app(sdl, HttpConfig(port=0))
        self.assertTrue(os.path.exists(s.config.schema))
        with open(s.config.schema, encoding="utf-8") as f:
            self.assertEqual(f.read(), sdl)
        path = s.config.schema
        del s
        import gc
        gc.collect()
        self.assertFalse(os.path.exists(path))


class SelectServerTest(unittest.TestCase):
    def pick(self, value):
        env = {} if value is None else {"FRAISEQL_HTTP_SERVER": value}
        with mock.patch.dict(os.environ, env, clear=False):
            if value is None:
                os.environ.pop("FRAISEQL_HTTP_SERVER", None)
            return select_server(fastapi=lambda: "fastapi-app", go=lambda: "go-server")

    def test_values(self):
        for value, want in [("fastapi", "fastapi-app"), ("FastAPI", "fastapi-app"), ("go", "go-server"),
                            ("rust", "go-server"), ("axum", "go-server"), (None, "go-server"), ("", "go-server")]:
            with self.subTest(value):
                self.assertEqual(self.pick(value), want)

    def test_typo_is_an_error(self):
        with self.assertRaisesRegex(ValueError, "FRAISEQL_HTTP_SERVER='fastpi'"):
            self.pick("fastpi")

    def test_only_the_chosen_factory_runs(self):
        calls = []
        with mock.patch.dict(os.environ, {"FRAISEQL_HTTP_SERVER": "fastapi"}):
            select_server(fastapi=lambda: calls.append("f"), go=lambda: calls.append("g"))
        self.assertEqual(calls, ["f"])


if __name__ == "__main__":
    unittest.main()
