#!/usr/bin/env bash
# The Debian package as an operator gets it: built (scripts/package.sh), inspected, installed
# on this machine with dpkg, checked for what it left (files, the nag2prom user in group
# nagios, the unit, enabled and accepted by systemd-analyze), the bridge run the way the unit
# runs it (as nag2prom:nagios, on 127.0.0.1) and scraped, then purged. Root only: it installs
# and removes a package. Used by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $(id -u) -eq 0 ]] || { echo "check-package.sh: run as root (it installs the package)" >&2; exit 2; }
fail() { echo "check-package.sh: $*" >&2; exit 1; }
deb=$(scripts/package.sh | tail -n 1)
echo "package: $deb ($(stat -c %s "$deb") bytes)"
contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
for path in ./usr/bin/nag2prom ./usr/lib/systemd/system/nag2prom.service ./etc/default/nag2prom \
  ./usr/share/man/man1/nag2prom.1.gz ./usr/share/man/man1/nag2prom-serve.1.gz \
  ./usr/share/bash-completion/completions/nag2prom ./usr/share/zsh/vendor-completions/_nag2prom \
  ./usr/share/fish/vendor_completions.d/nag2prom.fish ./usr/share/doc/nag2prom/README.md; do
  grep -qx -- "$path" <<<"$contents" || fail "$path is not in the package"
done
dpkg-deb -f "$deb" Depends | grep -q adduser || fail "Depends lacks adduser"
dpkg-deb -I "$deb" conffiles | grep -qx /etc/default/nag2prom \
  || fail "/etc/default/nag2prom is not a conffile"

dpkg -i "$deb" >/dev/null
trap 'dpkg -P nag2prom >/dev/null 2>&1 || true' EXIT
getent passwd nag2prom >/dev/null || fail "no nag2prom user"
[[ $(id -gn nag2prom) == nagios ]] || fail "nag2prom's group is $(id -gn nag2prom), not nagios"
[[ $(getent passwd nag2prom | cut -d: -f7) == /usr/sbin/nologin ]] || fail "nag2prom has a login shell"
[[ $(stat -c %a /usr/bin/nag2prom) == 755 ]] || fail "/usr/bin/nag2prom mode $(stat -c %a /usr/bin/nag2prom)"
/usr/bin/nag2prom --version
[[ -L /etc/systemd/system/multi-user.target.wants/nag2prom.service ]] || fail "the unit is not enabled"
if command -v systemd-analyze >/dev/null; then
  systemd-analyze verify --man=no /usr/lib/systemd/system/nag2prom.service \
    || fail "systemd-analyze verify refuses the unit"
  echo "systemd-analyze verify: ok"
fi
grep -q '^ExecStart=/usr/bin/nag2prom serve \$ARGS$' /usr/lib/systemd/system/nag2prom.service \
  || fail "unexpected ExecStart"
for option in NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes PrivateTmp=yes User=nag2prom Group=nagios; do
  grep -qx "$option" /usr/lib/systemd/system/nag2prom.service || fail "the unit lacks $option"
done

# The bridge as the unit runs it: the packaged user and group, on loopback, reading a
# status.dat only group nagios may read.
work=$(mktemp -d /tmp/nag2prom-package-XXXXXX)
trap 'kill "${bridge:-}" 2>/dev/null || true; rm -rf "$work"; dpkg -P nag2prom >/dev/null 2>&1 || true' EXIT
chmod 755 "$work"
install -m 640 -g nagios examples/demo/var/status.dat "$work/status.dat"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
runuser -u nag2prom -g nagios -- /usr/bin/nag2prom serve --status-file "$work/status.dat" \
  --status.max-age 0 --web.listen-address "127.0.0.1:$port" 2>"$work/serve.log" &
bridge=$!
up=""
for _ in $(seq 100); do
  up=$(curl -sf "http://127.0.0.1:$port/metrics" 2>/dev/null | awk '$1=="nagios_up"{print $2}') || true
  [[ $up == 1 ]] && break
  sleep 0.1
done
[[ $up == 1 ]] || { cat "$work/serve.log" >&2; fail "the packaged bridge, run as nag2prom, never reported nagios_up 1"; }
echo "bridge as nag2prom:nagios: nagios_up 1"
kill "$bridge"; wait "$bridge" 2>/dev/null || true; bridge=""

dpkg -P nag2prom >/dev/null
[[ ! -e /usr/bin/nag2prom ]] || fail "purge left /usr/bin/nag2prom"
[[ ! -e /etc/default/nag2prom ]] || fail "purge left /etc/default/nag2prom"
! getent passwd nag2prom >/dev/null || fail "purge left the nag2prom user"
echo "package: ok (installed, checked, bridge ran as nag2prom, purged)"
