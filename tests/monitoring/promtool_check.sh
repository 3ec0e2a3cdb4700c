#!/bin/sh
# Checks metrics text (the broker's /metrics output) with `promtool check metrics`: the
# exposition parser Prometheus itself uses, plus its naming lints. Exits with promtool's status:
# 0 clean, 1 unparsable, 3 lint problems; 2 when promtool is missing.
#   tests/monitoring/promtool_check.sh metrics.txt
#   curl -s http://localhost:9464/metrics | tests/monitoring/promtool_check.sh
set -eu

if ! command -v promtool >/dev/null 2>&1; then
  echo "promtool not found (Debian: apt-get install --no-install-recommends prometheus)" >&2
  exit 2
fi

case $# in
  0) exec promtool check metrics ;;
  1) if [ "$1" = - ]; then exec promtool check metrics; fi
     if [ ! -r "$1" ]; then echo "cannot read $1" >&2; exit 2; fi
     exec promtool check metrics < "$1" ;;
  *) echo "usage: $0 [file|-]   (reads stdin without a file)" >&2; exit 2 ;;
esac
