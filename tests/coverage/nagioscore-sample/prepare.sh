#!/usr/bin/env bash
# Render Nagios Core's sample object files (corpus/nagioscore/sample-config, autoconf
# templates) into WORK/objects/ and WORK/resource.cfg, with the @vars@ that `./configure`
# would fill in for a Debian-like install.   Usage: prepare.sh CORPUS SET WORK
set -euo pipefail
corpus=$1 work=$3
src=$corpus/nagioscore/sample-config
mkdir -p "$work/objects"
render() {
  sed -e 's|@VERSION@|4.4.6|g' -e 's|@MAIL_PROG@|/usr/bin/mail|g' \
    -e "s|@localstatedir@|$work/var|g" -e 's|@nagios_user@|nagios|g' \
    -e 's|@libexecdir@|/usr/lib/nagios/plugins|g' "$1" >"$2"
  if grep -qE '@[A-Za-z_]+@' "$2"; then
    echo "prepare.sh: $1 has a @var@ this script does not fill in" >&2
    exit 1
  fi
}
for f in "$src"/template-object/*.cfg.in; do
  render "$f" "$work/objects/$(basename "${f%.in}")"
done
render "$src/resource.cfg.in" "$work/resource.cfg"
