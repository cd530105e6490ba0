#!/usr/bin/env bash
# The evaluation cost of rules/ola.yml in a real Prometheus (issue #15), on the generated
# 10,000-host / 80,000-service installation: one OLA objective per site host group (every
# service in one of four groups), the bridge serving the generated status.dat, a Prometheus
# scraping only the bridge (run with --ola.members, the membership the rules join on) every
# SCRAPE seconds (default 15) and evaluating only the OLA rules.
# After WAIT seconds (default 150) it prints, per rule group, the last evaluation's duration
# and samples (prometheus_rule_group_last_duration_seconds / _last_evaluation_samples), and
# Prometheus' resident memory. Everything on 127.0.0.1.
# Usage: scripts/bench-ola.sh [HOSTS]   Needs prometheus, curl, python3.
set -euo pipefail
hosts=${1:-10000}
scrape=${SCRAPE:-15}
wait_s=${WAIT:-150}
cd "$(dirname "$0")/.."
flock /tmp/cargo.lock cargo build --release --quiet --bin nag2prom --example gen_install
dir=$(mktemp -d /tmp/nag2prom-bench-ola-XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
target/release/examples/gen_install --hosts "$hosts" --out "$dir/inst" --status >/dev/null 2>&1
sites=$(grep -o 'hostgroup_name *site-[a-z]*' "$dir/inst/objects/hostgroups.cfg" | awk '{print $2}')
{
  echo "objectives:"
  for s in $sites; do printf '  - hostgroup: %s\n    availability: 99\n    reliability: 99.5\n' "$s"; done
} > "$dir/ola.yaml"
target/release/nag2prom convert -q --config "$dir/inst/nagios.cfg" --ola "$dir/ola.yaml" \
  --scrape-interval "$scrape" --out "$dir/out"
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
bridge=$(port); prom=$(port)
target/release/nag2prom serve --status-file "$dir/inst/var/status.dat" --status.max-age 0 \
  --ola.members "$dir/out/ola-members.json" \
  --web.listen-address "127.0.0.1:$bridge" 2>"$dir/serve.log" &
pids+=($!)
cat > "$dir/prometheus.yml" <<YML
global:
  scrape_interval: ${scrape}s
  evaluation_interval: ${scrape}s
rule_files:
  - $dir/out/rules/ola.yml
scrape_configs:
  - job_name: nagios_bridge
    scrape_timeout: ${scrape}s
    static_configs:
      - targets: ['127.0.0.1:$bridge']
YML
prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" \
  --web.listen-address="127.0.0.1:$prom" >"$dir/prom.log" 2>&1 &
pids+=($!)
prom_pid=$!
sleep "$wait_s"
metrics=$(curl -s "http://127.0.0.1:$prom/metrics")
echo "installation: $hosts hosts, $(grep -c '^servicestatus {' "$dir/inst/var/status.dat") services; OLA groups: $(echo $sites | wc -w); scrape/evaluation every ${scrape}s; after ${wait_s}s"
echo "series in the head: $(awk '$1=="prometheus_tsdb_head_series"{print $2}' <<<"$metrics")"
# Per group and per rule: the last evaluation's duration (the rules API).
curl -s "http://127.0.0.1:$prom/api/v1/rules" | python3 -c '
import json, sys
for g in json.load(sys.stdin)["data"]["groups"]:
    print("rule group %-22s last evaluation %.3f s (%d rules)" % (g["name"], g["evaluationTime"], len(g["rules"])))
    for r in sorted(g["rules"], key=lambda r: -r["evaluationTime"])[:3]:
        print("  slowest: %-50s %.3f s %s" % (r["name"], r["evaluationTime"], r.get("health")))'
awk '$1 ~ /^prometheus_rule_group_last_evaluation_samples/ {print "samples", $0}' <<<"$metrics"
awk '$1 ~ /^prometheus_rule_evaluation_failures_total/ && $2 != 0 {print "failures", $0}' <<<"$metrics"
echo "prometheus peak RSS: $(awk '/VmHWM/{printf "%d MB", $2/1024}' /proc/$prom_pid/status)"
