#!/usr/bin/env bash
# Resolve and convert on every shape of installation the generator writes (issue #17), next
# to `nagios4 -v` on the same files, ratios from the same run.
#
# Usage: scripts/bench-shapes.sh [SIZES...]     (default: 1000 10000 hosts; 50000 is slow:
#                                                 nagios4 -v takes ~15 s a run there)
#
# For each size and each --shape of examples/gen_install (hostgroups, per-host, many-files,
# deep-templates, wide-groups: the same hosts and services written differently) it measures
# hyperfine means (-N, warmup 1, RUNS runs, default 5) of `nag2prom check -q`,
# `nag2prom convert -q` and `nagios4 -v`, and the peak RSS of check and nagios4 (GNU time).
# Targets (issue #17, 10,000 hosts, every shape): check >= 5x faster than nagios4 -v with
# peak RSS <= nagios4's; convert < 0.5 s and >= 2x faster than nagios4 -v.
# The timed runs hold /tmp/cargo.lock so that no build shares the two cores with them.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
((${#sizes[@]})) || sizes=(1000 10000)
for tool in hyperfine jq; do
  command -v "$tool" >/dev/null || { echo "bench-shapes.sh: $tool is required" >&2; exit 2; }
done
nagios4=${NAGIOS4:-$(command -v nagios4 || echo /usr/sbin/nagios4)}
[[ -x $nagios4 ]] || { echo "bench-shapes.sh: nagios4 is required (apt-get install nagios4-core)" >&2; exit 2; }
flock /tmp/cargo.lock cargo build --release --quiet --bin nag2prom --example gen_install
bin=target/release/nag2prom
work=$(mktemp -d /tmp/nag2prom-shapes-XXXXXX)
trap 'rm -rf "$work"' EXIT

mean() {
  flock /tmp/cargo.lock hyperfine -N --warmup 1 --runs "${RUNS:-5}" --export-json "$work/h.json" "$1" \
    >/dev/null 2>&1 || { echo "bench-shapes.sh: failed: $1" >&2; echo nan; return; }
  jq -r '.results[0].mean' "$work/h.json"
}
rss() {
  /usr/bin/time -f '%M' -o "$work/rss" bash -c "$1 >/dev/null 2>&1" || true
  tail -n 1 "$work/rss" | awk '{printf "%.0f", $1/1024}'
}

printf '| hosts | shape | services | object files MB | check s | nagios4 -v s | check speed-up | check RSS MB | nagios4 RSS MB | convert s | convert speed-up |\n'
printf '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n'
for hosts in "${sizes[@]}"; do
  for shape in hostgroups per-host many-files deep-templates wide-groups; do
    dir=$work/$shape-$hosts
    target/release/examples/gen_install --hosts "$hosts" --shape "$shape" --out "$dir" 2>/dev/null
    cfg=$dir/nagios.cfg
    mb=$(du -sb "$dir/objects" | awk '{printf "%.1f", $1/1e6}')
    services=$("$nagios4" -v "$cfg" | awk '/Checked .* services\./{print $2}')
    check=$(mean "$bin check -q --config $cfg")
    nagios=$(mean "$nagios4 -v $cfg")
    convert=$(mean "$bin convert -q --config $cfg --out $work/out")
    check_rss=$(rss "$bin check -q --config $cfg")
    nagios_rss=$(rss "$nagios4 -v $cfg")
    awk -v h="$hosts" -v s="$shape" -v n="$services" -v mb="$mb" -v c="$check" -v g="$nagios" \
      -v cr="$check_rss" -v gr="$nagios_rss" -v v="$convert" 'BEGIN {
        printf "| %d | %s | %d | %s | %.3f | %.3f | %.2fx | %d | %d | %.3f | %.2fx |\n",
          h, s, n, mb, c, g, g / c, cr, gr, v, g / v }'
    rm -rf "$dir" "$work/out"
  done
done
