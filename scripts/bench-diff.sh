#!/usr/bin/env bash
# `nag2prom diff` of two generated installations that differ in one template
# (generic-service's max_check_attempts 3 → 4: every service rule's `for:` changes), beside
# `nag2prom convert` of the same input, in one hyperfine run. Three ways to diff:
# two nagios.cfg (both converted on the fly), a convert output (the base, cached in CI)
# against a nagios.cfg, and two convert outputs.
# Usage: scripts/bench-diff.sh [HOSTS] (default 10000, i.e. 80,000 services). The timed
# runs hold /tmp/cargo.lock so that no build shares the two cores with them.
set -euo pipefail
hosts=${1:-10000}
cd "$(dirname "$0")/.."
flock /tmp/cargo.lock cargo build --release --quiet --bin nag2prom --example gen_install
dir=$(mktemp -d /tmp/nag2prom-bench-diff-XXXXXX)
trap 'rm -rf "$dir"' EXIT
target/release/examples/gen_install --hosts "$hosts" --out "$dir/old" >/dev/null
cp -r "$dir/old" "$dir/new"
# The one template edit: generic-service's max_check_attempts.
awk '/name +generic-service/ {in_t=1} in_t && /max_check_attempts/ {sub(/3$/, "4"); in_t=0} {print}' \
  "$dir/old/objects/templates.cfg" > "$dir/new/objects/templates.cfg"
cmp -s "$dir/old/objects/templates.cfg" "$dir/new/objects/templates.cfg" && { echo "template edit failed" >&2; exit 1; }
bin=target/release/nag2prom
$bin convert -q --config "$dir/old/nagios.cfg" --out "$dir/old-out"
$bin convert -q --config "$dir/new/nagios.cfg" --out "$dir/new-out"
flock /tmp/cargo.lock hyperfine -N --warmup 1 --runs 10 --export-markdown "$dir/result.md" \
  -n "convert (one side)" "$bin convert -q --config $dir/new/nagios.cfg --out $dir/bench-out" \
  -n "diff nagios.cfg nagios.cfg" "$bin diff $dir/old/nagios.cfg $dir/new/nagios.cfg" \
  -n "diff convert-output nagios.cfg" "$bin diff $dir/old-out $dir/new/nagios.cfg" \
  -n "diff convert-output convert-output" "$bin diff $dir/old-out $dir/new-out"
cat "$dir/result.md"
/usr/bin/time -f "peak RSS %M KB: diff nagios.cfg nagios.cfg" $bin diff "$dir/old/nagios.cfg" "$dir/new/nagios.cfg" | head -n 1
