#!/usr/bin/env bash
# The whole test suite: installs dependencies, builds with AddressSanitizer + UBSan and
# warnings as errors, runs every unit and integration test (ctest), and checks that the
# optimised build compiles cleanly too. OZGBUS_TEST_PRESET=default skips the sanitizers.
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${OZGBUS_TEST_PRESET:-asan}
scripts/setup.sh "$preset"
if [ "$preset" != default ]; then scripts/setup.sh default; fi
ctest --preset "$preset" -j2
