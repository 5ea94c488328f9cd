#!/usr/bin/env bash
# Prints the path of a headless-capable Chromium, installing Debian's `chromium`
# package only when none is there (idempotent: a second run installs nothing).
# CHROMIUM=/path/to/chrome skips the lookup. Used by `make test-browser`.
set -euo pipefail
if [ -n "${CHROMIUM:-}" ]; then echo "$CHROMIUM"; exit 0; fi
for c in chromium chromium-browser google-chrome; do
	if p=$(command -v "$c"); then echo "$p"; exit 0; fi
done
if ! command -v apt-get >/dev/null; then
	echo "ensure-chromium: no chromium and no apt-get; set CHROMIUM=/path/to/chrome" >&2
	exit 1
fi
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
# Only refresh the package lists when apt does not know the package yet.
apt-cache show chromium >/dev/null 2>&1 || $sudo apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium >&2
command -v chromium
