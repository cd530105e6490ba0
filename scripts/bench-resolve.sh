#!/usr/bin/env bash
# Resolve + expand speed of nag2prom next to `nagios4 -v`, on the same generated files, in
# one run (hyperfine). Usage: scripts/bench-resolve.sh [HOSTS] (default 10000).
set -euo pipefail
hosts=${1:-10000}
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin nag2prom --example gen_install
dir=$(mktemp -d /tmp/nag2prom-bench-XXXXXX)
trap 'rm -rf "$dir"' EXIT
target/release/examples/gen_install --hosts "$hosts" --out "$dir"
nagios4=${NAGIOS4:-/usr/sbin/nagios4}
hyperfine --warmup 1 --runs 5 --export-markdown "$dir/result.md" \
  -n "nag2prom check" "target/release/nag2prom check -q --config $dir/nagios.cfg" \
  -n "nagios4 -v" "$nagios4 -v $dir/nagios.cfg"
cat "$dir/result.md"
for cmd in "target/release/nag2prom check -q --config $dir/nagios.cfg" "$nagios4 -v $dir/nagios.cfg"; do
  /usr/bin/time -f "peak RSS %M KB: $cmd" $cmd >/dev/null
done
