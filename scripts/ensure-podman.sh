#!/usr/bin/env bash
# Make Podman available for the tests against Podman's Docker-compatible API
# (tests/daemon_podman.rs starts its own `podman system service` on a private socket, with
# its own storage and containers.conf). Installs Debian's `podman` package, with `crun`
# (its default OCI runtime) and `uidmap` (newuidmap/newgidmap, for rootless use), when any
# is missing, and creates the unprivileged system user `seawall-podman` (with subordinate
# uid/gid ranges) that the rootless test runs Podman as. No Podman service is started or
# enabled here: the tests run their own.
#
# Safe to run repeatedly. Called by scripts/ensure-docker.sh.
set -euo pipefail

say() { printf 'ensure-podman: %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi
}

missing=()
command -v podman >/dev/null 2>&1 || missing+=(podman)
command -v crun >/dev/null 2>&1 || missing+=(crun)
command -v newuidmap >/dev/null 2>&1 || missing+=(uidmap)

if [ "${#missing[@]}" -eq 0 ]; then
  say "podman, crun and uidmap are installed"
else
  say "installing ${missing[*]} from Debian"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    podman crun uidmap >/dev/null
fi
# The rootless test (tests/daemon_podman.rs) runs Podman as this unprivileged user, which
# needs subordinate uid and gid ranges for its user namespace.
ROOTLESS_USER=seawall-podman
SUBID_RANGE=2000000-2065535
if ! id "$ROOTLESS_USER" >/dev/null 2>&1; then
  say "creating the unprivileged user $ROOTLESS_USER (rootless Podman tests)"
  as_root useradd --system --create-home --home-dir "/var/lib/$ROOTLESS_USER" \
    --shell /usr/sbin/nologin "$ROOTLESS_USER"
fi
if ! grep -q "^$ROOTLESS_USER:" /etc/subuid 2>/dev/null; then
  as_root usermod --add-subuids "$SUBID_RANGE" "$ROOTLESS_USER"
fi
if ! grep -q "^$ROOTLESS_USER:" /etc/subgid 2>/dev/null; then
  as_root usermod --add-subgids "$SUBID_RANGE" "$ROOTLESS_USER"
fi
# The package may enable its socket where an init system runs: the tests need none.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  as_root systemctl disable --now podman.socket >/dev/null 2>&1 || true
fi
say "ready: $(podman --version) with $(crun --version | head -n1)"
