//! `nag2prom convert`: translate an installation into Prometheus rules, their unit tests,
//! scrape targets, `prometheus.yml` and a report, written atomically into one directory.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context as _;
use clap::{Args, ValueEnum};

use crate::diag::{self, Tally};
use crate::emit::{self, Addresses};
use crate::model::Model;
use crate::translate::{self, PluginsVersion};

/// `--plugins-version`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum PluginsArg {
    /// monitoring-plugins 2.3.x (Debian 12).
    #[default]
    #[value(name = "2.3")]
    V23,
    /// monitoring-plugins 2.4.x.
    #[value(name = "2.4")]
    V24,
    /// monitoring-plugins 3.0.x.
    #[value(name = "3.0")]
    V30,
}

/// Arguments of `nag2prom convert`.
#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// The main configuration file (nagios.cfg).
    #[arg(long, short = 'c', value_name = "NAGIOS_CFG", env = "NAG2PROM_CONFIG")]
    pub config: Option<PathBuf>,

    /// Object files or directories (read like cfg_dir), without a nagios.cfg.
    #[arg(value_name = "OBJECT_PATH")]
    pub paths: Vec<PathBuf>,

    /// Output directory, replaced as a whole when the conversion succeeds. It must be missing,
    /// empty, or an earlier output of convert (its nag2prom-manifest.json lists every file it
    /// holds), and may not be, contain or lie inside any input; anything else is refused
    /// (exit 2) and left untouched.
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: PathBuf,

    /// How to translate (shared with `diff`).
    #[command(flatten)]
    pub translate: TranslateArgs,

    /// Do not print the summary line.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// Translation settings, shared by `convert` and `diff` (which converts a nagios.cfg on the
/// fly, with the same settings for both sides).
#[derive(Debug, Args, Clone)]
pub struct TranslateArgs {
    /// monitoring-plugins release whose behaviour the rules copy (edges and rounding changed
    /// between releases).
    #[arg(long, value_enum, default_value = "2.3")]
    pub plugins_version: PluginsArg,

    /// Copy a custom variable into a label: `_SITE=site` (hosts: on their targets; services:
    /// on their rules). Repeatable.
    #[arg(long = "label-from-custom-var", value_name = "_VAR=label", value_parser = parse_custom)]
    pub custom_labels: Vec<(String, String)>,

    /// Where `nag2prom serve` (the bridge) listens, as Prometheus should scrape it.
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:10460")]
    pub bridge_address: String,

    /// Where the blackbox exporter listens.
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:9115")]
    pub blackbox_address: String,

    /// Where snmp_exporter listens (check_snmp services are scraped through it).
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:9116")]
    pub snmp_exporter_address: String,

    /// An Alertmanager the generated prometheus.yml sends the alerts to (its `alerting`
    /// section). Repeatable, for an Alertmanager cluster: list every peer.
    #[arg(
        long = "alertmanager-address",
        value_name = "HOST:PORT",
        default_value = "127.0.0.1:9093"
    )]
    pub alertmanager_addresses: Vec<String>,

    /// The IANA time zone Nagios evaluated its timeperiods in (e.g. Europe/Berlin), written
    /// as the `location` of every Alertmanager time interval; without it they are in UTC.
    #[arg(long, value_name = "ZONE")]
    pub alertmanager_timezone: Option<String>,

    /// The port node_exporter listens on, on every host.
    #[arg(long, value_name = "PORT", default_value_t = 9100)]
    pub node_exporter_port: u16,

    /// The port mysqld_exporter listens on, on hosts with translated check_mysql services.
    #[arg(long, value_name = "PORT", default_value_t = 9104)]
    pub mysqld_exporter_port: u16,

    /// The port postgres_exporter listens on, on hosts with translated check_pgsql services.
    #[arg(long, value_name = "PORT", default_value_t = 9187)]
    pub postgres_exporter_port: u16,

    /// The port process-exporter listens on, on hosts with check_procs -C services.
    #[arg(long, value_name = "PORT", default_value_t = 9256)]
    pub process_exporter_port: u16,

    /// The port windows_exporter listens on, on hosts with translated check_nt services.
    #[arg(long, value_name = "PORT", default_value_t = 9182)]
    pub windows_exporter_port: u16,

    /// The port of the blackbox_exporter on hosts whose network checks ran there through
    /// NRPE or SSH (`check_tcp -H 127.0.0.1` in an nrpe.cfg command): probed from the host,
    /// as the plugin was (job blackbox_on_host).
    #[arg(long, value_name = "PORT", default_value_t = 9115)]
    pub host_blackbox_exporter_port: u16,

    /// Where blackbox_exporter reads the passwords of HTTP checks from: `check_http -a
    /// user:$USERn$` becomes basic auth with `password_file: DIR/USERn`, a file you create
    /// with $USERn$'s value (resource.cfg) readable by the exporter. Passwords are never
    /// written by convert.
    #[arg(long, value_name = "DIR", default_value = "/etc/prometheus/nag2prom-secrets")]
    pub secrets_dir: String,

    /// The name of this Nagios installation, for several Nagios behind one global view:
    /// written as prometheus.yml's `external_labels: {nagios_instance: NAME}`, so every series
    /// this Prometheus federates or remote-writes and every alert it sends carries it
    /// (docs/scale-out.md). Run one Prometheus per installation with its own convert output.
    #[arg(long, value_name = "NAME")]
    pub nagios_instance: Option<String>,

    /// Scrape and rule evaluation interval, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..=86400))]
    pub scrape_interval: u32,

    /// Translate plugins that measure the machine they run on (check_load, check_disk, …)
    /// on non-loopback hosts as if they ran on that host (e.g. through a wrapper). Without
    /// it such services are bridged, because Nagios measured its own server.
    #[arg(long)]
    pub local_checks_are_remote: bool,

    /// The address of the Nagios server's own host object (repeatable). Plugins that measure
    /// the machine they run on (check_load, check_disk, …) measured the Nagios server, so they
    /// are native only on hosts with this address. Without it: loopback addresses
    /// (127.0.0.0/8, ::1, localhost)
    #[arg(long, value_name = "ADDRESS")]
    pub nagios_server_address: Vec<String>,

    /// The nrpe.cfg of the monitored hosts (`command[name]=command line`), so check_nrpe
    /// services translate to the remote plugin. Without it they are bridged.
    #[arg(long, value_name = "NRPE_CFG")]
    pub nrpe_config: Option<PathBuf>,

    /// OLA targets (ola.yaml): host groups, service groups, service descriptions or
    /// custom-variable values mapped to availability / reliability targets (docs/ola.md).
    /// With these or `_OLA_*` custom variables, convert writes rules/ola.yml and tests/ola.yml.
    /// Bad targets are diagnostics with file:line, and exit 2.
    #[arg(long, value_name = "OLA_YAML")]
    pub ola: Option<PathBuf>,
}

fn parse_custom(s: &str) -> Result<(String, String), String> {
    let (var, label) = s.split_once('=').ok_or("expected _VAR=label")?;
    let var = var.trim().to_ascii_uppercase();
    let var = if var.starts_with('_') { var } else { format!("_{var}") };
    let ok = label.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !label.starts_with("__");
    if !ok || var.len() < 2 {
        return Err(format!(
            "`{label}` is not a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*, not __…)"
        ));
    }
    Ok((var, label.to_owned()))
}

fn valid_address(a: &str) -> bool {
    !a.is_empty() && a.chars().all(|c| c.is_ascii_alphanumeric() || ".:-[]_".contains(c))
}

/// A conversion rendered in memory.
pub(crate) struct Rendered {
    /// `(path relative to the output directory, bytes)`, manifest last.
    pub files: Vec<(String, Vec<u8>)>,
    /// The one-line summary (without the output directory).
    pub summary: String,
}

/// Why a conversion produced nothing.
pub(crate) enum Failed {
    /// The configuration has errors (already printed to stderr).
    Config(usize),
    /// Anything else.
    Other(anyhow::Error),
}

impl From<anyhow::Error> for Failed {
    fn from(e: anyhow::Error) -> Self {
        Failed::Other(e)
    }
}

/// Print `diagnostics` to stderr, each followed by a blank line.
fn print_diagnostics<'d>(
    db: &crate::sourcedb::SourceDb,
    diagnostics: impl IntoIterator<Item = &'d diag::Diagnostic>,
) -> anyhow::Result<()> {
    let mut err = io::stderr().lock();
    for d in diagnostics {
        diag::render_human(&mut err, db, d)?;
        let _ = writeln!(err);
    }
    Ok(())
}

/// What a conversion has made before anything is rendered.
pub(crate) struct Converted<'a> {
    /// The translation.
    pub translation: &'a translate::Translation<'a>,
    /// Where the bridge and blackbox exporter listen.
    pub addresses: &'a Addresses,
    /// The installation read.
    pub inst: &'a crate::source::Installation,
    /// Its resolved objects.
    pub model: &'a Model,
    /// OLA objectives (`_OLA_*`, `--ola`).
    pub objectives: &'a [translate::ola::Objective],
}

/// Load, resolve and translate an installation, and hand the translation to `finish`;
/// `out` (convert's `--out`) is checked against the inputs before any work. Configuration
/// errors are printed to stderr. Returns what `finish` made, the summary line (without the
/// file count) and the files read.
fn translate_with<R>(
    config: Option<&Path>,
    paths: &[PathBuf],
    t: &TranslateArgs,
    out: Option<&Path>,
    finish: impl FnOnce(&Converted<'_>) -> anyhow::Result<R>,
) -> Result<(R, String, Vec<PathBuf>), Failed> {
    let started = Instant::now();
    if let Some(zone) = &t.alertmanager_timezone {
        // An IANA name: letters, digits, `/`, `_`, `-`, `+` (Alertmanager checks it exists).
        if zone.is_empty() || !zone.chars().all(|c| c.is_ascii_alphanumeric() || "/_-+".contains(c))
        {
            return Err(anyhow::anyhow!("`{zone}` is not an IANA time zone name").into());
        }
    }
    for a in [&t.bridge_address, &t.blackbox_address, &t.snmp_exporter_address]
        .into_iter()
        .chain(&t.alertmanager_addresses)
    {
        if !valid_address(a) {
            return Err(anyhow::anyhow!("`{a}` is not a HOST:PORT address").into());
        }
    }
    if let Some(name) = &t.nagios_instance
        && (name.is_empty() || name.chars().any(char::is_control))
    {
        return Err(
            anyhow::anyhow!("--nagios-instance needs a name without control characters").into()
        );
    }
    let mut inst = super::load(config, paths)?;
    // Its problems join the configuration's: an error means nothing is written.
    let nrpe = match &t.nrpe_config {
        Some(path) => {
            inst.load_nrpe(path).with_context(|| format!("--nrpe-config {}", path.display()))?
        }
        None => Vec::new(),
    };
    // Refuse an output directory that holds anything convert did not write, or any input,
    // before doing any work.
    if let Some(out) = out {
        let mut extra: Vec<PathBuf> = paths.to_vec();
        extra.extend(config.map(Path::to_path_buf));
        extra.extend(t.nrpe_config.iter().cloned());
        extra.extend(t.ola.iter().cloned());
        crate::out_dir::check(out, &crate::out_dir::inputs(&inst, &extra))
            .map_err(|refusal| anyhow::anyhow!("refusing --out: {refusal}; nothing was written"))?;
    }
    let mut diagnostics = inst.diagnostics.clone();
    let model = if Tally::of(&diagnostics).errors == 0 {
        let phase = super::progress::start("resolving templates and expanding objects");
        let (model, model_diags) = Model::build(&inst);
        phase.done(&format!("resolved {} objects", super::progress::count(model.objects.len())));
        diagnostics.extend(model_diags);
        Some(model)
    } else {
        None
    };
    let tally = Tally::of(&diagnostics);
    if tally.errors > 0 {
        let errors = diagnostics.iter().filter(|d| d.severity == nag2prom_parsers::Severity::Error);
        print_diagnostics(&inst.db, errors)?;
        return Err(Failed::Config(tally.errors));
    }
    let Some(model) = model else { return Err(Failed::Config(tally.errors.max(1))) };
    // OLA declarations: an error in them is bad input to convert (exit 2), nothing written.
    let ola_file = match &t.ola {
        Some(path) => {
            let bytes = std::fs::read(path).with_context(|| format!("--ola {}", path.display()))?;
            Some(inst.db.add(path.clone(), crate::sourcedb::FileRole::Ola, bytes))
        }
        None => None,
    };
    let (objectives, ola_diags) = translate::ola::collect(&model, &inst.db, ola_file);
    if !ola_diags.is_empty() {
        print_diagnostics(&inst.db, &ola_diags)?;
        return Err(anyhow::anyhow!("{} OLA error(s); nothing written", ola_diags.len()).into());
    }
    let options = translate::Options {
        version: match t.plugins_version {
            PluginsArg::V23 => PluginsVersion::V2_3,
            PluginsArg::V24 => PluginsVersion::V2_4,
            PluginsArg::V30 => PluginsVersion::V3_0,
        },
        custom_labels: t.custom_labels.clone(),
        scrape_interval: t.scrape_interval,
        assume_remote: t.local_checks_are_remote,
        nagios_server: t.nagios_server_address.clone(),
        secrets_dir: t.secrets_dir.clone(),
        nrpe,
        ports: translate::Ports {
            node: t.node_exporter_port,
            mysqld: t.mysqld_exporter_port,
            postgres: t.postgres_exporter_port,
            windows: t.windows_exporter_port,
            process: t.process_exporter_port,
            blackbox_on_host: t.host_blackbox_exporter_port,
        },
    };
    let phase = super::progress::start("translating services");
    let translation = translate::translate(&inst, &model, &options);
    phase.done(&format!(
        "translated {} services into {} rule groups",
        super::progress::count(translation.services.len()),
        super::progress::count(translation.groups.len())
    ));
    let phase = super::progress::start("rendering");
    let addresses = Addresses {
        bridge: t.bridge_address.clone(),
        blackbox: t.blackbox_address.clone(),
        snmp: t.snmp_exporter_address.clone(),
        alertmanagers: t.alertmanager_addresses.clone(),
        instance: t.nagios_instance.clone(),
    };
    let made = finish(&Converted {
        translation: &translation,
        addresses: &addresses,
        inst: &inst,
        model: &model,
        objectives: &objectives,
    })?;
    phase.done("rendered the output");
    let inputs = inst.db.iter().map(|(_, f)| f.path.clone()).collect();
    let native = translation.native_count();
    let summary = format!(
        "converted {} services on {} hosts in {:.0?}: {} native ({:.0} %, {} rule groups), {} bridged ({} levels), {} of {} host checks native",
        translation.services.len(),
        translation.hosts.len(),
        started.elapsed(),
        native,
        100.0 * native as f64 / translation.services.len().max(1) as f64,
        translation.groups.len(),
        translation.services.len() - native,
        translation.bridged.len(),
        translation.host_groups.iter().map(|g| g.host_names.len()).sum::<usize>(),
        translation.hosts.len(),
    );
    // The process ends soon: handing ~0.5 GB of small allocations back one by one would
    // take a tenth of a second for nothing.
    std::mem::forget(translation);
    std::mem::forget(model);
    std::mem::forget(inst);
    Ok((made, summary, inputs))
}

/// Load, resolve, translate and render an installation into its files (manifest last).
pub(crate) fn render(
    config: Option<&Path>,
    paths: &[PathBuf],
    t: &TranslateArgs,
    out: Option<&Path>,
) -> Result<Rendered, Failed> {
    let (files, summary, _) = translate_with(config, paths, t, out, |c| {
        let alertmanager = alertmanager(c, t);
        let mut files = emit::render(c.translation, c.addresses, &c.inst.db, &alertmanager.notes)?;
        files.extend(emit::render_ola(c.objectives, t.scrape_interval)?);
        files.extend(emit::alertmanager_file(&alertmanager)?);
        let manifest = crate::out_dir::Manifest::of(files.iter().map(|(p, _)| p.as_str()));
        files.push((
            crate::out_dir::MANIFEST.to_owned(),
            serde_json::to_vec_pretty(&manifest).context("rendering the manifest")?,
        ));
        Ok(files)
    })?;
    let summary = format!("{summary}; {} files", files.len());
    Ok(Rendered { files, summary })
}

/// `alertmanager.yml` of a conversion (as data, with its report notes).
fn alertmanager(c: &Converted<'_>, t: &TranslateArgs) -> emit::alertmanager::Output {
    emit::alertmanager::build(
        c.model,
        translate::interval_length(c.inst),
        t.alertmanager_timezone.as_deref(),
        "nagios@localhost",
    )
}

/// Load, resolve and translate an installation into its [`crate::plan::Plan`], without
/// rendering any file (what `diff` compares).
pub(crate) fn plan(
    config: Option<&Path>,
    paths: &[PathBuf],
    t: &TranslateArgs,
) -> Result<(crate::plan::Plan, Vec<PathBuf>), Failed> {
    let (plan, _, inputs) = translate_with(config, paths, t, None, |c| {
        let mut plan = emit::plan::of(c.translation, c.addresses, &c.inst.db)?;
        let alertmanager = alertmanager(c, t);
        if let Some(config) = &alertmanager.config {
            let value = serde_json::to_value(config).map_err(|source| emit::EmitError::Json {
                path: "alertmanager.yml".into(),
                source,
            })?;
            plan.routing = crate::plan::routing::items(&value);
        }
        if let Some(file) = emit::ola::rules(c.objectives, t.scrape_interval) {
            plan.push_file("rules/ola.yml", file);
        }
        Ok(plan)
    })?;
    Ok((plan, inputs))
}

/// Run; `Ok` carries the exit code (0, or 1 when the configuration has errors).
pub(super) fn run(args: &ConvertArgs) -> anyhow::Result<ExitCode> {
    if args.quiet {
        super::progress::silence();
    }
    let rendered =
        match render(args.config.as_deref(), &args.paths, &args.translate, Some(&args.out)) {
            Ok(r) => r,
            Err(Failed::Config(errors)) => {
                let _ = writeln!(
                    io::stderr(),
                    "nag2prom: {errors} errors: nothing written to {}",
                    args.out.display()
                );
                return Ok(ExitCode::from(1));
            }
            Err(Failed::Other(e)) => return Err(e),
        };
    let phase = super::progress::start("writing");
    let staged = crate::output::replace_dir(&args.out)
        .with_context(|| format!("preparing {}", args.out.display()))?;
    for (path, bytes) in &rendered.files {
        let full = staged.path().join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&full, bytes).with_context(|| format!("writing {}", full.display()))?;
    }
    staged.commit().with_context(|| format!("replacing {}", args.out.display()))?;
    phase.done(&format!(
        "wrote {} files to {}",
        super::progress::count(rendered.files.len()),
        args.out.display()
    ));
    if !args.quiet {
        let _ = writeln!(io::stderr(), "{} in {}", rendered.summary, args.out.display());
    }
    std::mem::forget(rendered);
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_label_flags() {
        assert_eq!(parse_custom("_SITE=site"), Ok(("_SITE".to_owned(), "site".to_owned())));
        assert_eq!(parse_custom("rack=rack_id"), Ok(("_RACK".to_owned(), "rack_id".to_owned())));
        assert!(parse_custom("_SITE=9x").is_err());
        assert!(parse_custom("_SITE=__x").is_err());
        assert!(parse_custom("site").is_err());
    }
}
