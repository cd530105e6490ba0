//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Run the built `nag2prom` binary with `args`.
pub(crate) fn nag2prom(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nag2prom")).args(args).output().expect("run nag2prom")
}

/// The repository root.
pub(crate) fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared/corpus`, or `None` with a printed reason (a failure when
/// `NAG2PROM_REQUIRE_SHARED=1`, as in CI).
pub(crate) fn corpus() -> Option<PathBuf> {
    let dir = root().join("../shared/corpus");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var_os("NAG2PROM_REQUIRE_SHARED").is_some_and(|v| v == "1") {
        panic!("../shared/corpus not found at {} and NAG2PROM_REQUIRE_SHARED=1", dir.display());
    }
    eprintln!("skipped: ../shared/corpus not found at {}", dir.display());
    None
}

/// True when `path` exists; otherwise prints why the test is skipped (a failure when
/// `NAG2PROM_REQUIRE_TOOLS=1`, as in CI, which installs the Debian packages).
pub(crate) fn have(path: &Path, package: &str) -> bool {
    if path.exists() {
        return true;
    }
    if std::env::var_os("NAG2PROM_REQUIRE_TOOLS").is_some_and(|v| v == "1") {
        panic!(
            "{} not found (Debian package {package}) and NAG2PROM_REQUIRE_TOOLS=1",
            path.display()
        );
    }
    eprintln!("skipped: {} not found (install Debian package {package})", path.display());
    false
}

/// stdout and stderr as text, for assertion messages.
pub(crate) fn text(output: &Output) -> String {
    format!(
        "status: {:?}\n--- stdout\n{}\n--- stderr\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The corpus' object-file sets (without a nagios.cfg) whose precache real Nagios recorded:
/// `(oracle directory, sources in reading order)`.
pub(crate) fn recorded_object_sets(corpus: &Path) -> Vec<(&'static str, Vec<PathBuf>)> {
    let debian = corpus.join("debian-nagios4/etc-nagios4/objects");
    let perl = corpus.join("perl-nagios-object/t/v4_config/template-object");
    let debian_files = [
        "commands",
        "contacts",
        "timeperiods",
        "templates",
        "localhost",
        "printer",
        "switch",
        "windows",
    ];
    let minimal = |oracle: &'static str, path: &str| (oracle, vec![corpus.join(path)]);
    vec![
        (
            "debian-nagios4/oracle",
            std::iter::once(corpus.join("debian-nagios4/etc-nagios-plugins-config"))
                .chain(debian_files.iter().map(|f| debian.join(format!("{f}.cfg"))))
                .collect(),
        ),
        minimal("nagioscore/oracle-t-etc-minimal", "nagioscore/t/etc/minimal.cfg"),
        minimal("nagioscore/oracle-t-tap-smallconfig", "nagioscore/t-tap/smallconfig/minimal.cfg"),
        minimal("naemon-core/oracle-t-etc-minimal", "naemon-core/t/etc/minimal.cfg"),
        minimal("icinga-core/oracle-t-etc-minimal", "icinga-core/t/etc/minimal.cfg"),
        (
            "perl-nagios-object/oracle-v4_config",
            ["commands", "contacts", "timeperiods", "templates", "localhost"]
                .iter()
                .map(|f| perl.join(format!("{f}.cfg")))
                .collect(),
        ),
    ]
}
