#!/usr/bin/env bash
# Make a Docker daemon available for seawall's tests and benchmarks.
#
# - If a daemon already answers (DOCKER_HOST or the default socket), use it.
# - Otherwise install Debian's docker.io (and busybox-static for the test image),
#   start dockerd in the background and wait for its socket.
# - Then build the local test image `seawall-test/busybox:latest` FROM scratch with a
#   static busybox (no registry is reachable from CI).
# - Then Prometheus and promtool for the tests of `seawall serve` (scripts/ensure-prometheus.sh).
#
# Safe to run repeatedly. Prints what it did; exits non-zero if no daemon could be had.
set -euo pipefail

IMAGE="${SEAWALL_TEST_IMAGE:-seawall-test/busybox:latest}"
LOG="${SEAWALL_DOCKERD_LOG:-/tmp/seawall-dockerd.log}"
DOCKER_BIN="$(command -v docker || true)"

say() { printf 'ensure-docker: %s\n' "$*" >&2; }

daemon_answers() {
  [ -n "$DOCKER_BIN" ] && timeout 10 "$DOCKER_BIN" version --format '{{.Server.Version}}' >/dev/null 2>&1
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi
}

install_packages() {
  local missing=()
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  [ -x /bin/busybox ] && file_is_static /bin/busybox || missing+=(busybox-static)
  # The console's end-to-end tests drive the real binary inside tmux.
  command -v tmux >/dev/null 2>&1 || missing+=(tmux)
  if [ "${#missing[@]}" -gt 0 ]; then
    say "installing ${missing[*]} from Debian"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    # Keep any docker CLI that is already on PATH (a newer client is fine against an older daemon).
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" iptables >/dev/null
  fi
  DOCKER_BIN="$(command -v docker || true)"
}

file_is_static() {
  # busybox-static installs /bin/busybox as a static binary; the dynamic `busybox` package does not.
  ! ldd "$1" >/dev/null 2>&1
}

# A daemon killed hard leaves its pid file behind, and dockerd refuses to start while the
# pid in it still names a process (even a zombie). Remove pid files of dead daemons.
clear_stale_pidfile() {
  local file="$1" name="$2" pid state comm
  [ -f "$file" ] || return 0
  pid="$(cat "$file" 2>/dev/null || true)"
  if [ -n "$pid" ] && [ -r "/proc/$pid/stat" ]; then
    state="$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)"
    comm="$(cat "/proc/$pid/comm" 2>/dev/null || true)"
    if [ "$comm" = "$name" ] && [ "$state" != "Z" ]; then
      return 0
    fi
  fi
  say "removing stale $file (pid ${pid:-?} is not a running $name)"
  as_root rm -f "$file"
}

# The pid of a live dockerd named by its pid file (empty when there is none).
live_dockerd() {
  local pid
  pid="$(cat /var/run/docker.pid 2>/dev/null || true)"
  if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null || true)" = dockerd ] &&
    [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)" != Z ]; then
    echo "$pid"
  fi
}

start_dockerd() {
  # A dockerd that does not answer yet may be starting or shutting down (it holds its pid
  # file either way, and a second one would refuse to start): wait for it to answer or exit.
  if [ -n "$(live_dockerd)" ]; then
    say "dockerd (pid $(live_dockerd)) is running but not answering yet; waiting for it"
    for _ in $(seq 1 120); do
      if daemon_answers; then say "dockerd is up"; return 0; fi
      [ -z "$(live_dockerd)" ] && break
      sleep 0.5
    done
    if [ -n "$(live_dockerd)" ]; then
      say "dockerd (pid $(live_dockerd)) neither answers nor exits after 60 s; stop it and retry"
      return 1
    fi
  fi
  clear_stale_pidfile /var/run/docker.pid dockerd
  clear_stale_pidfile /var/run/docker/containerd/containerd.pid containerd
  say "starting dockerd in the background (log: $LOG)"
  # iptables-legacy works in more sandboxes than nft.
  if command -v update-alternatives >/dev/null 2>&1 && [ -x /usr/sbin/iptables-legacy ]; then
    as_root update-alternatives --set iptables /usr/sbin/iptables-legacy >/dev/null 2>&1 || true
    as_root update-alternatives --set ip6tables /usr/sbin/ip6tables-legacy >/dev/null 2>&1 || true
  fi
  # In a session of its own: a daemon started from a job must outlive that job, even when
  # its whole process group is killed (a CI step that times out, an agent's shell).
  if command -v setsid >/dev/null 2>&1; then
    as_root setsid -f sh -c "exec dockerd --host=unix:///var/run/docker.sock >>'$LOG' 2>&1 </dev/null"
  else
    as_root sh -c "nohup dockerd --host=unix:///var/run/docker.sock >>'$LOG' 2>&1 &"
  fi
  for _ in $(seq 1 120); do
    if daemon_answers; then say "dockerd is up"; return 0; fi
    sleep 0.5
  done
  say "dockerd did not answer within 60 s; last log lines:"
  tail -n 30 "$LOG" >&2 || true
  return 1
}

build_test_image() {
  if "$DOCKER_BIN" image inspect "$IMAGE" >/dev/null 2>&1; then return 0; fi
  local busybox
  busybox="$(command -v busybox || true)"
  [ -x /bin/busybox ] && busybox=/bin/busybox
  if [ -z "$busybox" ] || ! file_is_static "$busybox"; then
    say "a static busybox is needed (Debian's busybox-static)"; return 1
  fi
  local ctx
  ctx="$(mktemp -d)"
  cp "$busybox" "$ctx/busybox"
  cat >"$ctx/Dockerfile" <<'DOCKERFILE'
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
ENV PATH=/bin
CMD ["/bin/sh"]
DOCKERFILE
  say "building $IMAGE FROM scratch with a static busybox"
  # The classic builder works on every engine version without buildx.
  DOCKER_BUILDKIT=0 "$DOCKER_BIN" build -q -t "$IMAGE" "$ctx" >/dev/null
  rm -rf "$ctx"
}

if daemon_answers; then
  say "a daemon already answers"
  install_packages
else
  install_packages
  start_dockerd
fi
build_test_image
# `seawall serve` is tested against a real Prometheus (and its output linted by promtool).
bash "$(dirname "$0")/ensure-prometheus.sh"
# The TLS tests put stunnel in front of the daemon socket.
bash "$(dirname "$0")/ensure-stunnel.sh"
# Podman's Docker-compatible API is tested against a real `podman system service`.
bash "$(dirname "$0")/ensure-podman.sh"
# The SSH transport is tested against a real sshd (Debian's openssh-server).
bash "$(dirname "$0")/ensure-ssh.sh"
say "ready: $("$DOCKER_BIN" version --format 'engine {{.Server.Version}}, API {{.Server.APIVersion}}')"
