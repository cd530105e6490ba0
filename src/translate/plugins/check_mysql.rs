//! `check_mysql -H host [-S -w RANGE -c RANGE]`: a MySQL connection, or replica lag.
//!
//! Semantics (2.3.3 `check_mysql.c`): a failed connection is CRITICAL; with `-S`, the replica's
//! IO or SQL thread not running is CRITICAL and `-w`/`-c` are ranges on `Seconds_Behind_Master`
//! (ignored without `-S`). mysqld_exporter on the host (port 9104): `mysql_up`,
//! `mysql_slave_status_seconds_behind_master`, `mysql_slave_status_slave_{io,sql}_running`.
//! The plugin's credentials (`-u`, `-p`, option files) are never read: the exporter needs its
//! own account.

use super::common::{Code, Refusal, opts, range, with_common};
use super::{Call, Cond, Context, Fed, Missing, Native, Probe, Series, Test};
use crate::translate::argv::opt;

/// Translate a `check_mysql` call.
pub fn translate(call: &Call, ctx: &Context) -> Result<Native, Refusal> {
    let table = with_common(&[
        opt('H', "hostname", true),
        opt('P', "port", true),
        opt('s', "socket", true),
        opt('d', "database", true),
        opt('u', "username", true),
        opt('p', "password", true),
        opt('f', "file", true),
        opt('g', "group", true),
        opt('S', "check-slave", false),
        opt('w', "warning", true),
        opt('c', "critical", true),
        opt('n', "ignore-auth", false),
        opt('l', "ssl", false),
        opt('C', "ca-cert", true),
        opt('a', "cert", true),
        opt('k', "key", true),
        opt('D', "ca-dir", true),
        opt('L', "ciphers", true),
        opt('4', "use-ipv4", false),
        opt('6', "use-ipv6", false),
    ]);
    let parsed = opts(call, &table, "check_mysql")?;
    match parsed.last('H') {
        Some("$HOSTADDRESS$" | "$HOSTNAME$") => {}
        None | Some("localhost" | "127.0.0.1") if ctx.local => {}
        _ => {
            return Err(Refusal::new(
                Code::NotServiceHost,
                "-H is not the service's host: the exporter would run elsewhere".to_owned(),
            ));
        }
    }
    if parsed.has('P') && parsed.last('P') != Some("3306") {
        return Err(Refusal::new(
            Code::OptionNotTranslated,
            "-P other than 3306: give the exporter that port yourself; not translated".to_owned(),
        ));
    }
    let slave = parsed.has('S');
    let mut warning = Vec::new();
    let mut critical = vec![Cond { signal: 0, test: Test::Eq(0.0) }];
    let mut canonical = "check_mysql -H $HOSTADDRESS$".to_owned();
    if slave {
        canonical.push_str(" -S");
        critical.push(Cond { signal: 2, test: Test::Eq(0.0) });
        critical.push(Cond { signal: 3, test: Test::Eq(0.0) });
        if let Some(w) = parsed.last('w').map(|v| range("-w", v)).transpose()? {
            canonical.push_str(&format!(" -w {w}"));
            warning.push(Cond { signal: 1, test: Test::Range(w) });
        }
        if let Some(c) = parsed.last('c').map(|v| range("-c", v)).transpose()? {
            canonical.push_str(&format!(" -c {c}"));
            critical.push(Cond { signal: 1, test: Test::Range(c) });
        }
    }
    let replica = [
        ("channel_name", ""),
        ("connection_name", ""),
        ("master_host", "db0"),
        ("master_uuid", ""),
    ];
    let replica_labels: Vec<(String, String)> = replica
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    Ok(Native {
        plugin: "check_mysql",
        alert: "NagiosCheckMysql",
        probe: Probe::Mysqld,
        canonical,
        signals: vec![
            "mysql_up{__SEL__}".to_owned(),
            "mysql_slave_status_seconds_behind_master{__SEL__}".to_owned(),
            "mysql_slave_status_slave_io_running{__SEL__}".to_owned(),
            "mysql_slave_status_slave_sql_running{__SEL__}".to_owned(),
        ],
        warning,
        critical,
        feed: Box::new(move |v: &[f64], _t: f64| {
            let up = if v.first().copied().unwrap_or(1.0) == 0.0 { 0.0 } else { 1.0 };
            let lag = v.get(1).copied().unwrap_or(0.0);
            let io = if v.get(2).copied().unwrap_or(1.0) == 0.0 { 0.0 } else { 1.0 };
            let sql = if v.get(3).copied().unwrap_or(1.0) == 0.0 { 0.0 } else { 1.0 };
            let l: Vec<(&str, &str)> =
                replica.iter().filter(|(_, v)| !v.is_empty()).copied().collect();
            Fed {
                series: vec![
                    Series::constant("mysql_up", &[], up),
                    Series::constant("mysql_slave_status_seconds_behind_master", &l, lag),
                    Series::constant("mysql_slave_status_slave_io_running", &l, io),
                    Series::constant("mysql_slave_status_slave_sql_running", &l, sql),
                ],
                realized: vec![Some(up), Some(lag), Some(io), Some(sql)],
                labels: vec![
                    Vec::new(),
                    replica_labels.clone(),
                    replica_labels.clone(),
                    replica_labels.clone(),
                ],
            }
        }),
        window_samples: 1,
        written: String::new(),
        second: None,
        requires: vec!["mysqld_exporter on the host (port 9104)".to_owned()],
        missing: Missing::Unknown,
        notes: vec![
            "mysqld_exporter needs its own credentials; the plugin's are not copied".to_owned(),
        ],
        calm: vec![1.0, 0.0, 1.0, 1.0],
        presence: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translate::argv::call;

    #[test]
    fn connection_and_replica() {
        let ctx = Context::default();
        let n = translate(
            &call("check_mysql -H $HOSTADDRESS$ -u $ARG1$ -p $USER3$", &["nagios"]).unwrap(),
            &ctx,
        )
        .unwrap();
        assert_eq!(n.canonical, "check_mysql -H $HOSTADDRESS$");
        assert_eq!(n.critical.len(), 1);
        let n = translate(
            &call("check_mysql -H $HOSTADDRESS$ -S -w 60 -c 300", &[] as &[&str]).unwrap(),
            &ctx,
        )
        .unwrap();
        assert_eq!(n.critical.len(), 4);
        assert!(n.warning[0].test.alerts(61.0));
        assert!(
            translate(&call("check_mysql -H db.example.org", &[] as &[&str]).unwrap(), &ctx)
                .is_err()
        );
    }
}
