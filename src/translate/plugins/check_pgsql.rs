//! `check_pgsql -H host [-w secs -c secs]`: a PostgreSQL connection.
//!
//! Semantics (2.3.3 `check_pgsql.c`): a failed connection is CRITICAL; `-w`/`-c` (defaults 2 and
//! 8 s) are strictly-greater limits on the connection time. postgres_exporter on the host
//! (port 9187): `pg_up == 0` is CRITICAL. No exporter measures connection time, so the time
//! limits are not reproduced (noted in the report). `-q` queries with `-W`/`-C` are bridged;
//! the password (`-p`) is never read.

use super::common::{Code, Refusal, opts, with_common};
use super::{Call, Cond, Context, Fed, Missing, Native, Probe, Series, Test};
use crate::translate::argv::opt;

/// Translate a `check_pgsql` call.
pub fn translate(call: &Call, ctx: &Context) -> Result<Native, Refusal> {
    let table = with_common(&[
        opt('H', "hostname", true),
        opt('P', "port", true),
        opt('d', "database", true),
        opt('l', "logname", true),
        opt('p', "password", true),
        opt('w', "warning", true),
        opt('c', "critical", true),
        opt('o', "option", true),
        opt('q', "query", true),
        opt('W', "query-warning", true),
        opt('C', "query-critical", true),
        opt('4', "use-ipv4", false),
        opt('6', "use-ipv6", false),
    ]);
    let parsed = opts(call, &table, "check_pgsql")?;
    match parsed.last('H') {
        Some("$HOSTADDRESS$" | "$HOSTNAME$") => {}
        None if ctx.local => {}
        _ => {
            return Err(Refusal::new(
                Code::NotServiceHost,
                "-H is not the service's host: the exporter would run elsewhere".to_owned(),
            ));
        }
    }
    if parsed.has('q') {
        return Err(Refusal::new(
            Code::OptionNotTranslated,
            "-q queries need a custom postgres_exporter query; not translated".to_owned(),
        ));
    }
    Ok(Native {
        plugin: "check_pgsql",
        alert: "NagiosCheckPgsql",
        probe: Probe::Postgres,
        canonical: "check_pgsql -H $HOSTADDRESS$".to_owned(),
        signals: vec!["pg_up{__SEL__}".to_owned()],
        warning: Vec::new(),
        critical: vec![Cond { signal: 0, test: Test::Eq(0.0) }],
        feed: Box::new(|v: &[f64], _t: f64| {
            let up = if v.first().copied().unwrap_or(1.0) == 0.0 { 0.0 } else { 1.0 };
            Fed { series: vec![Series::constant("pg_up", &[], up)], realized: vec![Some(up)], labels: vec![Vec::new()] }
        }),
        window_samples: 1,
        written: String::new(),
        second: None,
        requires: vec!["postgres_exporter on the host (port 9187)".to_owned()],
        missing: Missing::Unknown,
        notes: vec![
            "connection-time limits (-w/-c, default 2 s / 8 s) are not reproduced: no exporter metric".to_owned(),
            "postgres_exporter needs its own credentials; the plugin's are not copied".to_owned(),
        ],
        calm: vec![1.0],
        presence: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translate::argv::call;

    #[test]
    fn connection_only() {
        let ctx = Context::default();
        let n = translate(
            &call("check_pgsql -H $HOSTADDRESS$ -p $ARG1$ -w 2 -c 8", &["secret"]).unwrap(),
            &ctx,
        )
        .unwrap();
        assert_eq!(n.canonical, "check_pgsql -H $HOSTADDRESS$");
        assert!(
            translate(
                &call("check_pgsql -H $HOSTADDRESS$ -q 'select 1' -W 1", &[] as &[&str]).unwrap(),
                &ctx
            )
            .is_err()
        );
    }
}
