#!/usr/bin/env bash
# Make stunnel and openssl available for the TLS tests (tests/daemon_tls.rs: Debian's
# stunnel4 terminates TLS in front of /var/run/docker.sock, with a CA, daemon and client
# certificates the test makes). Installs Debian's `stunnel4` and `openssl` packages when
# either binary is missing. The package's own service is not started (the tests start their
# own stunnel on free localhost ports; on a host with an init system it is stopped again).
#
# Safe to run repeatedly. Called by scripts/ensure-docker.sh.
set -euo pipefail

say() { printf 'ensure-stunnel: %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi
}

missing=()
command -v stunnel4 >/dev/null 2>&1 || command -v stunnel >/dev/null 2>&1 || missing+=(stunnel4)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)

if [ "${#missing[@]}" -eq 0 ]; then
  say "stunnel and openssl are installed"
  exit 0
fi

say "installing ${missing[*]} from Debian"
as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  "${missing[@]}" >/dev/null
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  as_root systemctl disable --now stunnel4 >/dev/null 2>&1 || true
fi
say "ready: $( (stunnel4 -version 2>&1 || stunnel -version 2>&1) | grep -m1 '^stunnel')"
