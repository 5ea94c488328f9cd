#!/usr/bin/env bash
# What the container image does, run without a Docker engine (these machines
# have none): the Dockerfile's own build command on a clean export of HEAD,
# then the runtime stage's contract on this host, with the settings read from
# the Dockerfile and examples/compose/compose.yaml rather than repeated here.
#
#   scripts/image-check.sh [DATABASE_URL]     (make image-check; part of make test)
#
# Checked: the build stage's RUN command succeeds in a tree holding only
# committed files and prints the version; the binary is static (no ELF
# interpreter, so distroless/static can run it); two instances started with
# the image's ENV and the compose file's app environment, as distroless's
# nonroot user (uid 65532), pass the HEALTHCHECK command, answer a query with
# the demo's data and /ready, expose /metrics on the compose file's metrics
# listener, and stop within the compose stop_grace_period on SIGTERM with
# exit status 0. Not checked (needs an engine): the base images, COPY
# --from, the cache mounts, nginx in front.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
url=${1:-${FRAISEQL_DATABASE_URL:-$(scripts/devdb.sh)}}
# The image runs as a user with no name (uid 65532): like the compose file's
# URL, this one must name the database role.
case $url in
  postgres://*@* | postgresql://*@*) ;;
  postgres://* | postgresql://*) url=${url/:\/\//://$(id -un)@} ;;
esac
log() { echo "image-check: $*" >&2; }
fail() { log "FAIL: $*"; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# The Dockerfile's instructions with their continuation lines joined.
instructions=$(sed -e ':a' -e '/\\$/N; s/\\\n//; ta' Dockerfile | grep -v '^[[:space:]]*#')

# 1. The build stage: COPY . . of a clean tree, then its RUN command verbatim
# (BuildKit's --mount options dropped: the host's Go caches stand in for them).
run=$(grep -m1 '^RUN ' <<<"$instructions" | sed -e 's/^RUN //' -e 's/--mount=[^ ]* *//g')
[ -n "$run" ] || fail "no RUN instruction in the Dockerfile"
mkdir -p "$work/src"
git archive HEAD | tar -x -C "$work/src"
rev=$(git rev-parse --short=12 HEAD)
log "build stage: $run (VCS_REVISION=$rev)"
(cd "$work/src" && VCS_REVISION=$rev GOFLAGS=${GOFLAGS:--buildvcs=false} bash -c "$run") >"$work/build.log" 2>&1 ||
  { cat "$work/build.log" >&2; fail "the build stage's command failed"; }
grep -q "$rev" "$work/build.log" || { cat "$work/build.log" >&2; fail "fraiseql-http version did not print the revision $rev"; }
bin=$work/src/bin/fraiseql-http
# Program header types of the 64-bit ELF: 3 is PT_INTERP (a loader), 2 is
# PT_DYNAMIC (shared libraries); a static Go binary has neither.
kinds=$(python3 - "$bin" <<'PY'
import struct, sys
f = open(sys.argv[1], "rb").read()
assert f[:4] == b"\x7fELF" and f[4] == 2, "not a 64-bit ELF file"
phoff, = struct.unpack_from("<Q", f, 0x20)
phentsize, phnum = struct.unpack_from("<HH", f, 0x36)
print(" ".join(str(struct.unpack_from("<I", f, phoff + i * phentsize)[0]) for i in range(phnum)))
PY
)
for k in $kinds; do
  [ "$k" = 3 ] && fail "the binary needs an ELF interpreter: distroless/static cannot run it"
  [ "$k" = 2 ] && fail "the binary links shared libraries"
done
log "static binary: $(du -h "$bin" | cut -f1), no interpreter, no shared libraries"

# 2. The runtime stage: the image's ENV, the schema where the image puts it.
mkdir -p "$work/app"
cp "$(grep -m1 '^COPY --from=build /src/examples/' <<<"$instructions" | awk '{print $3}' | sed 's#^/src/##')" "$work/app/app.graphql"
chmod -R a+rX "$work"
envs=()
while read -r kv; do
  k=${kv%%=*}; v=${kv#*=}
  [ "$k" = FRAISEQL_SCHEMA ] && v=$work/app/app.graphql
  envs+=("$k=$v")
done < <(grep '^ENV ' <<<"$instructions" | sed 's/^ENV //' | tr -s ' ' '\n' | grep '=')
[ ${#envs[@]} -ge 4 ] || fail "could not read the Dockerfile's ENV (${envs[*]})"
# The compose file's app environment (the anchor both instances share).
while read -r kv; do envs+=("$kv"); done < <(
  sed -n '/^  app1: &app/,/^    depends_on:/p' examples/compose/compose.yaml |
    sed -n 's/^      \(FRAISEQL_[A-Z_0-9]*\): "\{0,1\}\([^"]*\)"\{0,1\}$/\1=\2/p')
healthcmd=$(grep -m1 '^HEALTHCHECK' <<<"$instructions" | sed 's/.*CMD \[\(.*\)\]/\1/' | tr -d '",')
stopgrace=$(sed -n 's/^    stop_grace_period: \([0-9]*\)s$/\1/p' examples/compose/compose.yaml | head -1)
[ -n "$healthcmd" ] && [ -n "$stopgrace" ] || fail "no HEALTHCHECK or stop_grace_period found"

# distroless's nonroot user; only root can switch to it.
uid=65532
asuser=(setpriv --reuid=$uid --regid=$uid --clear-groups)
if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null; then
  uid=$(id -u); asuser=()
  log "not root (or no setpriv): the instances run as uid $uid, not the image's 65532"
fi
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
start() { # start NAME: an instance as uid 65532 with the image's settings
  local name=$1 port metrics
  port=$(freeport); metrics=$(freeport)
  local e=()
  for kv in "${envs[@]}"; do
    case $kv in
      FRAISEQL_PORT=*) e+=("FRAISEQL_PORT=$port") ;;
      FRAISEQL_METRICS_LISTEN=*) e+=("FRAISEQL_METRICS_LISTEN=127.0.0.1:$metrics") ;;
      FRAISEQL_DATABASE_URL=*) ;;
      *) e+=("$kv") ;;
    esac
  done
  env -i PATH=/usr/bin:/bin "${e[@]}" FRAISEQL_DATABASE_URL="$url" \
    "${asuser[@]}" "$bin" serve >"$work/$name.log" 2>&1 &
  pids+=($!)
  eval "${name}_pid=$! ${name}_port=$port ${name}_metrics=$metrics"
}
start app1
start app2
for name in app1 app2; do
  port=${name}_port; port=${!port}
  ok=0
  for _ in $(seq 1 50); do # the HEALTHCHECK's start period and retries
    if env FRAISEQL_PORT="$port" ${healthcmd/\/usr\/local\/bin\/fraiseql-http/$bin} 2>/dev/null; then ok=1; break; fi
    sleep 0.2
  done
  [ $ok = 1 ] || { cat "$work/$name.log" >&2; fail "$name: the HEALTHCHECK command never passed"; }
  user=$(ps -o uid= -p "$(eval echo \$${name}_pid)" | tr -d ' ')
  [ "$user" = "$uid" ] || fail "$name runs as uid $user"
  body=$(curl -fsS "http://127.0.0.1:$port/graphql" -H 'content-type: application/json' \
    -d '{"query":"{ user(id: \"11111111-1111-4111-8111-111111111101\") { firstName } }"}')
  # (the compose file runs the development environment: __typename is added)
  [ "$body" = '{"data":{"user":{"__typename":"User","firstName":"Ana"}}}' ] || fail "$name answered $body"
  curl -fsS -o /dev/null "http://127.0.0.1:$port/ready" || fail "$name: /ready is not 200"
  m=${name}_metrics
  curl -fsS "http://127.0.0.1:${!m}/metrics" | grep -q '^fraiseql_http_requests_total' ||
    fail "$name: no Prometheus metrics on the compose file's metrics listener"
  grep -q '"msg"' "$work/$name.log" || fail "$name: the log is not JSON (FRAISEQL_LOG_FORMAT)"
  log "$name: healthy as uid $uid on :$port, query, /ready and /metrics (:${!m}) answered, JSON logs"
done

# docker stop: SIGTERM, then SIGKILL after the grace period.
for name in app1 app2; do
  pid=${name}_pid; pid=${!pid}
  start=$(date +%s%N)
  kill -TERM "$pid"
  rc=0
  timeout "$stopgrace" tail --pid="$pid" -f /dev/null || fail "$name did not stop within ${stopgrace}s of SIGTERM"
  wait "$pid" || rc=$?
  [ $rc = 0 ] || { cat "$work/$name.log" >&2; fail "$name exited with status $rc after SIGTERM"; }
  log "$name: stopped on SIGTERM in $(( ($(date +%s%N) - start) / 1000000 )) ms, exit 0"
done
pids=()
log "ok"
