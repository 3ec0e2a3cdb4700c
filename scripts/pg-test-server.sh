#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests: initdb + pg_ctl in a folder under /tmp, on
# 127.0.0.1 and a Unix socket there, on a free port, trust authentication (loopback only, test
# data only). DIR holds its URL (DIR/url) and where it lives (DIR/home); stop removes it all.
#   scripts/pg-test-server.sh start DIR   # writes DIR/url (postgresql://…) once it accepts connections
#   scripts/pg-test-server.sh stop DIR
#   scripts/pg-test-server.sh crash-restart DIR   # pg_ctl restart -m immediate: as after a power cut
#   scripts/pg-test-server.sh down DIR | up DIR   # an outage: stopped (data kept), started again
# Run as root, the server runs as the `postgres` user that Debian's package creates (initdb
# refuses root). Needs Debian's postgresql package (scripts/setup.sh --tests installs it).
set -euo pipefail
cmd=${1:?start or stop}
dir=${2:?data folder}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [[ -z $bin || ! -x $bin/pg_ctl ]]; then
  echo "pg-test-server: PostgreSQL is not installed (apt-get install postgresql)" >&2
  exit 1
fi
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}
# pg_ctl start on HOME's data at PORT.
serve() {
  as_owner "$bin/pg_ctl" -D "$1/data" -l "$1/server.log" -w -t 30 start \
    -o "-c listen_addresses=127.0.0.1 -p $2 -c unix_socket_directories=$1 \
        -c fsync=on -c synchronous_commit=on -c max_connections=200" >/dev/null
}

case $cmd in
  stop)
    if [[ -f $dir/home ]]; then
      home=$(cat "$dir/home")
      if [[ -f $home/data/postmaster.pid ]]; then
        as_owner "$bin/pg_ctl" -D "$home/data" -m fast -w stop >/dev/null
      fi
      rm -rf "$home"
    fi
    rm -f "$dir/url" "$dir/home"
    ;;
  crash-restart)
    as_owner "$bin/pg_ctl" -D "$(cat "$dir/home")/data" -m immediate -w -t 60 restart >/dev/null
    ;;
  down)
    as_owner "$bin/pg_ctl" -D "$(cat "$dir/home")/data" -m fast -w stop >/dev/null
    ;;
  up)
    url=$(cat "$dir/url")
    port=${url##*:}
    serve "$(cat "$dir/home")" "${port%%/*}"
    ;;
  start)
    "$0" stop "$dir" 2>/dev/null || true
    rm -rf "$dir"
    mkdir -p "$dir"
    # The server's own folder is under /tmp: the postgres user may not be able to reach DIR
    # (a checkout in /root). DIR keeps where it is (home) and the URL.
    home=$(mktemp -d /tmp/ozgbus-pg.XXXXXX)
    chmod 755 "$home"
    echo "$home" >"$dir/home"
    [[ $(id -u) -eq 0 ]] && chown postgres: "$home"
    as_owner "$bin/initdb" -D "$home/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
      >"$home/initdb.log" 2>&1 || { cat "$home/initdb.log" >&2; exit 1; }
    # A port nobody listens on; pg_ctl fails if another process takes it meanwhile: try again.
    for attempt in 1 2 3 4 5; do
      port=$((20000 + RANDOM % 20000))
      if serve "$home" "$port"; then
        echo "postgresql://postgres@127.0.0.1:$port/postgres" >"$dir/url"
        echo "pg-test-server: listening on 127.0.0.1:$port ($home)"
        exit 0
      fi
      echo "pg-test-server: port $port: start failed (attempt $attempt)" >&2
    done
    tail -20 "$home/server.log" >&2
    exit 1
    ;;
  *)
    echo "usage: $0 start|stop|crash-restart|down|up DIR" >&2
    exit 2
    ;;
esac
