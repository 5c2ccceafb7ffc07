#!/usr/bin/env bash
# The console benchmark: runs `seawall` (the interactive console) in tmux against the scan
# bench's fleet of N containers and measures first full frame (vs the raw API floor),
# event-to-screen latency, idle CPU / RSS, and render time at 1000 rows (see benches/console.rs).
#
#   scripts/bench-console.sh [N] [--runs K] [--changes C] [--idle-secs S]
#                                   # default N=500; table on stdout and in target/bench/console.md
#
# The fleet (sw-bench-<i>, labelled seawall.bench=1) is shared with scripts/bench.sh and kept;
# remove it with `scripts/bench.sh --cleanup`. Exits non-zero only when something could not be
# measured; a missed target is in the table.
set -euo pipefail

cd "$(dirname "$0")/.."
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
OUT="$TARGET_DIR/bench/console.md"

scripts/ensure-docker.sh

cargo build --release --quiet
mkdir -p "$TARGET_DIR/bench"
# The bench measures target/release/seawall (SW_BENCH_SEAWALL overrides); progress goes to
# stderr, the markdown report to stdout.
cargo bench --quiet --bench console -- "${@:-500}" | tee "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "bench: report saved to $OUT" >&2
