#!/usr/bin/env bash
# Creates a fresh benchmark database for the demo blog app and prints its URL.
#
#   perf/dataset.sh demo|medium|large [--reuse] [--tv]
#
#   demo    the demo app's own rows (12 users, 30 posts, 60 comments)
#   medium  + 10,000 users, 50,000 posts, 200,000 comments
#   large   + 100,000 users, 500,000 posts, 2,000,000 comments
#
# The database is fraiseql_bench_<size>; it is dropped and rebuilt unless
# --reuse is given and it already exists, built from the same SQL files (benchmarks that write must not run on
# the demo database that tests use). --tv also loads examples/blog/tv.sql after
# the data (the tv_ tables filled in bulk, then their sync triggers) into
# fraiseql_bench_<size>_tv, which serves both app.graphql and app-tv.graphql. The server comes from scripts/devdb.sh's
# rules: FRAISEQL_DATABASE_URL, or the local cluster brought up on demand.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
size=${1:?usage: perf/dataset.sh demo|medium|large [--reuse] [--tv]}
reuse= tv=
for opt in "${@:2}"; do
  case "$opt" in
    --reuse) reuse=--reuse ;;
    --tv) tv=1 ;;
    *) echo "dataset: unknown option $opt" >&2; exit 2 ;;
  esac
done
case "$size" in
  demo)   users=0;      posts=0;      comments=0 ;;
  medium) users=10000;  posts=50000;  comments=200000 ;;
  large)  users=100000; posts=500000; comments=2000000 ;;
  *) echo "dataset: unknown size $size" >&2; exit 2 ;;
esac
db=fraiseql_bench_$size${tv:+_tv}
demo_url=$("$here/scripts/devdb.sh")          # brings the server up, prints the demo URL
admin_url=${demo_url/\/fraiseql_demo//postgres}
url=${demo_url/\/fraiseql_demo//$db}
psql_admin() { psql "$admin_url" -v ON_ERROR_STOP=1 -Atq "$@"; }
exists=$(psql_admin -c "select 1 from pg_database where datname = '$db'")
# The database remembers what it was built from (a comment on it): --reuse
# rebuilds one made from other SQL files (an older schema.sql would lack the
# columns the current declarations read) or of unknown origin.
files=("$here/examples/blog/schema.sql" "$here/perf/dataset/generate.sql")
[ -n "$tv" ] && files+=("$here/examples/blog/tv.sql")
stamp="fraiseql-bench $size $(cat "${files[@]}" | md5sum | cut -c1-16)"
if [ "$reuse" = "--reuse" ] && [ "$exists" = 1 ]; then
  have=$(psql_admin -c "select shobj_description(oid, 'pg_database') from pg_database where datname = '$db'")
  if [ "$have" = "$stamp" ]; then
    echo "dataset: reusing $db" >&2
    echo "$url"; exit 0
  fi
  echo "dataset: $db was built from other SQL files (${have:-no stamp}); rebuilding it" >&2
fi
start=$(date +%s.%N)
[ "$exists" = 1 ] && psql_admin -c "drop database \"$db\" with (force)"
psql_admin -c "create database \"$db\" encoding 'UTF8' lc_collate 'C.UTF-8' lc_ctype 'C.UTF-8' template template0"
psql "$url" -v ON_ERROR_STOP=1 -q -f "$here/examples/blog/schema.sql" >&2
if [ "$users" -gt 0 ]; then
  psql "$url" -v ON_ERROR_STOP=1 -q -v users=$users -v posts=$posts -v comments=$comments \
    -f "$here/perf/dataset/generate.sql" >&2
fi
if [ -n "$tv" ]; then
  psql "$url" -v ON_ERROR_STOP=1 -q -f "$here/examples/blog/tv.sql" >&2
fi
psql_admin -c "comment on database \"$db\" is '$stamp'"
counts=$(psql "$url" -Atq -c "select (select count(*) from tb_user)||' users, '||(select count(*) from tb_post)||' posts, '||(select count(*) from tb_comment)||' comments'")
echo "dataset: $db ready ($counts) in $(awk "BEGIN{printf \"%.1f\", $(date +%s.%N) - $start}") s" >&2
echo "$url"
