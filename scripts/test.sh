#!/usr/bin/env bash
# The whole test suite: installs dependencies, builds with AddressSanitizer + UBSan and
# warnings as errors, and runs every unit and integration test (ctest).
# OZGBUS_TEST_PRESET=default runs the same tests on the optimised build.
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${OZGBUS_TEST_PRESET:-asan}
scripts/setup.sh --tests "$preset"
ctest --preset "$preset" -j2
