#!/usr/bin/env bash
# Fleet-scale benchmarks, side by side with Nagios and pynag, in one run (issue #5).
#
# Usage: scripts/bench.sh [SIZES...]        (default: 1000 10000 50000 hosts)
#
# For each size it generates an installation with examples/gen_install (8 services per host,
# a consistent status.dat with perf data, comments and downtimes) and measures, on the same
# files and in the same run:
#   - status.dat parse throughput (MB/s, best of 3, examples/gen_status --parse);
#   - bridge refresh: read + parse + render of the exposition, as `nag2prom export` reports it
#     (nag2prom_status_parse_duration_seconds, best of 3), and the export's peak RSS;
#   - exposition render alone (refresh minus parse time);
#   - resolve + expand: `nag2prom check` next to `nagios4 -v`, and their ratio;
#   - `nag2prom convert` end to end;
#   - scrape latency of `nag2prom serve` under 8 concurrent connections for 10 s (wrk), p99;
#   - pynag's config parse and status.dat parse (pynag from PyPI in a throwaway virtualenv);
#   - peak RSS of each.
# Timings are hyperfine means (-N, warmup 1). Needs: hyperfine, nagios4, python3 (venv), wrk
# (optional: the scrape column is left empty without it), jq.
# Everything listens on 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
((${#sizes[@]})) || sizes=(1000 10000 50000)

for tool in hyperfine jq python3; do
  command -v "$tool" >/dev/null || { echo "bench.sh: $tool is required" >&2; exit 2; }
done
nagios4=${NAGIOS4:-$(command -v nagios4 || echo /usr/sbin/nagios4)}
[[ -x $nagios4 ]] || { echo "bench.sh: nagios4 is required (apt-get install nagios4-core)" >&2; exit 2; }

cargo build --release --quiet --bin nag2prom --example gen_install --example gen_status
bin=target/release/nag2prom

work=$(mktemp -d /tmp/nag2prom-fleet-XXXXXX)
serve_pid=
cleanup() {
  [[ -n $serve_pid ]] && kill "$serve_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# pynag in a throwaway virtualenv (the Python reference users would otherwise reach for).
venv=$work/venv
if python3 -m venv "$venv" >/dev/null 2>&1 && "$venv/bin/pip" install -q pynag >/dev/null 2>&1; then
  have_pynag=1
else
  echo "bench.sh: could not install pynag from PyPI; its columns stay empty" >&2
  have_pynag=0
fi
cat > "$work/pynag_bench.py" <<'PY'
import sys, warnings
warnings.filterwarnings("ignore")
from pynag import Parsers
what, path = sys.argv[1], sys.argv[2]
if what == "config":
    c = Parsers.config(cfg_file=path)
    c.parse()
else:
    Parsers.StatusDat(filename=path).parse()
PY

# mean seconds of a command (hyperfine), and its peak RSS in MB (GNU time)
mean() {
  hyperfine -N --warmup 1 --runs "${RUNS:-5}" --export-json "$work/h.json" "$1" >/dev/null 2>&1 \
    || { echo "bench.sh: failed: $1" >&2; echo nan; return; }
  jq -r '.results[0].mean' "$work/h.json"
}
rss() {
  /usr/bin/time -f '%M' -o "$work/rss" bash -c "$1 >/dev/null 2>&1" || true
  tail -n 1 "$work/rss" | awk '{printf "%.0f", $1/1024}'
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

rows=$work/rows.jsonl
for hosts in "${sizes[@]}"; do
  dir=$work/install-$hosts
  target/release/examples/gen_install --hosts "$hosts" --out "$dir" --status >/dev/null
  status=$dir/var/status.dat
  status_mb=$(awk -v b="$(stat -c %s "$status")" 'BEGIN{printf "%.1f", b/1e6}')
  services=$(grep -c '^servicestatus {' "$status")
  echo "== $hosts hosts, $services services, status.dat $status_mb MB" >&2

  parse_mbs=$(target/release/examples/gen_status --parse "$status" --iterations 3 2>&1 \
    | sed -n 's/.*best \([0-9.]*\) MB\/s.*/\1/p')
  cfg=$dir/nagios.cfg
  # Bridge refresh = read + parse + render, as the bridge measures it itself
  # (nag2prom_status_parse_duration_seconds), best of 3; the export process also writes and
  # fsyncs a ~190 MB file, which is not part of a refresh.
  export_s=nan
  for _ in 1 2 3; do
    "$bin" export --config "$cfg" --status-file "$status" --status.max-age 0 \
      --output "$work/out.prom" 2>/dev/null || true
    export_s=$(awk -v best="$export_s" '$1=="nag2prom_status_parse_duration_seconds" {
      print (best == "nan" || $2 < best) ? $2 : best }' "$work/out.prom")
  done
  export_rss=$(rss "$bin export --config $cfg --status-file $status --status.max-age 0 --output $work/out.prom")
  check_s=$(mean "$bin check -q --config $cfg")
  check_rss=$(rss "$bin check -q --config $cfg")
  nagios_s=$(mean "$nagios4 -v $cfg")
  nagios_rss=$(rss "$nagios4 -v $cfg")
  convert_s=$(mean "$bin convert --config $cfg --out $work/convert-$hosts")
  convert_rss=$(rss "$bin convert --config $cfg --out $work/convert-$hosts")

  p99=""
  serve_rss=""
  if command -v wrk >/dev/null; then
    port=$(free_port)
    "$bin" serve --config "$cfg" --status-file "$status" --web.listen-address "127.0.0.1:$port" \
      2>"$work/serve.log" &
    serve_pid=$!
    # Ready, and the gzip copy (what Prometheus asks for) compressed.
    for _ in $(seq 300); do
      curl -sf -o /dev/null -D - -H 'Accept-Encoding: gzip' "http://127.0.0.1:$port/metrics" \
        2>/dev/null | grep -qi '^content-encoding: gzip' && break
      sleep 0.1
    done
    wrk -c 8 -t 2 -d 10s --latency -H 'Accept-Encoding: gzip' "http://127.0.0.1:$port/metrics" \
      > "$work/wrk.txt" 2>&1 || true
    p99=$(awk '$1=="99%"{print $2}' "$work/wrk.txt")
    serve_rss=$(awk '/VmHWM/{printf "%.0f", $2/1024}' "/proc/$serve_pid/status" 2>/dev/null || true)
    kill "$serve_pid" 2>/dev/null || true
    wait "$serve_pid" 2>/dev/null || true
    serve_pid=
  fi

  pynag_cfg="" pynag_status=""
  if ((have_pynag)); then
    pynag_cfg=$(mean "$venv/bin/python $work/pynag_bench.py config $cfg")
    pynag_status=$(mean "$venv/bin/python $work/pynag_bench.py status $status")
  fi

  jq -nc --arg hosts "$hosts" --arg services "$services" --arg mb "$status_mb" \
    --arg parse "$parse_mbs" --arg export "$export_s" --arg export_rss "$export_rss" \
    --arg check "$check_s" --arg check_rss "$check_rss" --arg nagios "$nagios_s" \
    --arg nagios_rss "$nagios_rss" --arg convert "$convert_s" --arg convert_rss "$convert_rss" \
    --arg p99 "$p99" --arg serve_rss "$serve_rss" --arg pcfg "$pynag_cfg" \
    --arg pstatus "$pynag_status" \
    '$ARGS.named' >> "$rows"
  rm -rf "$dir" "$work/convert-$hosts"
done

python3 - "$rows" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
def f(v, fmt="{:.3f}"):
    try:
        return fmt.format(float(v))
    except ValueError:
        return v or "–"
def parse_time(r):
    try:
        return float(r["mb"]) / float(r["parse"])
    except (ValueError, ZeroDivisionError):
        return "nan"
def ratio(a, b):
    try:
        return "{:.1f}x".format(float(b) / float(a))
    except (ValueError, ZeroDivisionError):
        return "–"
print("| hosts | services | status.dat MB | parse MB/s | bridge refresh s (RSS MB) | render s "
      "| check s (RSS MB) | nagios4 -v s (RSS MB) | check vs nagios4 | convert s (RSS MB) "
      "| scrape p99 (serve RSS MB) | pynag config s | pynag status s (vs our parse) |")
print("|" + "---:|" * 13)
for r in rows:
    try:
        parse_s = float(r["mb"]) / float(r["parse"])
        render = f(float(r["export"]) - parse_s)
    except (ValueError, ZeroDivisionError):
        render = "–"
    print(f"| {r['hosts']} | {r['services']} | {r['mb']} | {f(r['parse'], '{:.0f}')} "
          f"| {f(r['export'])} ({r['export_rss']}) | {render} "
          f"| {f(r['check'])} ({r['check_rss']}) | {f(r['nagios'])} ({r['nagios_rss']}) "
          f"| {ratio(r['check'], r['nagios'])} | {f(r['convert'])} ({r['convert_rss']}) "
          f"| {r['p99'] or '–'} ({r['serve_rss'] or '–'}) | {f(r['pcfg'])} "
          f"| {f(r['pstatus'])} ({ratio(parse_time(r), r['pstatus'])}) |")
PY
