#!/usr/bin/env bash
# Render Naemon's sample object files (corpus/naemon-core/sample-config/conf.d/**, autoconf
# templates) into WORK/objects/ (same tree) and WORK/resource.cfg, with the @vars@ that
# `./configure` would fill in for a Debian-like install.   Usage: prepare.sh CORPUS SET WORK
set -euo pipefail
corpus=$1 work=$3
src=$corpus/naemon-core/sample-config
render() {
  mkdir -p "$(dirname "$2")"
  sed -e 's|@VERSION@|1.4.1|g' -e 's|@MAIL_PROG@|/usr/bin/mail|g' \
    -e "s|@localstatedir@|$work/var|g" -e 's|@naemon_user@|naemon|g' \
    -e 's|@pluginsdir@|/usr/lib/nagios/plugins|g' "$1" >"$2"
  if grep -qE '@[A-Za-z_]+@' "$2"; then
    echo "prepare.sh: $1 has a @var@ this script does not fill in" >&2
    exit 1
  fi
}
while IFS= read -r f; do
  rel=${f#"$src/conf.d/"}
  render "$f" "$work/objects/${rel%.in}"
done < <(find "$src/conf.d" -name '*.cfg.in' | sort)
render "$src/resource.cfg.in" "$work/resource.cfg"
