#!/usr/bin/env bash
# The fleet benchmark (see benches/fleet.rs): the console against D daemons of C containers
# each, time to the first frame with every reachable daemon's rows and RSS, then the same
# with one daemon refused and with one that never answers. The daemons are PRIVATE dockerds
# this bench starts (each its own directory under /tmp and its own network namespace,
# `unshare --net`; needs root, dockerd and unshare), never the shared one, which is only read
# (`docker save` of the test image). With --real R < D, the other endpoints are unix-socket
# forwarders in front of the R daemons (for a VM too small for D dockerds).
#
#   scripts/bench-fleet.sh [--daemons 10] [--real R] [--containers 50] [--running 5] [--runs 3]
#                                   # table on stdout and in target/bench/fleet.md
#
# The release build is made without LTO (16 codegen units): the figures say so.
# Cleanup: the bench stops and removes every daemon it started (their containers live in
# their data directories), its forwarders, tmux servers and temporary files, also when it
# fails; a daemon left behind by a killed run is in /tmp/swd2-<pid>-<n>, marked fleet-bench.
#   scripts/bench-fleet.sh --cleanup   # stop private dockerds left by killed runs, remove their dirs
# Exits non-zero only when something could not be measured; a missed target is in the table.
set -euo pipefail

cd "$(dirname "$0")/.."
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
OUT="$TARGET_DIR/bench/fleet.md"

if [ "${1:-}" = "--cleanup" ]; then
    # Only the private daemons of bench runs that are gone (their pid is in the dir name).
    for dir in /tmp/swd2-*; do
        [ -d "$dir" ] || continue
        # Only this bench's daemons (it marks them); the tests' own are left alone.
        [ -f "$dir/fleet-bench" ] || continue
        owner="${dir#/tmp/swd2-}"
        owner="${owner%%-*}"
        if kill -0 "$owner" 2>/dev/null; then
            continue
        fi
        if [ -f "$dir/pid" ]; then
            pid="$(cat "$dir/pid")"
            if [ -n "$pid" ] && grep -q "$dir" "/proc/$pid/cmdline" 2>/dev/null; then
                kill "$pid" 2>/dev/null || true
                for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            fi
        fi
        grep " $dir" /proc/mounts | awk '{print $2}' | sort -r | xargs -r -n1 umount -l || true
        rm -rf "$dir"
        echo "bench: removed $dir" >&2
    done
    exit 0
fi

scripts/ensure-docker.sh
export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
cargo build --release --quiet
mkdir -p "$TARGET_DIR/bench"
cargo bench --quiet --bench fleet -- "$@" | tee "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "bench: report saved to $OUT" >&2
