#!/usr/bin/env bash
# The demo: a broker on its embedded default (SQLite in .demo/data) with sample portals and
# back-ends exchanging messages, a flow summary, then the broker keeps running until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh default
bin=build/default

mkdir -p .demo
certs/make-dev-pki.sh .demo/pki >/dev/null   # development PKI (for signatures; never committed)

endpoint=tcp://127.0.0.1:7755
if "$bin/client/ozgbus" status --broker "$endpoint" >/dev/null 2>&1; then
  echo "A broker already answers on $endpoint; stop it first (or use 'ozgbus status')." >&2
  exit 1
fi
"$bin/broker/ozgbus-broker" --config samples/ozgbus.toml --data-dir .demo/data \
  >.demo/broker.log 2>&1 &
broker=$!
trap 'kill -TERM $broker 2>/dev/null; wait $broker 2>/dev/null; echo "broker stopped"' EXIT
trap 'exit 0' INT TERM
for _ in $(seq 50); do
  "$bin/client/ozgbus" status --broker "$endpoint" >/dev/null 2>&1 && break
  kill -0 $broker 2>/dev/null || { cat .demo/broker.log; exit 1; }
  sleep 0.2
done

"$bin/client/ozgbus" demo --broker "$endpoint" --samples samples/messages
"$bin/client/ozgbus" status --broker "$endpoint"
cat <<TXT

The broker keeps running on $endpoint (log: .demo/broker.log, store: .demo/data).
Try, in another terminal:
  $bin/client/ozgbus recv --as hh-gewerbeamt --out /tmp/inbox --timeout 5 &
  $bin/client/ozgbus send --as psw:02000001 tests/fixtures/messages/gewerbe/1.0/valid-*.xml
  $bin/client/ozgbus status
Dashboard: not built yet (issue 6); 'ozgbus status' shows queues and participants.
Ctrl-C stops the broker.
TXT
wait $broker
