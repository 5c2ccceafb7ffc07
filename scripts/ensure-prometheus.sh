#!/usr/bin/env bash
# Make Prometheus and promtool available for the tests of `seawall serve`
# (tests/daemon_serve.rs: a real Prometheus scrapes `seawall serve`, and `promtool check
# metrics` lints its output). Installs Debian's `prometheus` package (both binaries) when
# either is missing. The package's own service is not started (no init system runs here; on
# a host with one, it is stopped again); the tests start their own Prometheus on a free port.
#
# Safe to run repeatedly. Called by scripts/ensure-docker.sh.
set -euo pipefail

say() { printf 'ensure-prometheus: %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi
}

if command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; then
  say "prometheus and promtool are installed"
  exit 0
fi

say "installing prometheus (with promtool) from Debian"
as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  prometheus >/dev/null
# The package starts its service where an init system runs: the tests need no such daemon.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  as_root systemctl disable --now prometheus >/dev/null 2>&1 || true
fi
say "ready: $(prometheus --version 2>&1 | head -n1)"
