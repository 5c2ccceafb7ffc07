#!/usr/bin/env bash
# The scan benchmark: builds (or reuses) a fleet of N containers and compares
# `seawall scan --format json` with the raw Docker API floor (see benches/scan.rs).
#
#   scripts/bench.sh [N] [--runs K]   # default N=500, K=31; table on stdout and in target/bench/scan.md
#   scripts/bench.sh --cleanup        # remove the bench containers and volumes
#
# The fleet (containers named sw-bench-<i>, labelled seawall.bench=1) is kept between runs
# so that repeated runs measure the same thing (a smaller N removes the surplus); remove it
# with --cleanup when done. Other engineers' builds on the same machine skew the figures:
# the table records the load average.
# Exits non-zero only when something could not be measured; a missed target is in the table.
set -euo pipefail

cd "$(dirname "$0")/.."
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
OUT="$TARGET_DIR/bench/scan.md"

scripts/ensure-docker.sh

if [ "${1:-}" = "--cleanup" ]; then
  exec cargo bench --quiet --bench scan -- --cleanup
fi

# The child's own peak RSS is read with GNU time (Debian's `time` package).
if [ ! -x /usr/bin/time ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
fi
cargo build --release --quiet
mkdir -p "$TARGET_DIR/bench"
# The bench measures the `seawall` binary cargo builds for it (the bench profile inherits
# release); progress goes to stderr, the markdown report to stdout.
cargo bench --quiet --bench scan -- "${@:-500}" | tee "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "bench: report saved to $OUT" >&2
