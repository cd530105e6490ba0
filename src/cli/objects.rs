//! `nag2prom objects`: the resolved, registered objects as JSON Lines (or `objects.cache`
//! text), exactly as Nagios 4 registers them.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, ValueEnum};
use nag2prom_parsers::object::ObjectType;
use serde::ser::{Serialize, SerializeMap, Serializer};

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
            let provenance = args.provenance.then_some((&inst, &model));
            for object in model.objects.iter().filter(selected) {
                serde_json::to_writer(&mut out, &JsonObject { object, provenance })?;
                out.write_all(b"\n")?;
            }
        }
    }
    out.flush().context("writing objects")?;
    super::discard(model);
    Ok(if tally.errors > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// One object as a JSON object, serialized from the model without copying: `object_type`,
/// then Nagios' directive names, then `_provenance` when asked.
struct JsonObject<'a> {
    object: &'a Object,
    provenance: Option<(&'a Installation, &'a Model)>,
}

impl Serialize for JsonObject<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("object_type", self.object.object_type.as_str())?;
        for field in &self.object.fields {
            map.serialize_entry(field.name, &JsonValue(&field.value))?;
        }
        if let Some((inst, model)) = self.provenance {
            map.serialize_entry("_provenance", &Provenance { object: self.object, inst, model })?;
        }
        map.end()
    }
}

/// `_provenance`: for each field with an origin, `file:line` of its definition and the
/// template's name.
struct Provenance<'a> {
    object: &'a Object,
    inst: &'a Installation,
    model: &'a Model,
}

impl Serialize for Provenance<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for field in &self.object.fields {
            let Some(origin) = self.model.origin(field) else { continue };
            let mut text = crate::model::locate(&self.inst.db, origin.file, origin.span);
            if let Some(template) = &origin.template {
                text.push_str(&format!(" (template {template})"));
            }
            map.serialize_entry(field.name, &text)?;
        }
        map.end()
    }
}

/// A field's value: texts and option letters as strings, lists as arrays, numbers as numbers
/// (a whole float as an integer, as before: `5`, not `5.0`), a non-finite float and a custom
/// variable without a value as `null`.
struct JsonValue<'a>(&'a Value);

/// The largest integer an f64 holds exactly.
const EXACT_INTEGER: f64 = 9_007_199_254_740_992.0;

impl Serialize for JsonValue<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Text(t) => serializer.serialize_str(t),
            Value::Options(o) => serializer.serialize_str(o),
            Value::List(items) => serializer.collect_seq(items.iter().map(|t| &**t)),
            Value::Int(i) => serializer.serialize_i64(*i),
            #[allow(clippy::cast_possible_truncation)]
            Value::Float(f) if f.fract() == 0.0 && f.abs() < EXACT_INTEGER => {
                serializer.serialize_i64(*f as i64)
            }
            Value::Float(f) if f.is_finite() => serializer.serialize_f64(*f),
            Value::Float(_) | Value::Null => serializer.serialize_unit(),
        }
    }
}
