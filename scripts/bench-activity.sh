#!/usr/bin/env bash
# The activity benchmark: `seawall watch` against the real daemon (see benches/activity.rs):
# event-to-alert latency against raw event delivery, an event flood (lost alerts, memory),
# and the CPU cost of drift and process polling for seawall and for the daemon.
#
#   scripts/bench-activity.sh [--latency K] [--cycles N] [--fleet 100,500] [--poll-secs S]
#                             [--in-flight F] [--no-split]
#                                   # defaults 200, 2000, 100,500, 60, 8; table on stdout and
#                                   # in target/bench/activity.md
#   scripts/bench-activity.sh --cleanup   # remove every container labelled seawall.bench=activity
#
# Everything it creates is labelled seawall.bench=activity. The exec and flood containers are
# removed as the run goes; the polling fleet (sw-actbench-poll-<i>) is kept for the next run
# until --cleanup. Other seawall processes and builds on the machine skew the figures: the
# table records the load average and notes other seawall processes.
# Exits non-zero only when something could not be measured; a missed target is in the table.
set -euo pipefail

cd "$(dirname "$0")/.."
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
OUT="$TARGET_DIR/bench/activity.md"

scripts/ensure-docker.sh

if [ "${1:-}" = "--cleanup" ]; then
  exec cargo bench --quiet --bench activity -- --cleanup
fi

cargo build --release --quiet
mkdir -p "$TARGET_DIR/bench"
# The bench measures target/release/seawall (SW_BENCH_SEAWALL overrides); progress goes to
# stderr, the markdown report to stdout.
cargo bench --quiet --bench activity -- "$@" | tee "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "bench: report saved to $OUT" >&2
