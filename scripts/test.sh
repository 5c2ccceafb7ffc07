#!/usr/bin/env bash
# The whole test suite: unit tests, CLI tests and the real-daemon integration tests.
# Makes a Docker daemon available first (see scripts/ensure-docker.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-docker.sh
# Every test binary runs even when one fails; cargo lists the failed ones at the end.
cargo test --locked --no-fail-fast "$@"
