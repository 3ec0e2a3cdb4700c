#!/usr/bin/env bash
# ctest entry install/...: `cmake --install` into a temporary prefix puts the binaries in bin/,
# the dashboard, schemas, adapters, sample configuration, PKI script and systemd unit in
# share/ozgbus/, and the installed broker serves its dashboard from there.
#   tests/install/check_install.sh BUILD_DIR
set -euo pipefail
build=$1
prefix=$(mktemp -d)
trap 'kill "${broker:-0}" 2>/dev/null || true; rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
for f in bin/ozgbus bin/ozgbus-broker share/ozgbus/dashboard/index.html share/ozgbus/dashboard/app.js \
         share/ozgbus/xsd/catalog.xml share/ozgbus/adapters/hamburg/adapter.toml \
         share/ozgbus/examples/ozgbus.toml share/ozgbus/certs/make-dev-pki.sh \
         share/ozgbus/systemd/ozgbus-broker.service share/doc/ozgbus/operations.md; do
  [[ -e $prefix/$f ]] || { echo "not installed: $f"; exit 1; }
done
"$prefix/bin/ozgbus" --help >/dev/null

# The installed broker, run from elsewhere, finds the installed dashboard.
mkdir -p "$prefix/run"
cat >"$prefix/run/ozgbus.toml" <<TOML
[broker]
listen = "tcp://127.0.0.1:*"
insecure = true
data_dir = "data"
[http]
listen = "127.0.0.1:0"
probe_listen = ""
[events]
publish = ""
TOML
(cd / && exec "$prefix/bin/ozgbus-broker" --config "$prefix/run/ozgbus.toml" >"$prefix/run/broker.log" 2>&1) &
broker=$!
port=""
for _ in $(seq 100); do
  port=$(sed -n 's|.*dashboard and admin API on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$prefix/run/broker.log")
  [[ -n $port ]] && break
  kill -0 $broker 2>/dev/null || { cat "$prefix/run/broker.log"; exit 1; }
  sleep 0.1
done
[[ -n $port ]] || { echo "broker did not start:"; cat "$prefix/run/broker.log"; exit 1; }
page=$(python3 -c "import urllib.request,sys; print(urllib.request.urlopen('http://127.0.0.1:$port/index.html').read().decode())")
grep -q "<html" <<<"$page" || { echo "dashboard not served: $page"; exit 1; }
echo "installed into $prefix and served the dashboard on port $port"
