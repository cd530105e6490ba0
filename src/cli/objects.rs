//! `nag2prom objects`: the resolved, registered objects as JSON Lines (or `objects.cache`
//! text), exactly as Nagios 4 registers them.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, ValueEnum};
use nag2prom_parsers::object::ObjectType;

use crate::diag::{self, Tally};
use crate::model::{Model, Object, Value, cache_text};
use crate::source::Installation;

/// Output format of `nag2prom objects`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ObjectsFormat {
    /// One JSON object per line.
    #[default]
    Json,
    /// Nagios' own `objects.cache` layout (what `nagios4 -vp` writes, without the date line).
    Cache,
}

/// Arguments of `nag2prom objects`.
#[derive(Debug, Args)]
pub struct ObjectsArgs {
    /// The main configuration file (nagios.cfg).
    #[arg(long, short = 'c', value_name = "NAGIOS_CFG", env = "NAG2PROM_CONFIG")]
    pub config: Option<PathBuf>,

    /// Object files or directories (read like cfg_dir), without a nagios.cfg.
    #[arg(value_name = "OBJECT_PATH")]
    pub paths: Vec<PathBuf>,

    /// Only objects of this type (repeatable): host, service, hostgroup, contact, …
    #[arg(long = "type", short = 't', value_name = "TYPE", value_parser = parse_type)]
    pub types: Vec<ObjectType>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ObjectsFormat::Json)]
    pub format: ObjectsFormat,

    /// Add a `_provenance` key: for each directive, the file:line of the definition it came
    /// from and the template's name.
    #[arg(long)]
    pub provenance: bool,
}

fn parse_type(s: &str) -> Result<ObjectType, String> {
    ObjectType::from_keyword(s.as_bytes()).ok_or_else(|| {
        let all: Vec<&str> = ObjectType::ALL.iter().map(|t| t.as_str()).collect();
        format!("unknown object type `{s}` (one of: {})", all.join(", "))
    })
}

/// Run; `Ok` carries the exit code (0, or 1 when the configuration has errors).
pub(super) fn run(args: &ObjectsArgs) -> anyhow::Result<ExitCode> {
    let inst = super::load(args.config.as_deref(), &args.paths)?;
    let (model, model_diags) = Model::build(&inst);
    let mut diagnostics = inst.diagnostics.clone();
    diagnostics.extend(model_diags);
    let tally = Tally::of(&diagnostics);
    {
        let mut err = io::stderr().lock();
        for d in diagnostics.iter().filter(|d| d.severity == nag2prom_parsers::Severity::Error) {
            diag::render_human(&mut err, &inst.db, d)?;
            writeln!(err)?;
        }
    }
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let selected = |o: &&Object| args.types.is_empty() || args.types.contains(&o.object_type);
    match args.format {
        ObjectsFormat::Cache => {
            out.write_all(cache_text(model.objects.iter().filter(selected)).as_bytes())?;
        }
        ObjectsFormat::Json => {
            let mut line = String::new();
            for object in model.objects.iter().filter(selected) {
                line.clear();
                json_object(&mut line, object, args.provenance.then_some((&inst, &model)));
                line.push('\n');
                out.write_all(line.as_bytes())?;
            }
        }
    }
    out.flush().context("writing objects")?;
    super::discard(model);
    Ok(if tally.errors > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// One object as a JSON object: `object_type`, then Nagios' directive names.
pub(super) fn json_object(
    out: &mut String,
    object: &Object,
    provenance: Option<(&Installation, &Model)>,
) {
    out.push_str("{\"object_type\":");
    diag::push_json_string(out, object.object_type.as_str());
    for field in &object.fields {
        out.push(',');
        diag::push_json_string(out, field.name);
        out.push(':');
        json_value(out, &field.value);
    }
    if let Some((inst, model)) = provenance {
        out.push_str(",\"_provenance\":{");
        let mut first = true;
        for field in &object.fields {
            let Some(origin) = model.origin(field) else { continue };
            if !first {
                out.push(',');
            }
            first = false;
            let mut text = crate::model::locate(&inst.db, origin.file, origin.span);
            if let Some(template) = &origin.template {
                text.push_str(&format!(" (template {template})"));
            }
            diag::push_json_string(out, field.name);
            out.push(':');
            diag::push_json_string(out, &text);
        }
        out.push('}');
    }
    out.push('}');
}

fn json_value(out: &mut String, value: &Value) {
    match value {
        Value::Text(t) => diag::push_json_string(out, t),
        Value::Options(o) => diag::push_json_string(out, o),
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                diag::push_json_string(out, item);
            }
            out.push(']');
        }
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) if f.is_finite() => out.push_str(&format!("{f}")),
        Value::Float(_) => out.push_str("null"),
        Value::Null => out.push_str("null"),
    }
}
