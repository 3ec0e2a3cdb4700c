#!/usr/bin/env bash
# The demo: a broker on its embedded default (SQLite in .demo/data) with sample portals and
# back-ends exchanging messages, a flow summary, then the broker keeps running until Ctrl-C.
# Everything is on, as in production: CURVE with the participant registry, XML signatures
# (verified on submit, the broker's own on delivery and receipts), XSD validation and the
# jurisdictions' adapters. Keys and certificates come from the development PKI in .demo/pki.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh default ozgbus-broker ozgbus   # only what the demo runs; scripts/test.sh builds all
bin=build/default

mkdir -p .demo
certs/make-dev-pki.sh .demo/pki >/dev/null   # development PKI (never committed)
cp samples/ozgbus.toml .demo/ozgbus.toml      # its relative paths (pki/, data/) point into .demo

endpoint=tcp://127.0.0.1:7755
operator=(--as ozgbus-operator --key .demo/pki/curve/ozgbus-operator.key --server-key .demo/pki/curve/broker.pub)
if "$bin/client/ozgbus" status --broker "$endpoint" "${operator[@]}" >/dev/null 2>&1; then
  echo "A broker already answers on $endpoint; stop it first (or use 'ozgbus status')." >&2
  exit 1
fi
"$bin/broker/ozgbus-broker" --config .demo/ozgbus.toml >.demo/broker.log 2>&1 &
broker=$!
trap 'kill -TERM $broker 2>/dev/null; wait $broker 2>/dev/null; echo "broker stopped"' EXIT
trap 'exit 0' INT TERM
for _ in $(seq 50); do
  "$bin/client/ozgbus" status --broker "$endpoint" "${operator[@]}" >/dev/null 2>&1 && break
  kill -0 $broker 2>/dev/null || { cat .demo/broker.log; exit 1; }
  sleep 0.2
done
echo "== broker up: dashboard on http://127.0.0.1:7756/ (log: .demo/broker.log); sample traffic follows"

"$bin/client/ozgbus" demo --broker "$endpoint" --samples samples/messages --pki .demo/pki
"$bin/client/ozgbus" status --broker "$endpoint" "${operator[@]}"
cat <<TXT

The broker keeps running on $endpoint (config: .demo/ozgbus.toml, log: .demo/broker.log,
store: .demo/data). Try, in another terminal:
  $bin/client/ozgbus recv --as hh-gewerbeamt --key .demo/pki/curve/hh-gewerbeamt.key \\
      --server-key .demo/pki/curve/broker.pub --out /tmp/inbox --timeout 5 &
  $bin/client/ozgbus send --as psw:02000001 --key .demo/pki/curve/psw_02000001.key \\
      --server-key .demo/pki/curve/broker.pub --sign-key .demo/pki/participants/psw_02000001.key.pem \\
      --sign-cert .demo/pki/participants/psw_02000001.cert.pem tests/fixtures/messages/gewerbe/1.0/valid-*.xml
  $bin/client/ozgbus verify --trust .demo/pki/ca --trust .demo/pki/crl /tmp/inbox/*.xml
  $bin/client/ozgbus status ${operator[*]}
Dashboard: http://127.0.0.1:7756/  (metrics: /metrics; also: $bin/client/ozgbus dlq list, ozgbus trace <uuid>)
Ctrl-C stops the broker.
TXT
wait $broker
