#!/usr/bin/env bash
# The whole test suite: unit tests, CLI tests and the real-daemon integration tests.
# Makes a Docker daemon available first (see scripts/ensure-docker.sh).
# Every test binary runs even when one fails (--no-fail-fast); the failed tests, with the
# binary they are in, are listed at the end. Extra arguments go to `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-docker.sh
log="$(mktemp "${TMPDIR:-/tmp}/seawall-test.XXXXXX")"
trap 'rm -f "$log"' EXIT
set +e
cargo test --locked --no-fail-fast "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ]; then
  echo
  echo "== failed tests =="
  # `Running <binary> (<path>)` / `Doc-tests <crate>` start a binary's output; its failed
  # tests are the `test <name> ... FAILED` lines.
  awk '
    /^ *Running / { bin = $2 }
    /^ *Doc-tests / { bin = "doc-tests " $2 }
    /^test .* \.\.\. FAILED$/ { sub(/^test /, ""); sub(/ \.\.\. FAILED$/, ""); print "  " bin ": " $0; n++ }
    END { if (n == 0) print "  (no single test failed: see the build or binary errors above)" }
  ' "$log"
  grep -E '^error: ([0-9]+ targets? failed|test failed)' "$log" | sed 's/^/  /' || true
fi
exit "$status"
