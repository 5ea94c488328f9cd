#!/usr/bin/env bash
# Installs what the FastAPI baseline needs (idempotent): Debian's FastAPI,
# uvicorn, psycopg 3 and its pool, and a folder holding only graphql-core 3.2
# (Debian's graphql-core is 2.3, too old) taken from the pyenv python3.
# Prints nothing on success when everything is already there.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
pkgs=(python3-fastapi python3-uvicorn python3-psycopg python3-psycopg-pool)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "baseline: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq "${missing[@]}" >&2
fi
gq="$here/.pylib"
if ! PYTHONPATH="$gq" /usr/bin/python3 -c 'import graphql, sys; sys.exit(graphql.version_info.major != 3 or graphql.version_info.minor < 2)' 2>/dev/null; then
  src=$(python3 -c 'import graphql,os;print(os.path.dirname(graphql.__file__))' 2>/dev/null || true)
  ver=$(python3 -c 'import graphql;print(graphql.__version__)' 2>/dev/null || true)
  case "$ver" in 3.2.*) ;; *) echo "baseline: need graphql-core 3.2 in python3 (found '$ver')" >&2; exit 1 ;; esac
  mkdir -p "$gq"
  rm -rf "$gq/graphql"
  cp -r "$src" "$gq/graphql"
  echo "baseline: graphql-core $ver copied to $gq" >&2
fi
