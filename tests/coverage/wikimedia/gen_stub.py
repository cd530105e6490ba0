#!/usr/bin/env python3
"""Write the generated stub of the wikimedia coverage set (objects/generated.cfg).

Wikimedia's corpus files are command, contact group and timeperiod definitions only: the
hosts, services and contacts come from Puppet (exported resources, private data) and are
not in the corpus. This stub gives the set something to convert: two hosts (the Icinga
server itself, 127.0.0.1, and one monitored host, 127.0.1.1), one service per corpus command
on each host, its check_command arguments filled with plausible values (thresholds like the
ones Wikimedia's Puppet passes, names and ports of the right shape, every address loopback),
and one contact per contact-group member.

Usage: python3 tests/coverage/wikimedia/gen_stub.py [CORPUS]   (default ../shared/corpus)
Rerun it after the corpus changes and commit objects/generated.cfg with it; it fails when a
corpus command takes more $ARGn$ than the table below gives it, or the table names a
command the corpus lacks.
"""
import pathlib
import re
import sys

HERE = pathlib.Path(__file__).resolve().parent
CORPUS = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parents[3] / "shared" / "corpus"
FILES = CORPUS / "wikimedia-operations-puppet" / "modules" / "nagios_common" / "files"

HOSTS = [
    # (host_name, address, why)
    ("alert1001", "127.0.0.1", "the Icinga server itself"),
    ("mw1001", "127.0.1.1", "a monitored application server"),
]

COMMUNITY = "public"
SRV = "127.0.1.2"  # a third party some commands query (DNS, SMB, VRRP peer): loopback too

# $ARG1$, $ARG2$, ... of every corpus command that takes arguments.
ARGS = {
    "check_breeze": ["80", "70"],
    "check_bfd": [COMMUNITY],
    "check_bgp": [COMMUNITY],
    "check_dns_query": ["www.wikipedia.org"],
    "check_dns_query_auth": ["www.wikipedia.org"],
    "check_dns_query_auth_port": ["5353", "www.wikipedia.org"],
    "check_dsh_groups": ["mediawiki-installation"],
    "check_galera_db": ["3306", "nagios", "nagios-pass"],
    "check_galera_node": ["3", "3306", "nagios", "nagios-pass"],
    "check_graphite_threshold": [
        "http://127.0.0.1:8080", "10", "reqstats.5xx", "250", "500", "10min", "now", "20", "--over"],
    "check_graphite_series_threshold": [
        "http://127.0.0.1:8080", "10", "servers.*.loadavg.01", "8", "16", "10min", "now", "20", "--over"],
    "check_ifstatus_nomon": [COMMUNITY],
    "check_jnx_alarms": [COMMUNITY],
    "check_ospf": [COMMUNITY],
    "check_prometheus": [
        "http://127.0.0.1:9090/ops", "sum(rate(mediawiki_http_requests_total{code=~\"5..\"}[5m]))",
        "50", "100", "unused", "ge"],
    "check_prometheus_nan_ok": [
        "http://127.0.0.1:9090/ops", "max(kafka_burrow_partition_lag)", "1000", "10000", "unused", "ge"],
    "check_ssl_http": ["en.wikipedia.org"],
    "check_ssl_http_letsencrypt": ["wikitech-static.wikimedia.org"],
    "check_ssl_http_letsencrypt_ocsp": ["www.wikimedia.org"],
    "check_ssl_on_port": ["puppet", "8140"],
    "check_ssl_on_port_letsencrypt": ["gerrit.wikimedia.org", "29418"],
    "check_ssl_on_host_port": ["ldap-ro.eqiad.wikimedia.org", SRV, "636"],
    "check_ssl_on_host_port_letsencrypt": ["phabricator.wikimedia.org", SRV, "443"],
    "check_ssl_kafka": ["kafka-main1001.eqiad.wmnet", SRV, "9093"],
    "check_ssl_ats": ["14", "7", "*.wikipedia.org", "wikipedia.org", "443", "ecdsa"],
    "check_ssl_ats_ocsp": ["14", "7", "*.wikipedia.org", "wikipedia.org", "443", "ecdsa"],
    "check_ssl_ats_default": ["14", "7", "*.wikipedia.org", "wikipedia.org", "443", "rsa"],
    "check_ssl_ats_ocsp_default": ["14", "7", "*.wikipedia.org", "wikipedia.org", "443", "rsa"],
    "check_ssl_ldap": ["ldap-labs.eqiad.wikimedia.org"],
    "check_ssl_ldap_letsencrypt": ["ldap-ro.codfw.wikimedia.org"],
    "check_ssl_unified": ["ecdsa", "*.wikipedia.org", "wikipedia.org"],
    "check_ssl_unified_letsencrypt": ["ecdsa", "*.wikipedia.org", "wikipedia.org"],
    "check_ssl_unified_sni_letsencrypt": ["rsa", "*.wikimedia.org", "wikimedia.org"],
    "check_ssl_unified_sni_letsencrypt_no_ocsp": ["rsa", "*.wmcloud.org", "wmcloud.org"],
    "check_vcp": [COMMUNITY],
    "check_vrrp": [SRV, COMMUNITY],
    "check_wmf_service": ["http://127.0.0.1:7231", "15"],
    "check_wmf_service_url": ["http://127.0.0.1:7231", "15", "/en.wikipedia.org/v1"],
    "check_dhcp_interface": ["eno1"],
    "check_disk_smb": [SRV, "backup"],
    "check_disk_smb_workgroup": [SRV, "backup", "WIKIMEDIA"],
    "check_disk_smb_host": ["fileserver", "backup"],
    "check_disk_smb_workgroup_host": ["fileserver", "backup", "WIKIMEDIA"],
    "check_disk_smb_user": [SRV, "backup", "nagios", "smb-pass", "85", "95"],
    "check_disk_smb_workgroup_user": [SRV, "backup", "WIKIMEDIA", "nagios", "smb-pass"],
    "check_disk_smb_host_user": ["fileserver", "backup", "nagios", "smb-pass"],
    "check_disk_smb_workgroup_host_user": ["fileserver", "backup", "WIKIMEDIA", "nagios", "smb-pass"],
    "check_disk": ["6%", "3%", "/srv"],
    "check_all_disks": ["6%", "3%"],
    "ssh_disk": ["10%", "5%", "/"],
    "ssh_disk_4": ["10%", "5%", "/"],
    "check_dig": [SRV, "en.wikipedia.org"],
    "check_dig_tcp": [SRV, "en.wikipedia.org"],
    "return-numeric": ["1"],
    "check_flexlm": ["/opt/flexlm/license.dat"],
    "check_http2": ["en.wikipedia.org", "5", "10"],
    "check_squid": ["3128", "/"],
    "check_https_auth": ["nagios:http-pass"],
    "check_https_auth_hostname": ["nagios:http-pass"],
    "check_http2_4": ["en.wikipedia.org", "5", "10"],
    "check_squid_4": ["3128", "/"],
    "check_https_auth_4": ["nagios:http-pass"],
    "check_https_auth_hostname_4": ["nagios:http-pass"],
    "check_ifstatus_exclude": [COMMUNITY, "24,25"],
    "check_ifoperstatus_ifindex": [COMMUNITY, "2"],
    "check_ifoperstatus_ifdescr": [COMMUNITY, "eth0"],
    "check_ldap": ["dc=wikimedia,dc=org"],
    "check_ldaps": ["dc=wikimedia,dc=org"],
    "check_ldap_4": ["dc=wikimedia,dc=org"],
    "check_ldaps_4": ["dc=wikimedia,dc=org"],
    "check_load": ["15", "10", "5", "30", "25", "20"],
    "check_mailq_sendmail": ["100", "500"],
    "check_mailq_postfix": ["100", "500"],
    "check_mailq_exim": ["4000", "8000"],
    "check_mailq_qmail": ["100", "500"],
    "check_mrtg": ["/var/lib/mrtg/cr1-eqiad.log", "1", "1000000", "2000000", "Traffic", "bps"],
    "traffic_average": ["/var/lib/mrtg/cr1-eqiad.log", "800000", "900000", "1000000", "1100000"],
    "check_mysql_cmdlinecred": ["nagios", "mysql-pass"],
    "check_mysql_database": ["nagios", "mysql-pass", "wikidb"],
    "check_netware_logins": ["100", "200"],
    "check_nwstat_conns": ["300", "400"],
    "check_nwstat_vol_p": ["SYS", "20", "10"],
    "check_nwstat_vol_k": ["SYS", "500000", "250000"],
    "check_nwstat_ltch": ["90", "80"],
    "check_nwstat_puprb": ["1000", "2000"],
    "check_nwstat_csprocs": ["30", "40"],
    "check_nt": ["CLIENTVERSION"],
    "check_nscp": ["UPTIME"],
    "check_ping_4": ["100.0,20%", "500.0,60%"],
    "check_procs": ["250", "400"],
    "check_procs_zombie": ["5", "10"],
    "check_procs_httpd": ["50", "100"],
    "check_radius": ["nagios", "radius-pass", "5", "1812"],
    "check_real_url": ["554", "2", "5", "/stream"],
    "check_real": ["554", "2", "5"],
    "check-rpc": ["nfs"],
    "snmp_load": [COMMUNITY, "8", "6", "4", "16", "12", "8"],
    "snmp_cpustats": [COMMUNITY],
    "snmp_procname": [COMMUNITY, "1", "1", "5", "1", "10"],
    "snmp_disk": [COMMUNITY, "1", "100000", "90", "50000", "95"],
    "snmp_mem": [COMMUNITY, "200000", "100000"],
    "snmp_swap": [COMMUNITY, "200000", "100000"],
    "snmp_procs": [COMMUNITY, "250", "400"],
    "snmp_users": [COMMUNITY, "5", "10"],
    "snmp_mem2": [COMMUNITY, "2", "80", "90"],
    "snmp_swap2": [COMMUNITY, "10", "50", "80"],
    "snmp_mem3": [COMMUNITY, "1", "80", "90"],
    "snmp_swap3": [COMMUNITY, "3", "50", "80"],
    "snmp_disk2": [COMMUNITY, "31", "90", "95"],
    "snmp_tcpopen": [COMMUNITY, "1000", "2000"],
    "snmp_tcpstats": [COMMUNITY],
    "check_snmp_bgpstate": [COMMUNITY],
    "check_netapp_uptime": [COMMUNITY],
    "check_netapp_cpuload": [COMMUNITY],
    "check_netapp_numdisks": [COMMUNITY],
    "check_compaq_thermalCondition": [COMMUNITY],
    "check_ssh_port": ["2222"],
    "check_ssh_port_4": ["2222"],
    "check_ssh_port_ip": ["22", SRV],
    "check_tcp_4": ["8080"],
    "check_udp_4": ["53"],
    "check_users": ["5", "10"],
}

DEFINE = re.compile(r"define\s+command\s*\{(.*?)\}", re.S)


def commands():
    """(name, highest $ARGn$ used) of every corpus command, in file and definition order."""
    seen = {}
    for path in sorted((FILES / "check_commands").glob("*.cfg")):
        for m in DEFINE.finditer(path.read_text(encoding="utf-8")):
            body = m.group(1)
            name = re.search(r"^\s*command_name\s+(\S+)", body, re.M)
            line = re.search(r"^\s*command_line\s+(.*)$", body, re.M)
            if not (name and line) or name.group(1) in seen:
                continue
            used = [int(n) for n in re.findall(r"\$ARG(\d+)\$", line.group(1))]
            seen[name.group(1)] = max(used, default=0)
    return seen


def members():
    text = (FILES / "contactgroups.cfg").read_text(encoding="utf-8")
    names = []
    for m in re.finditer(r"^\s*members\s+(.*)$", text, re.M):
        for n in m.group(1).split(";")[0].split(","):
            n = n.strip()
            if n and n not in names:
                names.append(n)
    return names


def main():
    cmds = commands()
    errors = [f"{c}: uses $ARG{n}$, the table gives {len(ARGS.get(c, []))}"
              for c, n in cmds.items() if len(ARGS.get(c, [])) < n]
    errors += [f"{c}: in the table, not in the corpus" for c in ARGS if c not in cmds]
    if errors:
        sys.exit("gen_stub.py:\n  " + "\n  ".join(errors))
    out = [
        "# GENERATED STUB (not a corpus file) by gen_stub.py from the corpus's Wikimedia",
        "# check_commands/*.cfg and contactgroups.cfg; rerun it rather than editing this file.",
        "# Wikimedia's hosts, services and contacts come from Puppet and are not in the corpus:",
        f"# {len(HOSTS)} hosts, one service per corpus command on each ({len(cmds)} commands,",
        f"# {len(HOSTS) * len(cmds)} services) and one contact per contact-group member.",
        "",
    ]
    for name, address, why in HOSTS:
        out += [f"# {why}", "define host {", "    use                 wmf-stub-host",
                f"    host_name           {name}", f"    address             {address}", "}", ""]
    for contact in members():
        out += ["define contact {", "    use                 wmf-stub-contact",
                f"    contact_name        {contact}", "}", ""]
    for host, _, _ in HOSTS:
        for cmd, n in cmds.items():
            check = "!".join([cmd] + ARGS.get(cmd, [])[:n])
            out += ["define service {", "    use                 wmf-stub-service",
                    f"    host_name           {host}", f"    service_description {cmd}",
                    f"    check_command       {check}", "}", ""]
    (HERE / "objects" / "generated.cfg").write_text("\n".join(out), encoding="utf-8")
    print(f"wrote objects/generated.cfg: {len(HOSTS)} hosts, {len(HOSTS) * len(cmds)} services, "
          f"{len(members())} contacts")


if __name__ == "__main__":
    main()
