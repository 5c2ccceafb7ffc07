#!/usr/bin/env bash
# Make an sshd and the ssh client tools available for the SSH transport tests
# (tests/daemon_ssh.rs and the `ssh` bench: a throwaway sshd on a free non-22 port reaches the
# test daemon through `docker system dial-stdio`). Installs Debian's `openssh-server` (which
# brings openssh-client: ssh, ssh-keygen, ssh-agent) when sshd is missing; nothing else. The
# package's own service is not started (no init system runs here; on a host with one, it is
# stopped again); the tests start their own sshd with a generated host key and config.
#
# Safe to run repeatedly. Called by scripts/ensure-docker.sh.
set -euo pipefail

say() { printf 'ensure-ssh: %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi
}

have_sshd() { [ -x /usr/sbin/sshd ] || command -v sshd >/dev/null 2>&1; }

if have_sshd && command -v ssh >/dev/null 2>&1 && command -v ssh-agent >/dev/null 2>&1; then
  say "openssh-server and the ssh client are installed"
  exit 0
fi

say "installing openssh-server from Debian"
as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  openssh-server openssh-client >/dev/null
# The package starts its service where an init system runs: the tests need no such daemon.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  as_root systemctl disable --now ssh >/dev/null 2>&1 || true
fi
say "ready: $(ssh -V 2>&1 | head -n1)"
