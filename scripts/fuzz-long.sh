#!/usr/bin/env bash
# The long fuzzing campaign (`make fuzz-long`, before each release): every
# fuzz target of every module for FUZZTIME_LONG (default 5m) each, then the
# inputs the fuzzer found interesting (its cache corpus) are copied into the
# package's testdata/fuzz/<Target>/, so the corpus lives in the tree, grows
# from one campaign to the next, and every `go test` replays it as seeds.
#
#   make fuzz-long                          # all targets, 5 minutes each
#   make fuzz-long FUZZTIME_LONG=30m TARGETS=FuzzParse   # one target, longer
#
# A failure stops the campaign; the failing input is in testdata/fuzz as go
# test writes it, to be committed with the fix.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
fuzztime=${FUZZTIME_LONG:-5m}
only=${TARGETS:-}
cache=$(go env GOCACHE)/fuzz
modules=$(find . -name go.mod -not -path './.git/*' -not -path './.cache/*' -not -path '*/node_modules/*' | sed 's|^\./||; s|/go.mod$||' | sort)
added=0
for m in $modules; do
	for pkg in $(cd "$m" && GOWORK=off go list ./...); do
		for f in $(cd "$m" && GOWORK=off go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
			if [ -n "$only" ] && ! grep -qw "$f" <<<"$only"; then continue; fi
			echo "== $pkg $f ($fuzztime)"
			(cd "$m" && GOWORK=off go test -run '^$' -fuzz "^$f\$" -fuzztime "$fuzztime" "$pkg")
			src=$cache/$pkg/$f
			dir=$(cd "$m" && GOWORK=off go list -f '{{.Dir}}' "$pkg")/testdata/fuzz/$f
			if [ -d "$src" ]; then
				mkdir -p "$dir"
				before=$(find "$dir" -type f | wc -l)
				cp -n "$src"/* "$dir"/ 2>/dev/null || true
				n=$(( $(find "$dir" -type f | wc -l) - before ))
				added=$(( added + n ))
				echo "   corpus: $n new inputs kept in ${dir#$root/}"
			fi
		done
	done
done
echo "fuzz-long: done; $added new corpus inputs in testdata/fuzz (review and commit them)"
