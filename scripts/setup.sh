#!/usr/bin/env bash
# Installs what ozgbus needs from Debian 12's packages (as root, or through sudo) and builds one
# CMake preset (default, asan or release). Safe to run again: installs only what is missing.
#   scripts/setup.sh [--tests] PRESET [TARGET...]
# --tests also installs what the test suite uses beside the build (a browser for the dashboard
# test, promtool); TARGETs build only those (the demo builds the broker and the CLI).
set -euo pipefail
cd "$(dirname "$0")/.."
with_tests=0
if [[ ${1:-} == --tests ]]; then
  with_tests=1
  shift
fi
preset=${1:-default}
shift || true

packages=(
  cmake ninja-build g++ pkg-config openssl
  libzmq3-dev cppzmq-dev libprotobuf-dev protobuf-compiler libsqlite3-dev
  libxml2-dev libxml2-utils libxslt1-dev libxmlsec1-dev xmlsec1 libssl-dev
  doctest-dev libtomlplusplus-dev libcli11-dev libspdlog-dev libcpp-httplib-dev libpq-dev
)
if ((with_tests)); then
  # postgresql: the PostgreSQL store's tests start a server of their own (scripts/pg-test-server.sh)
  packages+=(prometheus chromium chromium-driver python3-selenium postgresql)
fi
if [[ $preset == fuzz ]]; then
  packages+=(clang libclang-rt-14-dev)  # libFuzzer
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "== installing: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

echo "== building preset '$preset'${*:+ (targets: $*)}"
cmake --preset "$preset" >/dev/null
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build --preset "$preset" "${targets[@]}"
