#!/usr/bin/env bash
# `nag2prom convert` end to end (read, resolve, translate, render, write every file) next to
# `nagios4 -v` on the same generated files, in one hyperfine run.
# Usage: scripts/bench-convert.sh [HOSTS] (default 10000, i.e. 80,000 services). The timed
# runs hold /tmp/cargo.lock so that no build shares the two cores with them.
set -euo pipefail
hosts=${1:-10000}
cd "$(dirname "$0")/.."
flock /tmp/cargo.lock cargo build --release --quiet --bin nag2prom --example gen_install
dir=$(mktemp -d /tmp/nag2prom-bench-convert-XXXXXX)
trap 'rm -rf "$dir"' EXIT
target/release/examples/gen_install --hosts "$hosts" --out "$dir/inst"
nagios4=${NAGIOS4:-/usr/sbin/nagios4}
convert="target/release/nag2prom convert -q --config $dir/inst/nagios.cfg --out $dir/out"
flock /tmp/cargo.lock hyperfine -N --warmup 1 --runs 10 --export-markdown "$dir/result.md" \
  -n "nag2prom convert" "$convert" \
  -n "nagios4 -v" "$nagios4 -v $dir/inst/nagios.cfg"
cat "$dir/result.md"
/usr/bin/time -f "peak RSS %M KB: nag2prom convert" $convert
python3 -c 'import json, sys; print("totals:", json.load(open(sys.argv[1]))["totals"])' "$dir/out/report.json"
echo "rules: $(grep -c -E '^  - (alert|record):' "$dir"/out/rules/*.yml | awk -F: '{s+=$2} END {print s}')"
