#!/usr/bin/env bash
# The whole test suite: installs dependencies, builds with AddressSanitizer + UBSan and
# warnings as errors, runs every unit and integration test (ctest), then a one-minute smoke run
# of the fuzz targets (scripts/fuzz.sh).
# OZGBUS_TEST_PRESET=default runs the same tests on the optimised build.
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${OZGBUS_TEST_PRESET:-asan}
scripts/setup.sh --tests "$preset"
ctest --preset "$preset" -j2
# The fuzz targets' smoke run: 15 s each from the committed seeds (a long run: docs/security.md).
scripts/fuzz.sh 15
