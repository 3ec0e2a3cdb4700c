#!/usr/bin/env bash
# Runs the libFuzzer targets (fuzz/) one after the other, each for SECONDS (default 15: the
# one-minute smoke run of the test suite), starting from the committed seeds (fuzz/corpus/)
# and the corpus earlier runs grew (build/fuzz/corpus/). Builds the "fuzz" preset first.
# Prints per target the executions, the coverage reached and whether anything crashed; a crash
# leaves its input in build/fuzz/crashes/<target>/ and fails the run.
#   scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-15}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(envelope xml header signature_policy)
scripts/setup.sh fuzz >/dev/null

status=0
total=0
printf '%-18s %12s %10s %8s %s\n' target executions exec/s cov result
for t in "${targets[@]}"; do
  corpus=build/fuzz/corpus/$t
  crashes=build/fuzz/crashes/$t
  mkdir -p "$corpus" "$crashes"
  log=build/fuzz/$t.log
  # -rss_limit_mb: a document that makes the parser take more than the broker may is a finding.
  if "build/fuzz/fuzz/fuzz_$t" -max_total_time="$seconds" -rss_limit_mb=1024 -timeout=10 \
      -print_final_stats=1 -artifact_prefix="$crashes/" "$corpus" "fuzz/corpus/$t" >"$log" 2>&1; then
    result=ok
  else
    result="CRASH (see $log and $crashes)"
    status=1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  total=$((total + ${runs:-0}))
  printf '%-18s %12s %10s %8s %s\n' "$t" "${runs:-?}" "${rate:-?}" "${cov:-?}" "$result"
done
echo "executions in all: $total"
exit $status
