#!/usr/bin/env bash
# Bridge performance and cardinality (issue #12 targets), on a generated installation
# (10,000 hosts, 80,000 services with perf data, a ~120 MB status.dat), for the default
# collectors and for the previous default (every collector on), in one run:
#   - series, series per service, exposition MB: target <= 10 series per service, <= 60 MB;
#   - refresh (read + parse + render, nag2prom_status_parse_duration_seconds), median of 5
#     exports: target < 0.5 s;
#   - scrape p99 under wrk -t2 -c8 -d10s, gzip (as Prometheus scrapes) and plain, median of 3
#     runs each (the 2 cores are shared, single runs vary 2-3x): targets < 50 ms and < 500 ms;
#   - peak RSS (VmHWM) of serve across 5 reloads, over the status.dat size: target < 2x.
# Usage: scripts/bench-serve.sh [HOSTS] (default 10000). Needs wrk, curl, bc, python3.
# Everything listens on 127.0.0.1; the server is stopped on exit.
set -euo pipefail
hosts=${1:-10000}
cd "$(dirname "$0")/.."
for tool in wrk curl bc python3; do
  command -v "$tool" >/dev/null || { echo "bench-serve.sh: $tool not found" >&2; exit 2; }
done
"${CARGO:-cargo}" build --release --quiet --bin nag2prom --example gen_install
bin=target/release/nag2prom
dir=$(mktemp -d /tmp/nag2prom-bench-serve-XXXXXX)
server=""
cleanup() {
  if [[ -n $server ]]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$dir"
}
trap cleanup EXIT
target/release/examples/gen_install --hosts "$hosts" --out "$dir/inst" --status >/dev/null
status=$dir/inst/var/status.dat
size=$(stat -c %s "$status")
services=$(grep -c '^servicestatus {' "$status")
printf 'status.dat: %.1f MB, %d services\n\n' "$(echo "$size / 1000000" | bc -l)" "$services"

all_collectors=(--collector.checked --collector.attempts --collector.latency --collector.switches
  --collector.flapping --collector.state_changes --collector.perfdata_bounds --collector.perfdata_thresholds)

# wrk's 99% latency in ms.
p99() {
  awk '$1=="99%"{v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.1f", v}'
}

median() { sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }

rows=()
for config in default previous; do
  if [[ $config == default ]]; then flags=(); name="default collectors"; else flags=("${all_collectors[@]}"); name="previous default (all collectors)"; fi
  echo "== $name"
  parses=()
  for i in 1 2 3 4 5; do
    "$bin" export --status-file "$status" --status.max-age 0 "${flags[@]}" -o "$dir/out.prom"
    parses+=("$(awk '/^nag2prom_status_parse_duration_seconds /{print $2}' "$dir/out.prom")")
  done
  refresh=$(printf '%s\n' "${parses[@]}" | median)
  bytes=$(stat -c %s "$dir/out.prom")
  series=$(grep -vc '^#' "$dir/out.prom")
  printf '  refresh runs: %s s (median %.3f)\n' "${parses[*]}" "$refresh"
  printf '  exposition: %.1f MB, %d series, %.2f per service\n' \
    "$(echo "$bytes / 1000000" | bc -l)" "$series" "$(echo "$series / $services" | bc -l)"

  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$bin" serve --status-file "$status" --status.max-age 0 --web.listen-address "127.0.0.1:$port" \
    --status.poll-interval 0.2 "${flags[@]}" 2>"$dir/serve.log" &
  server=$!
  metric() { curl -s --compressed "http://127.0.0.1:$port/metrics" | awk -v m="$1" '$1==m{print $2}'; }
  for _ in $(seq 200); do [[ $(metric nag2prom_status_reloads_total) == 1 ]] && break; sleep 0.2; done
  for i in 2 3 4 5 6; do
    cp "$status" "$status.new" && mv "$status.new" "$status"
    for _ in $(seq 200); do [[ $(metric nag2prom_status_reloads_total) == "$i" ]] && break; sleep 0.1; done
  done
  hwm=$(awk '/VmHWM/{print $2}' "/proc/$server/status")
  printf '  serve peak RSS after 6 loads: %d MB (%.2fx the file)\n' "$((hwm / 1024))" "$(echo "$hwm * 1024 / $size" | bc -l)"
  gzs=() plains=()
  for run in 1 2 3; do
    gzs+=("$(wrk -t2 -c8 -d10s --latency -H 'Accept-Encoding: gzip' "http://127.0.0.1:$port/metrics" | tee "$dir/wrk-gz" | p99)")
    plains+=("$(wrk -t2 -c8 -d10s --latency --timeout 30s "http://127.0.0.1:$port/metrics" | tee "$dir/wrk-plain" | p99)")
    printf '  wrk run %d: gzip p99 %s ms (%s req/s), plain p99 %s ms (%s req/s)\n' "$run" "${gzs[-1]}" \
      "$(awk '/Requests\/sec/{print $2}' "$dir/wrk-gz")" "${plains[-1]}" "$(awk '/Requests\/sec/{print $2}' "$dir/wrk-plain")"
  done
  gz=$(printf '%s\n' "${gzs[@]}" | median)
  plain=$(printf '%s\n' "${plains[@]}" | median)
  printf '  scrape p99 (median of 3): gzip %s ms, plain %s ms\n\n' "$gz" "$plain"
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
  rows+=("$(printf '| %s | %d | %.2f | %.1f | %.3f | %s | %s | %.2fx |' "$name" "$series" \
    "$(echo "$series / $services" | bc -l)" "$(echo "$bytes / 1000000" | bc -l)" "$refresh" "$gz" "$plain" \
    "$(echo "$hwm * 1024 / $size" | bc -l)")")
done

echo "| exposition | series | series/service | MB | refresh s | gzip p99 ms | plain p99 ms | serve peak RSS / status.dat |"
echo "|---|---|---|---|---|---|---|---|"
echo "| target | | <= 10 | <= 60 | < 0.5 | < 50 | < 500 | < 2x |"
printf '%s\n' "${rows[@]}"
