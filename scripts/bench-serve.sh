#!/usr/bin/env bash
# The `seawall serve` benchmark (benches/serve.rs): CPU and RSS of `serve` idle at N
# containers (default 500), on a PRIVATE Docker daemon so the fleet never lands on a daemon
# other people or tests use. The private dockerd runs in its own network namespace
# (`unshare --net`: with --bridge=none it would otherwise delete the host's docker0), with its
# own socket, data root, exec root and pid file; the test image is copied into it with
# `docker save | docker load`. It is stopped when the script ends (its data root is kept, so a
# second run reuses the fleet; remove /var/lib/sw-serve to start over).
#
#   scripts/bench-serve.sh [N] [--idle-secs S] [--scrape-secs P]
#                                   # table on stdout and in target/bench/serve.md
set -euo pipefail

cd "$(dirname "$0")/.."
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
OUT="$TARGET_DIR/bench/serve.md"
SOCK=/var/run/sw-serve.sock
HOST="unix://$SOCK"
IMAGE="${SEAWALL_TEST_IMAGE:-seawall-test/busybox:latest}"
LOG=/tmp/sw-serve-dockerd.log

scripts/ensure-docker.sh

pid=""
stop_daemon() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
}
trap stop_daemon EXIT

echo "bench-serve: starting a private dockerd on $SOCK (log: $LOG)" >&2
mkdir -p /var/lib/sw-serve /var/run/sw-serve
# Its own (empty) configuration, so the host's daemon.json is not read.
echo '{}' >/var/run/sw-serve/daemon.json
unshare --net dockerd --host "$HOST" --data-root /var/lib/sw-serve \
  --exec-root /var/run/sw-serve --pidfile /var/run/sw-serve.pid \
  --config-file /var/run/sw-serve/daemon.json \
  --bridge=none --iptables=false --ip-masq=false >>"$LOG" 2>&1 &
pid=$!
for _ in $(seq 1 120); do
  DOCKER_HOST="$HOST" docker version >/dev/null 2>&1 && break
  sleep 0.5
done
DOCKER_HOST="$HOST" docker version --format 'private daemon: engine {{.Server.Version}}' >&2
if ! DOCKER_HOST="$HOST" docker image inspect "$IMAGE" >/dev/null 2>&1; then
  docker save "$IMAGE" | DOCKER_HOST="$HOST" docker load >/dev/null
fi

cargo build --release --quiet
mkdir -p "$TARGET_DIR/bench"
# The driver (benches/serve.rs) only creates the fleet, scrapes and reads /proc: it is built in
# the test profile (`cargo test --bench`), so the fat-LTO release build happens once, for the
# binary under test (target/release/seawall; SW_BENCH_SEAWALL overrides).
DOCKER_HOST="$HOST" cargo test --quiet --bench serve -- "${@:-500}" | tee "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "bench-serve: report saved to $OUT" >&2
