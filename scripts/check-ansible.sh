#!/usr/bin/env bash
# The Ansible role in examples/ansible tested the way operators test roles (Molecule +
# Testinfra's pattern, without containers): Ansible and ansible-lint from PyPI in a throwaway
# virtualenv; --syntax-check and ansible-lint (production profile) clean; then the playbook
# applied for real to this machine (connection: local), with a real Prometheus, Alertmanager
# and blackbox exporter on loopback, and what it left checked:
#   0. a flag of nag2prom serve with white space: refused before anything is installed;
#   1. first run: the package installed, the nag2prom user, the flags, the bridge started
#      (start-stop-daemon: no init system runs here) and answering, a release validated by
#      promtool/amtool/blackbox_exporter and made live, all three reloaded and serving it,
#      the dashboards posted to a stub of Grafana's dashboard API (no Grafana package exists);
#   2. the same run again changes nothing (idempotence);
#   3. a threshold changed in the Nagios config: `nag2prom diff` reports it, the new rule is
#      live in Prometheus;
#   4. a release the real tools refuse (a failing rule unit test) is not deployed: the play
#      fails and Prometheus keeps the last good rules.
# Root only (it installs and purges the package). Used by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
[[ $(id -u) -eq 0 ]] || { echo "check-ansible.sh: run as root (it installs the package)" >&2; exit 2; }
fail() { echo "check-ansible.sh: $*" >&2; exit 1; }
for tool in prometheus prometheus-alertmanager prometheus-blackbox-exporter promtool amtool curl python3; do
  command -v "$tool" >/dev/null || fail "$tool is not installed"
done

work=$(mktemp -d /tmp/nag2prom-ansible-XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  start-stop-daemon --stop --pidfile "$work/nag2prom.pid" --oknodo --retry 5 >/dev/null 2>&1 || true
  dpkg -P nag2prom >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "--- Ansible and ansible-lint in a virtualenv"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check -r examples/ansible/requirements.txt
export PATH="$work/venv/bin:$PATH"
ansible --version | awk 'NR == 1'
ansible-lint --nocolor --version | awk 'NR == 1'

deb=$(scripts/package.sh | tail -n 1)
deb=$root/$deb

# The "repository": the playbook and role beside a copy of the demo's Nagios configuration.
cp -r examples/ansible "$work/repo"
rm -rf "$work/repo/build"
cp -r examples/demo "$work/repo/nagios"
chmod -R a+rX "$work/repo"

echo "--- syntax check and ansible-lint"
(cd "$work/repo" && ansible-playbook --syntax-check playbook.yml)
(cd "$work/repo" && ansible-lint --offline --profile production)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
prom_port=$(free_port); am_port=$(free_port); bb_port=$(free_port); bridge_port=$(free_port)
etc=$work/etc
mkdir -p "$etc/nag2prom/releases/bootstrap"

# The monitors as they were before nag2prom: running, with configurations of their own.
printf 'global:\n  scrape_interval: 1m\n' >"$etc/nag2prom/releases/bootstrap/prometheus.yml"
ln -s releases/bootstrap "$etc/nag2prom/current"
printf 'route:\n  receiver: old\nreceivers:\n- name: old\n' >"$etc/alertmanager.yml"
printf 'modules:\n  old_module:\n    prober: tcp\n' >"$etc/blackbox.yml"
prometheus --config.file="$etc/nag2prom/current/prometheus.yml" --web.enable-lifecycle \
  --web.listen-address="127.0.0.1:$prom_port" --storage.tsdb.path="$work/tsdb" \
  >"$work/prometheus.log" 2>&1 &
pids+=($!)
prometheus-alertmanager --config.file="$etc/alertmanager.yml" --storage.path="$work/am" \
  --web.listen-address="127.0.0.1:$am_port" --cluster.listen-address= >"$work/alertmanager.log" 2>&1 &
pids+=($!)
prometheus-blackbox-exporter --config.file="$etc/blackbox.yml" \
  --web.listen-address="127.0.0.1:$bb_port" >"$work/blackbox.log" 2>&1 &
pids+=($!)
# No Grafana package exists for Debian: a stub in its place records what the role posts to
# Grafana's dashboard API (the request's shape, not Grafana's answer, is what it checks).
graf_port=$(free_port)
cat >"$work/grafana-stub.py" <<'PY'
import json, sys
from http.server import BaseHTTPRequestHandler, HTTPServer
class H(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        ok = (self.path == "/api/dashboards/db"
              and self.headers.get("Authorization") == "Bearer stub-token")
        if ok:
            with open(sys.argv[2], "ab") as f:
                f.write(body + b"\n")
        self.send_response(200 if ok else 401)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"status":"success"}' if ok else b'{"message":"unauthorized"}')
    def do_GET(self):
        self.send_response(200); self.end_headers()
    def log_message(self, *args):
        pass
HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
python3 "$work/grafana-stub.py" "$graf_port" "$work/grafana-posts.jsonl" &
pids+=($!)
for url in "127.0.0.1:$graf_port/" "127.0.0.1:$prom_port/-/ready" "127.0.0.1:$am_port/-/ready" "127.0.0.1:$bb_port/-/healthy"; do
  for _ in $(seq 100); do curl -sf "http://$url" >/dev/null 2>&1 && break; sleep 0.1; done
  curl -sf "http://$url" >/dev/null || { cat "$work"/*.log >&2; fail "$url never answered"; }
done

cat >"$work/repo/inventory.ini" <<INI
[nagios]
localhost ansible_connection=local ansible_python_interpreter=$work/venv/bin/python

[monitors]
localhost ansible_connection=local ansible_python_interpreter=$work/venv/bin/python

[dashboards]
localhost ansible_connection=local ansible_python_interpreter=$work/venv/bin/python
INI
cat >"$work/vars.json" <<JSON
{
  "nag2prom_package_deb": "$deb",
  "nag2prom_binary": "$root/target/release/nag2prom",
  "nag2prom_serve_nagios_cfg": "$work/repo/nagios/nagios.cfg",
  "nag2prom_listen_address": "127.0.0.1:$bridge_port",
  "nag2prom_serve_extra_args": ["--status.max-age=0"],
  "nag2prom_daemon_pidfile": "$work/nag2prom.pid",
  "nag2prom_daemon_log": "$work/nag2prom.log",
  "nag2prom_alertmanager_addresses": ["127.0.0.1:$am_port"],
  "nag2prom_prometheus_dir": "$etc/nag2prom",
  "nag2prom_alertmanager_config": "$etc/alertmanager.yml",
  "nag2prom_blackbox_config": "$etc/blackbox.yml",
  "nag2prom_prometheus_url": "http://127.0.0.1:$prom_port",
  "nag2prom_alertmanager_url": "http://127.0.0.1:$am_port",
  "nag2prom_blackbox_url": "http://127.0.0.1:$bb_port",
  "nag2prom_grafana_url": "http://127.0.0.1:$graf_port",
  "nag2prom_grafana_token": "stub-token"
}
JSON
play() { (cd "$work/repo" && ansible-playbook -e "@$work/vars.json" "$@" playbook.yml) | tee "$work/play.log"; }
recap() { awk '/PLAY RECAP/{getline; print}' "$work/play.log"; }
rules_of() { curl -sf "http://127.0.0.1:$prom_port/api/v1/rules" | python3 -c "$1"; }

echo "--- run 0: a flag the unit would split is refused before anything is installed"
if play -e '{"nag2prom_serve_extra_args": ["--perfdata.allow=Disk Usage"]}'; then
  fail "a flag with a space was accepted"
fi
grep -q "a flag of nag2prom serve holds white space" "$work/play.log" || fail "no reason for the refusal"
! dpkg -s nag2prom >/dev/null 2>&1 || fail "the refused run installed the package"
echo "run 0: ok"

echo "--- run 1: first deployment"
play
recap | grep -q 'failed=0' || fail "the first run failed"
getent passwd nag2prom >/dev/null || fail "no nag2prom user"
[[ $(id -gn nag2prom) == nagios ]] || fail "nag2prom's group is $(id -gn nag2prom)"
grep -qx "ARGS=\"--config=$work/repo/nagios/nagios.cfg --web.listen-address=127.0.0.1:$bridge_port --status.max-age=0\"" \
  /etc/default/nag2prom || { cat /etc/default/nag2prom >&2; fail "unexpected /etc/default/nag2prom"; }
[[ $(stat -c %U "/proc/$(cat "$work/nag2prom.pid")") == nag2prom ]] || fail "the bridge does not run as nag2prom"
up=$(curl -sf "http://127.0.0.1:$bridge_port/metrics" | awk '$1=="nagios_up"{print $2}')
[[ $up == 1 ]] || { cat "$work/nag2prom.log" >&2; fail "the bridge answers nagios_up ${up:-nothing}, not 1"; }
release=$(readlink "$etc/nag2prom/current")
[[ $release == releases/[0-9a-f]* && $release != releases/bootstrap ]] || fail "current points at $release"
[[ $(stat -c %a "$etc/nag2prom/$release/rules/hosts.yml") == 644 ]] || fail "rule file mode"
cmp -s "$etc/alertmanager.yml" "$etc/nag2prom/$release/alertmanager.yml" || fail "alertmanager.yml not installed"
ls "$etc"/alertmanager.yml.*~ >/dev/null 2>&1 || fail "the replaced alertmanager.yml was not backed up"
grep -q "First deployment" "$work/repo/build/nag2prom/diff.md" || fail "diff.md on the first run"
# Prometheus loaded every generated rule group, Alertmanager and the blackbox exporter the
# generated configurations.
want=$(grep -h '^- name:' "$etc/nag2prom/$release"/rules/*.yml | wc -l)
got=$(rules_of 'import json,sys; print(len(json.load(sys.stdin)["data"]["groups"]))')
[[ $got == "$want" ]] || fail "Prometheus has $got rule groups, the release $want"
curl -sf "http://127.0.0.1:$am_port/api/v2/status" | grep -q 'nagios' \
  || fail "Alertmanager did not load the generated alertmanager.yml"
curl -sf "http://127.0.0.1:$am_port/api/v2/status" | grep -q 'receiver: old' \
  && fail "Alertmanager still runs the old configuration"
module=$(grep -m1 -E '^  [a-z0-9_]+:$' "$etc/blackbox.yml" | tr -d ' :')
curl -sf "http://127.0.0.1:$bb_port/config" | grep -qE "^ +$module:\$" \
  || fail "the blackbox exporter did not load module $module"
python3 - "$work/grafana-posts.jsonl" <<'PY' || fail "the dashboards were not posted to Grafana's API as expected"
import json, sys
posts = [json.loads(l) for l in open(sys.argv[1])]
# Every dashboard convert writes, each once, replacing the one of the same uid.
uids = sorted(p["dashboard"]["uid"] for p in posts)
assert uids == ["nag2prom-overview", "nag2prom-perfdata"], uids
for p in posts:
    assert p["overwrite"] is True, p.keys()
    assert p["dashboard"]["panels"], "no panels"
PY
echo "run 1: ok ($got rule groups live, bridge nagios_up 1, Alertmanager and blackbox reloaded)"

echo "--- run 2: nothing changed, nothing changes"
play
recap | grep -q 'changed=0 .*failed=0' || fail "the second run changed something: $(recap)"
[[ $(readlink "$etc/nag2prom/current") == "$release" ]] || fail "a second release from the same input"
echo "run 2: ok (idempotent)"

echo "--- run 3: a threshold changes"
sed -i 's/check_local_load!5.0,4.0,3.0!/check_local_load!7.5,4.0,3.0!/' "$work/repo/nagios/objects/services.cfg"
play
recap | grep -q 'failed=0' || fail "the third run failed"
grep -q '7.5' "$work/repo/build/nag2prom/diff.md" || { cat "$work/repo/build/nag2prom/diff.md" >&2; fail "diff.md does not show 5 → 7.5"; }
new=$(readlink "$etc/nag2prom/current")
[[ $new != "$release" ]] || fail "the change made no new release"
rules_of 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if any("7.5" in r.get("query","") for g in d["data"]["groups"] for r in g["rules"]) else 1)' \
  || fail "Prometheus does not evaluate the new threshold"
echo "run 3: ok (diff showed the change, $new live)"

echo "--- run 4: a release promtool refuses is not deployed"
sed -i 's/check_local_load!7.5,4.0,3.0!/check_local_load!9.5,4.0,3.0!/' "$work/repo/nagios/objects/services.cfg"
cat >"$work/promtool" <<'SH'
#!/bin/sh
# promtool, but every rule unit test fails.
[ "$1" = test ] && { echo "FAILED: injected by check-ansible.sh" >&2; exit 1; }
exec promtool "$@"
SH
chmod +x "$work/promtool"
if play -e "nag2prom_promtool=$work/promtool"; then fail "the play succeeded with failing unit tests"; fi
[[ $(readlink "$etc/nag2prom/current") == "$new" ]] || fail "a refused release went live"
rules_of 'import json,sys; d=json.load(sys.stdin); q=[r.get("query","") for g in d["data"]["groups"] for r in g["rules"]]; sys.exit(0 if any("7.5" in x for x in q) and not any("9.5" in x for x in q) else 1)' \
  || fail "Prometheus no longer evaluates the last good rules"
echo "run 4: ok (refused, the last good release stays live)"
echo "ansible role: ok"
