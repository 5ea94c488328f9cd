#!/usr/bin/env bash
# Makes a PostgreSQL database with the demo app loaded and prints its URL on stdout.
#
#   scripts/devdb.sh            ensure the demo database exists (load it if missing)
#   scripts/devdb.sh --reload   drop and reload it from examples/blog/schema.sql
# Either way the subscriptions trigger (subscriptions/sql/fraiseql_notify.sql and
# examples/blog/subscriptions.sql) is installed when it is missing.
#
# Where the server comes from:
#   - FRAISEQL_DATABASE_URL set: that server is used as is (its database part is ignored;
#     the role must be allowed to create databases);
#   - otherwise the local Debian cluster: started if it is down, and a superuser role for
#     the current OS user created if missing; connections go through the Unix socket.
# Diagnostics go to stderr; only the URL goes to stdout.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
schema_sql="$here/examples/blog/schema.sql"
subs_sql="$here/examples/blog/subscriptions.sql"
dbname="${FRAISEQL_DEMO_DB:-fraiseql_demo}"
reload=0
[ "${1:-}" = "--reload" ] && reload=1

log() { echo "devdb: $*" >&2; }

# with_db URL DB: replace the database part of a postgres URL (keeps query parameters).
with_db() {
  local url=$1 db=$2 base query=""
  case "$url" in *\?*) base=${url%%\?*}; query="?${url#*\?}";; *) base=$url;; esac
  # strip a trailing /dbname after the authority (postgres://auth@host:port/db)
  local rest=${base#*://}
  case "$rest" in */*) base="${base%/*}";; esac
  echo "${base}/${db}${query}"
}

if [ -n "${FRAISEQL_DATABASE_URL:-}" ]; then
  admin_url=$(with_db "$FRAISEQL_DATABASE_URL" postgres)
else
  command -v pg_lsclusters >/dev/null || { log "no FRAISEQL_DATABASE_URL and no local PostgreSQL (apt-get install postgresql)"; exit 1; }
  read -r ver cluster _ < <(pg_lsclusters -h | head -1) || { log "no PostgreSQL cluster found"; exit 1; }
  if ! pg_lsclusters -h | awk '{print $4}' | head -1 | grep -q online; then
    log "starting PostgreSQL $ver/$cluster"
    pg_ctlcluster --skip-systemctl-redirect "$ver" "$cluster" start || [ $? -eq 2 ]
  fi
  sock=/var/run/postgresql
  for _ in $(seq 1 50); do pg_isready -q -h "$sock" && break; sleep 0.2; done
  me=$(id -un)
  if ! psql -h "$sock" -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
    log "creating superuser role $me"
    su postgres -c "createuser -s '$me'" >&2 || true
  fi
  admin_url="postgres:///postgres?host=$sock"
fi

psql_admin() { psql "$admin_url" -v ON_ERROR_STOP=1 -Atq "$@"; }

exists=$(psql_admin -c "select 1 from pg_database where datname = '$dbname'")
if [ "$reload" = 1 ] && [ "$exists" = 1 ]; then
  log "dropping $dbname"
  psql_admin -c "drop database \"$dbname\" with (force)"
  exists=""
fi
db_url=$(with_db "$admin_url" "$dbname")
if [ "$exists" != 1 ]; then
  log "creating $dbname and loading $schema_sql"
  psql_admin -c "create database \"$dbname\" encoding 'UTF8' lc_collate 'C.UTF-8' lc_ctype 'C.UTF-8' template template0"
  psql "$db_url" -v ON_ERROR_STOP=1 -q -f "$schema_sql" >&2
fi
# Change events for the demo's subscriptions (examples/blog/subscriptions.graphql):
# the shipped trigger function, installed on tb_post and tb_comment. Both files
# are idempotent; a database made before subscriptions gets them here.
if [ "$(psql "$db_url" -Atqc "select count(*) from pg_trigger where tgname = 'fraiseql_notify'")" != 2 ]; then
  log "installing the subscriptions trigger in $dbname"
  PGOPTIONS="-c client_min_messages=warning" psql "$db_url" -v ON_ERROR_STOP=1 -q -f "$here/subscriptions/sql/fraiseql_notify.sql" -f "$subs_sql" >/dev/null
fi
if [ "$(psql "$db_url" -Atqc "select count(*) from pg_attribute where attrelid = 'v_comment'::regclass and attname = 'post_id'")" != 1 ]; then
  log "$dbname predates v_comment.post_id (commentAdded(postId:) needs it): scripts/devdb.sh --reload makes it afresh"
fi
# v_post.author (Post.author's @column, 2026-12-05): a database made before it
# gets the view's current definition (a column added at the end, the rest as it was).
if [ "$(psql "$db_url" -Atqc "select count(*) from pg_attribute where attrelid = 'v_post'::regclass and attname = 'author'")" != 1 ]; then
  log "adding v_post.author to $dbname (from $schema_sql)"
  awk '/^CREATE VIEW v_post AS/ {p=1; sub(/^CREATE VIEW/, "CREATE OR REPLACE VIEW")} p {print} p && /^FROM tb_post p;/ {exit}' "$schema_sql" |
    psql "$db_url" -v ON_ERROR_STOP=1 -q >&2
fi
echo "$db_url"
