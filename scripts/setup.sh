#!/usr/bin/env bash
# Installs what ozgbus needs from Debian 12's packages (as root, or through sudo) and builds one
# CMake preset (default, asan or release). Safe to run again: installs only what is missing.
set -euo pipefail
preset=${1:-default}
cd "$(dirname "$0")/.."

packages=(
  cmake ninja-build g++ pkg-config openssl
  libzmq3-dev cppzmq-dev libprotobuf-dev protobuf-compiler libsqlite3-dev
  libxml2-dev libxml2-utils libxslt1-dev libxmlsec1-dev xmlsec1 libssl-dev
  doctest-dev libtomlplusplus-dev libcli11-dev libspdlog-dev libcpp-httplib-dev
  prometheus chromium chromium-driver python3-selenium
)
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

echo "== building preset '$preset'"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"
