#!/usr/bin/env bash
# Run tests the way a busy host would see them: 60 foreign containers with ongoing activity
# (execs into them, files written inside, create/remove churn) on the same daemon while the
# tests run, optionally with extra CPU load.
#
#   scripts/busy-host.sh [--containers N] [--cpu N] [--settle S] [--keep] [-- cargo test args...]
#       N containers (default 60) `sw-busy-<run>-<i>` labelled seawall.busy=<run>, running
#       for S seconds (default 70) with their activity before the tests start (a host that
#       already runs them, not one where they all just started);
#       --cpu N adds N busy loops (a loaded machine); without test arguments the whole
#       suite runs through scripts/test.sh (which lists the failed tests at the end).
#   scripts/busy-host.sh --cleanup   # remove every container labelled seawall.busy
#
# Examples:
#   scripts/busy-host.sh                                   # the whole suite on a busy daemon
#   scripts/busy-host.sh -- --test daemon_activity drift   # one binary, one filter
#
# Uses DOCKER_HOST like the tests. Everything it starts is removed when it ends (also on
# Ctrl-C); the exit code is the tests'.
set -euo pipefail
cd "$(dirname "$0")/.."

N=60
CPU=0
SETTLE=70
KEEP=0
IMAGE="${SEAWALL_TEST_IMAGE:-seawall-test/busybox:latest}"
RUN="$$-$(date +%s)"
LABEL="seawall.busy"
say() { printf 'busy-host: %s\n' "$*" >&2; }

if [ "${1:-}" = "--cleanup" ]; then
  ids="$(docker ps -aq --filter "label=$LABEL")"
  [ -z "$ids" ] || docker rm -f $ids >/dev/null
  say "removed $(printf '%s' "$ids" | grep -c . || true) container(s)"
  exit 0
fi
while [ $# -gt 0 ]; do
  case "$1" in
    --containers) N="$2"; shift 2 ;;
    --cpu) CPU="$2"; shift 2 ;;
    --settle) SETTLE="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --) shift; break ;;
    *) say "unknown option $1"; exit 2 ;;
  esac
done

bash scripts/ensure-docker.sh

PIDS=()
cleanup() {
  # The loops first (and the docker command each may be running), then twice by label: a
  # `docker run` under way when its loop stopped may still finish.
  for p in "${PIDS[@]}"; do
    pkill -P "$p" 2>/dev/null || true
    kill "$p" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  if [ "$KEEP" -eq 0 ]; then
    for _ in 1 2; do
      ids="$(docker ps -aq --filter "label=$LABEL=$RUN")"
      [ -z "$ids" ] || docker rm -f $ids >/dev/null 2>&1 || true
      sleep 2
    done
    say "removed the busy containers of run $RUN"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "starting $N containers (label $LABEL=$RUN)"
for i in $(seq 1 "$N"); do
  # Each writes a file every few seconds (drift the polls see) and keeps a process list.
  docker run -d --name "sw-busy-$RUN-$i" --label "$LABEL=$RUN" --network none "$IMAGE" \
    sh -c 'i=0; while true; do i=$((i+1)); echo $i > /tmp/busy.$((i % 5)); sleep 3; done' \
    >/dev/null &
  # A few at a time: the daemon is shared.
  if [ $((i % 8)) -eq 0 ]; then wait; fi
done
wait
say "$(docker ps -q --filter "label=$LABEL=$RUN" | wc -l) running"

# Execs: one every ~0.5 s into a random busy container (events and exec inspects for every
# watcher on the daemon).
(
  while true; do
    i=$(( (RANDOM % N) + 1 ))
    docker exec "sw-busy-$RUN-$i" sh -c 'id; ls / >/dev/null' >/dev/null 2>&1 || true
    sleep 0.5
  done
) &
PIDS+=($!)
# Churn: create, start and remove a container every ~2 s.
(
  k=0
  while true; do
    k=$((k+1))
    docker run -d --name "sw-busy-$RUN-churn-$k" --label "$LABEL=$RUN" --network none \
      "$IMAGE" sleep 5 >/dev/null 2>&1 || true
    sleep 1
    docker rm -f "sw-busy-$RUN-churn-$k" >/dev/null 2>&1 || true
    sleep 1
  done
) &
PIDS+=($!)
for _ in $(seq 1 "$CPU"); do
  ( while :; do :; done ) &
  PIDS+=($!)
done
say "activity running (execs every 0.5 s, churn every 2 s, $CPU busy loop(s)); tests in $SETTLE s"
sleep "$SETTLE"

set +e
if [ $# -gt 0 ]; then
  cargo test --locked --no-fail-fast "$@"
else
  bash scripts/test.sh
fi
status=$?
set -e
exit "$status"
