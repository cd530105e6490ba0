#!/usr/bin/env bash
# Bridge performance (issue #4 targets): on a generated installation with a ~120 MB status.dat
# (10,000 hosts, 80,000 services with perf data) measure
#   1. read + parse + render of a new exposition (nag2prom export, 5 runs): target < 1 s;
#   2. peak RSS of export and of serve across reloads: target < 3x the status.dat size;
#   3. scrape latency under load (wrk, 8 connections, 10 s) from the pre-rendered buffers,
#      gzip (what Prometheus asks for) and plain: target p99 < 50 ms.
# Usage: scripts/bench-serve.sh [HOSTS] (default 10000). Needs wrk (apt-get install -y wrk).
# Everything listens on 127.0.0.1; the server is stopped on exit.
set -euo pipefail
hosts=${1:-10000}
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk not found: apt-get install -y wrk" >&2; exit 2; }
cargo build --release --quiet --bin nag2prom --example gen_install
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

echo "== 1. export: read + parse + render (nag2prom_status_parse_duration_seconds), wall time, peak RSS"
for i in 1 2 3 4 5; do
  /usr/bin/time -f "%e %M" -o "$dir/time" "$bin" export --status-file "$status" --status.max-age 0 -o "$dir/out.prom"
  read -r wall rss <"$dir/time"
  parse=$(awk '/^nag2prom_status_parse_duration_seconds /{print $2}' "$dir/out.prom")
  printf '  run %d: parse+render %.3f s, process %.2f s (incl. fsync of the output), peak RSS %d MB (%.2fx the file)\n' \
    "$i" "$parse" "$wall" "$((rss / 1024))" "$(echo "$rss * 1024 / $size" | bc -l)"
done
out_size=$(stat -c %s "$dir/out.prom")
printf '  exposition: %.1f MB, %d series\n\n' "$(echo "$out_size / 1000000" | bc -l)" "$(grep -vc '^#' "$dir/out.prom")"

echo "== 2. serve: 5 reloads (status.dat replaced by rename, as Nagios does)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" serve --status-file "$status" --status.max-age 0 --web.listen-address "127.0.0.1:$port" \
  --status.poll-interval 0.2 2>"$dir/serve.log" &
server=$!
# scraped with gzip, as Prometheus does
metric() { curl -s --compressed "http://127.0.0.1:$port/metrics" | awk -v m="$1" '$1==m{print $2}'; }
for _ in $(seq 100); do [[ $(metric nag2prom_status_reloads_total) == 1 ]] && break; sleep 0.2; done
for i in 2 3 4 5 6; do
  cp "$status" "$status.new" && mv "$status.new" "$status"
  for _ in $(seq 100); do [[ $(metric nag2prom_status_reloads_total) == "$i" ]] && break; sleep 0.1; done
  sleep 2 # the gzip copy of the new body (compressed after it is served plain)
  printf '  reload %d: parse+render %.3f s\n' "$((i - 1))" "$(metric nag2prom_status_parse_duration_seconds)"
done
gz=$(curl -s -H 'Accept-Encoding: gzip' "http://127.0.0.1:$port/metrics" | wc -c)
printf '  gzip copy: %.1f MB\n' "$(echo "$gz / 1000000" | bc -l)"
printf '  serve peak RSS after the reloads: %d MB (%.2fx the file); now %d MB\n\n' \
  "$(($(awk '/VmHWM/{print $2}' /proc/$server/status) / 1024))" \
  "$(echo "$(awk '/VmHWM/{print $2}' /proc/$server/status) * 1024 / $size" | bc -l)" \
  "$(($(awk '/VmRSS/{print $2}' /proc/$server/status) / 1024))"

echo "== 3. scrapes under load: wrk -t2 -c8 -d10s --latency"
echo "-- gzip (Accept-Encoding: gzip, as Prometheus scrapes):"
wrk -t2 -c8 -d10s --latency -H 'Accept-Encoding: gzip' "http://127.0.0.1:$port/metrics" | grep -E 'Latency|50%|90%|99%|Requests/sec|Transfer/sec'
echo "-- plain text:"
wrk -t2 -c8 -d10s --latency "http://127.0.0.1:$port/metrics" | grep -E 'Latency|50%|90%|99%|Requests/sec|Transfer/sec'
