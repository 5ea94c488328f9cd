#!/usr/bin/env bash
# Runs the FastAPI baseline in one uvicorn process (h11, asyncio loop):
#   perf/baseline/run.sh DATABASE_URL [PORT]    (PORT 0 = any free port)
# It announces "listening on http://127.0.0.1:PORT" (what fraiseql-bench
# looks for) and execs uvicorn, so the PID is the server's and RSS readings
# measure Python itself. The server is ready once /health answers 200.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export DATABASE_URL=${1:?usage: run.sh DATABASE_URL [PORT]}
port=${2:-0}
if [ "$port" = 0 ]; then
  port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
fi
export PYTHONPATH="$here/.pylib:$here"
echo "listening on http://127.0.0.1:$port (FastAPI baseline, uvicorn)" >&2
exec /usr/bin/python3 -m uvicorn app:app --host 127.0.0.1 --port "$port" --http h11 --loop asyncio \
  --no-access-log --log-level warning --timeout-keep-alive 5
