#!/usr/bin/env bash
# Native coverage of `nag2prom convert` on real configurations: how many services of each
# corpus set become native rules rather than bridged ones, and the top reasons for bridging.
#
# Usage: scripts/bench-coverage.sh [SET...]    (default: every tests/coverage/*/ set)
#
# A set is tests/coverage/<set>/ (see tests/coverage/README.md): a nagios.cfg.in that reads
# the corpus files in place (@CORPUS@ = the corpus, @SET@ = the set directory, @WORK@ = a
# temporary directory for state paths), stub object files, and optionally prepare.py or
# prepare.sh (run as `prepare CORPUS SET WORK` before rendering: it writes generated objects
# under WORK) and nrpe.cfg (a second row `<set>+nrpe` converts with --nrpe-config).
# For each set it renders nagios.cfg, runs `nagios4 -v` (if installed; a non-zero exit is
# warned about, the set is still measured), `nag2prom check`, `nag2prom convert` (with
# --nagios-server-address 127.0.0.1) and `promtool check rules`
# on the output (if installed), then prints from report.json a table: services, native,
# bridged, native %, the issue's target, and the top 5 bridge reason codes; then a table of the
# tool exit codes.
# Exit status: 0 even when targets are missed (it is a measurement); 1 when convert fails,
# report.json is unreadable or promtool rejects the generated rules; 2 when a required tool
# or a set is missing.
# Environment: NAG2PROM (the binary; default: cargo build --release, under /tmp/cargo.lock),
# CORPUS (default ../shared/corpus), NAGIOS4, PROMTOOL, KEEP=1 (keep the temp directory).
set -euo pipefail
# NAG2PROM and CORPUS may be relative to the caller's directory.
if [[ -n ${NAG2PROM:-} && $NAG2PROM == */* ]]; then NAG2PROM=$(realpath -e "$NAG2PROM"); fi
if [[ -n ${CORPUS:-} ]]; then CORPUS=$(realpath -e "$CORPUS" 2>/dev/null || echo "$CORPUS"); fi
cd "$(dirname "$0")/.."
command -v jq >/dev/null || { echo "bench-coverage.sh: jq is required" >&2; exit 2; }
corpus=$(realpath -e "${CORPUS:-../shared/corpus}" 2>/dev/null || true)
[[ -n $corpus && -d $corpus ]] \
  || { echo "bench-coverage.sh: no corpus at ${CORPUS:-../shared/corpus} (set CORPUS)" >&2; exit 2; }
nagios4=${NAGIOS4:-$(command -v nagios4 || echo /usr/sbin/nagios4)}
[[ -x $nagios4 ]] || { echo "bench-coverage.sh: nagios4 not found: the nagios4 -v column stays empty" >&2; nagios4=""; }
promtool=${PROMTOOL:-$(command -v promtool || true)}
[[ -n $promtool ]] || echo "bench-coverage.sh: promtool not found: the generated rules are not checked" >&2
if [[ -n ${NAG2PROM:-} ]]; then
  bin=$(command -v "$NAG2PROM" || echo "$NAG2PROM")
else
  flock /tmp/cargo.lock cargo build --release --quiet --bin nag2prom
  bin=target/release/nag2prom
fi
[[ -x $bin ]] || { echo "bench-coverage.sh: $bin is not executable" >&2; exit 2; }
# Only the Nagios server's own host (127.0.0.1 in every set) measures itself; the other
# stub hosts are loopback addresses too (nothing here may leave the machine).
server_flag=(--nagios-server-address 127.0.0.1)

sets=("$@")
if ((${#sets[@]} == 0)); then
  # The sample sets first, then the real installations.
  for s in debian-sample nagioscore-sample naemon-sample fedora wikimedia okconfig; do
    [[ -d tests/coverage/$s ]] && sets+=("$s")
  done
  for d in tests/coverage/*/; do
    s=$(basename "$d")
    [[ " ${sets[*]} " == *" $s "* ]] || sets+=("$s")
  done
fi
for s in "${sets[@]}"; do
  [[ -f tests/coverage/$s/nagios.cfg.in ]] || { echo "bench-coverage.sh: no set tests/coverage/$s" >&2; exit 2; }
done

# Targets of the coverage issue: N/M = at least N native services, P% = native percent.
declare -A target=([debian-sample]=18/21 [fedora+nrpe]=70% [wikimedia]=60% [okconfig]=60%)

work=$(mktemp -d /tmp/nag2prom-coverage-XXXXXX)
if [[ ${KEEP:-} == 1 ]]; then
  echo "bench-coverage.sh: keeping $work" >&2
else
  trap 'rm -rf "$work"' EXIT
fi
# Nagios started as root writes its state as nagios_user (the Debian default: nagios), and
# `nag2prom check` checks that the same way: let that user reach and write the state paths.
as_nagios=""
[[ $(id -u) -eq 0 ]] && id nagios >/dev/null 2>&1 && as_nagios=nagios
chmod 755 "$work"

# @CORPUS@, @SET@ and @WORK@ of a nagios.cfg.in, replaced without sed (paths may hold any byte).
render() {
  local line
  while IFS= read -r line || [[ -n $line ]]; do
    line=${line//@CORPUS@/$corpus}
    line=${line//@SET@/$2}
    line=${line//@WORK@/$3}
    printf '%s\n' "$line"
  done <"$1"
}
# The target cell without its verdict: "≥ 18/21 native", "≥ 70 %" or "—".
goal() {
  local t=${target[$1]:-}
  if [[ -z $t ]]; then echo —; elif [[ $t == */* ]]; then echo "≥ $t native"; else echo "≥ ${t%\%} %"; fi
}
# One markdown cell: pipes escaped, newlines flattened.
cell() { printf '%s' "$1" | tr '\n' ' ' | sed 's/|/\\|/g'; }

failed=0
rows=() checks=()
for s in "${sets[@]}"; do
  dir=$PWD/tests/coverage/$s
  sw=$work/$s
  mkdir -p "$sw/var/rw" "$sw/var/tmp" "$sw/var/spool/checkresults"
  chmod 755 "$sw"
  if [[ -n $as_nagios ]]; then chown -R "$as_nagios:$as_nagios" "$sw/var"; fi
  if [[ -f $dir/prepare.py ]]; then
    command -v python3 >/dev/null || { echo "bench-coverage.sh: $s needs python3" >&2; exit 2; }
    python3 "$dir/prepare.py" "$corpus" "$dir" "$sw" >&2
  elif [[ -f $dir/prepare.sh ]]; then
    bash "$dir/prepare.sh" "$corpus" "$dir" "$sw" >&2
  fi
  render "$dir/nagios.cfg.in" "$dir" "$sw" >"$sw/nagios.cfg"
  cfg=$sw/nagios.cfg

  nrc=—
  if [[ -n $nagios4 ]]; then
    set +e; "$nagios4" -v "$cfg" >"$sw/nagios4-v.txt" 2>&1; nrc=$?; set -e
    if ((nrc != 0)); then
      echo "bench-coverage.sh: $s: nagios4 -v exited $nrc:" >&2
      grep -E '^(Error|Warning)' "$sw/nagios4-v.txt" | head -n 5 | sed 's/^/    /' >&2 || true
    fi
  fi
  set +e; "$bin" check -q -c "$cfg" >"$sw/check.txt" 2>&1; crc=$?; set -e
  if ((crc != 0)); then
    echo "bench-coverage.sh: $s: nag2prom check exited $crc (see $sw/check.txt with KEEP=1):" >&2
    grep -E '^error' "$sw/check.txt" | head -n 5 | sed 's/^/    /' >&2 || true
  fi

  variants=("$s")
  [[ -f $dir/nrpe.cfg ]] && variants+=("$s+nrpe")
  for row in "${variants[@]}"; do
    out=$sw/out-${row//+/-}
    extra=()
    [[ $row == *+nrpe ]] && extra=(--nrpe-config "$dir/nrpe.cfg")
    set +e
    "$bin" convert -q -c "$cfg" --out "$out" "${server_flag[@]}" "${extra[@]}" >"$sw/convert.txt" 2>&1
    vrc=$?
    set -e
    if ((vrc != 0)) || ! jq -e '.totals.services' "$out/report.json" >/dev/null 2>&1; then
      echo "bench-coverage.sh: $row: nag2prom convert exited $vrc:" >&2
      head -n 20 "$sw/convert.txt" | sed 's/^/    /' >&2
      rows+=("| $row | convert failed (exit $vrc) | | | | $(goal "$row") | |")
      checks+=("| $row | $nrc | $crc | $vrc | — |")
      failed=1
      continue
    fi
    # services native bridged percent, tab-separated; the percent computed when absent.
    IFS=$'\t' read -r services native bridged percent < <(jq -r '.totals
      | [.services, .native, .bridged,
         (.native_percent // (if .services > 0 then .native * 1000 / .services | round / 10 else 0 end))]
      | @tsv' "$out/report.json")
    # Grouped by reason code (report.json reason_groups), with the plugins concerned.
    reasons=$(jq -r '[(.reason_groups // [])[]] | sort_by(-.services) | .[:5]
      | map("\(.services) × `\(.code)` (\(.plugins | split(", ") | .[:4] | join(", "))\(if (.plugins | split(", ") | length) > 4 then ", …" else "" end))")
      | join("; ")' "$out/report.json")
    plugins=$(jq -r '[(.plugins // {}) | to_entries[] | select(.value.bridged > 0)]
      | sort_by(-.value.bridged, .key) | .[:6] | map("\(.value.bridged) \(.key)") | join(", ")' "$out/report.json")
    t=${target[$row]:-}
    tcell=$(goal "$row")
    if [[ -n $t ]]; then
      if [[ $t == */* ]]; then
        met=$((native >= ${t%/*}))
      else
        met=$(awk -v p="$percent" -v t="${t%\%}" 'BEGIN { print (p >= t) ? 1 : 0 }')
      fi
      if ((met)); then tcell+=" ✓"; else tcell+=" ✗"; fi
    fi
    rows+=("| $row | $services | $native | $bridged | $percent | $tcell | $(cell "${reasons:-—}") | $(cell "${plugins:-—}") |")

    prc=—
    if [[ -n $promtool ]]; then
      set +e; "$promtool" check rules "$out"/rules/*.yml >"$sw/promtool.txt" 2>&1; prc=$?; set -e
      if ((prc != 0)); then
        echo "bench-coverage.sh: $row: promtool check rules exited $prc:" >&2
        grep -v -E '^(Checking|  SUCCESS)' "$sw/promtool.txt" | head -n 10 | sed 's/^/    /' >&2 || true
        failed=1
        prc="$prc (failed)"
      fi
    fi
    checks+=("| $row | $nrc | $crc | $vrc | $prc |")
  done
done

flags="${server_flag[*]}"
echo "nag2prom: $("$bin" --version 2>/dev/null || echo "$bin")${flags:+, convert $flags}"
echo
echo '| set | services | native | bridged | native % | target | top 5 bridge reason codes (services × code (plugins)) | most bridged plugins |'
echo '|---|---:|---:|---:|---:|---|---|---|'
printf '%s\n' "${rows[@]}"
echo
echo '| set | nagios4 -v | nag2prom check | nag2prom convert | promtool check rules |'
echo '|---|---:|---:|---:|---:|'
printf '%s\n' "${checks[@]}"
exit "$failed"
