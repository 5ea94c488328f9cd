"""fraiseql-http started from Python (fraiseql_http), for perf/pybridge/bench.sh.

  serve.py serve   SCHEMA DATABASE_URL     serve on 127.0.0.1:0 (production) until SIGTERM;
                                           prints the binary's "listening on http://..." line
  serve.py startup SCHEMA DATABASE_URL N   N x (await start(); first 200; await shutdown())
                                           in one process, after one library load; prints JSON

Only the standard library and fraiseql_http (PYTHONPATH=pybridge/python or
installed).
"""

import asyncio
import json
import socket
import statistics
import sys
import time


def config(schema, url):
    from fraiseql_http import HttpConfig
    return HttpConfig(host="127.0.0.1", port=0, database_url=url, schema=schema, environment="production",
                      enable_compression=False, enable_http2=False)


def serve(schema, url):
    from fraiseql_http import create_http_app
    server = create_http_app(None, config(schema, url))
    server.start_sync()
    print(f"fraiseql-http: listening on {server.url} (environment production, started from Python)",
          file=sys.stderr, flush=True)
    server.serve_forever()


def first_200(address):
    with socket.create_connection(address) as s:
        s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = s.recv(64)
    assert data.startswith(b"HTTP/1.1 200"), data


def startup(schema, url, n):
    t0 = time.perf_counter()
    from fraiseql_http import _native, create_http_app
    _native.load()
    load_ms = (time.perf_counter() - t0) * 1000

    async def main():
        starts, ready = [], []
        for _ in range(n):
            server = create_http_app(None, config(schema, url))
            t = time.perf_counter()
            await server.start()
            starts.append((time.perf_counter() - t) * 1000)
            first_200(server.address)
            ready.append((time.perf_counter() - t) * 1000)
            await server.shutdown()
        return starts, ready

    starts, ready = asyncio.run(main())

    def summary(xs):
        xs = sorted(xs)
        return {"median_ms": round(statistics.median(xs), 2), "p90_ms": round(xs[int(0.9 * (len(xs) - 1))], 2),
                "max_ms": round(xs[-1], 2), "min_ms": round(xs[0], 2)}

    print(json.dumps({"python": sys.version.split()[0], "runs": n, "library_load_ms": round(load_ms, 2),
                      "await_start": summary(starts), "start_to_first_200": summary(ready)}, indent=1))


if __name__ == "__main__":
    cmd, schema, url = sys.argv[1:4]
    if cmd == "serve":
        serve(schema, url)
    elif cmd == "startup":
        startup(schema, url, int(sys.argv[4]))
    else:
        sys.exit(f"unknown command {cmd}")
