#!/usr/bin/env bash
# Regenerates var/status.dat, var/objects.cache and var/retention.dat by running
# the REAL Nagios 4.4.6 daemon (Debian nagios4-core) on this demo's objects via
# the oracle script. Needs nagios4 and monitoring-plugins-basic; run as root or
# as any user (as root Nagios runs as the Debian 'nagios' user, so the demo
# files must be world-readable).
#
# Usage: examples/demo/regenerate.sh [path/to/nagios-oracle.sh] [scratch dir]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
oracle=${1:-/work/shared/tools/nagios-oracle.sh}
out=${2:-/tmp/demo-run}

# Fill the {NOW±n} placeholders of the external commands with epoch seconds.
now=$(date +%s)
cmds=$(mktemp /tmp/demo-extcmds.XXXXXX)
trap 'rm -f "$cmds"' EXIT
python3 - "$here/extcmds.template" "$now" >"$cmds" <<'PY'
import re, sys
now = int(sys.argv[2])
for line in open(sys.argv[1]):
    print(re.sub(r"\{NOW([+-]\d+)?\}", lambda m: str(now + int(m.group(1) or 0)), line), end="")
PY

rm -rf "$out"
# The oracle writes its own nagios.cfg and resource.cfg ($USER1$ is always the
# plugin directory); $USER3$ is added to match resource.cfg, and notifications
# are switched on like in nagios.cfg (they only run /bin/true).
ORACLE_RUN_SECONDS=40 \
ORACLE_RESOURCE='$USER3$=s3cr3t-db-pass' \
ORACLE_MAIN_EXTRA='enable_notifications=1' \
ORACLE_EXTCMDS="$cmds" \
  "$oracle" run "$here/objects" "$here/local/nagios-server.cfg" "$here/local/passive-checks.cfg" -o "$out"

# Copy the results. The only machine-specific text in them is the oracle's
# mktemp work directory (absent from these three files at the time of writing,
# but replaced with <WORK> just in case).
for f in status.dat objects.cache retention.dat; do
  sed -E 's#/tmp/nagios-oracle\.[A-Za-z0-9]{6}#<WORK>#g' "$out/$f" >"$here/var/$f"
done
echo "wrote $here/var/{status.dat,objects.cache,retention.dat} (full oracle output in $out)"
