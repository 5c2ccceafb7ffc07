#!/usr/bin/env bash
# Drift latency on a large host and recovery / loss across outages (see benches/drift_outage.rs):
# `seawall watch` against a PRIVATE dockerd this script's bench starts (its own directory
# under /tmp and network namespace; needs root, dockerd and unshare). The shared daemon is only
# read (`docker save` of the test image).
#
#   scripts/bench-drift-outage.sh [--fleet 500] [--samples 6] [--cpu-secs 60]
#                                 [--outages 10,20,40] [--gap-secs 20] [--execs 50] [--pairs 20]
#                                 [--no-drift] [--no-outage]
#                                   # table on stdout and in target/bench/drift-outage.md
# Exits non-zero only when something could not be measured; a missed target is in the table.
set -euo pipefail

cd "$(dirname "$0")/.."
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
OUT="$TARGET_DIR/bench/drift-outage.md"

scripts/ensure-docker.sh
cargo build --release --quiet
mkdir -p "$TARGET_DIR/bench"
cargo bench --quiet --bench drift_outage -- "$@" | tee "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "bench: report saved to $OUT" >&2
