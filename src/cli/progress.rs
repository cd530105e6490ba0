//! `--progress`: what long work is doing, and how long each phase took, on stderr.
//!
//! On a terminal (`auto`, the default) the phase under way is shown on one line that the next
//! phase overwrites, and each finished phase leaves a line with its size and time:
//!
//! ```text
//!   read 1,204 files: 0.21 s
//!   resolved 91,231 objects: 0.38 s
//! ```
//!
//! In a pipe or a file nothing is printed (scripts read only results and the summary line),
//! unless `--progress always`, which prints the finished-phase lines without terminal
//! control characters. `--log.format json` and `--quiet` turn it off; every phase is also a
//! `debug` log event with its seconds, whatever the mode.

use std::io::{IsTerminal as _, Write as _};
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Instant;

/// `--progress`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ProgressMode {
    /// On a terminal only.
    #[default]
    Auto,
    /// Always, as plain lines (for logs of long jobs).
    Always,
    /// Never.
    Never,
}

const OFF: u8 = 0;
const LINES: u8 = 1;
const LIVE: u8 = 2;

/// What is shown: [`OFF`], [`LINES`] (finished phases) or [`LIVE`] (and the phase under way).
static SHOWN: AtomicU8 = AtomicU8::new(OFF);

/// Decide once, from the flag, the log format and whether stderr is a terminal.
pub(super) fn init(mode: ProgressMode, json_logs: bool) {
    let terminal = std::io::stderr().is_terminal();
    let shown = match mode {
        _ if json_logs => OFF,
        ProgressMode::Never => OFF,
        ProgressMode::Always if terminal => LIVE,
        ProgressMode::Always => LINES,
        ProgressMode::Auto if terminal => LIVE,
        ProgressMode::Auto => OFF,
    };
    SHOWN.store(shown, Ordering::Relaxed);
}

/// Show nothing more (`--quiet`).
pub(crate) fn silence() {
    SHOWN.store(OFF, Ordering::Relaxed);
}

/// A phase under way, finished with [`Phase::done`].
#[must_use = "finish the phase with done()"]
pub(crate) struct Phase {
    what: &'static str,
    started: Instant,
    finished: bool,
}

/// Start a phase: `what` in the present participle ("resolving objects").
pub(crate) fn start(what: &'static str) -> Phase {
    if SHOWN.load(Ordering::Relaxed) == LIVE {
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K  {what}…");
        let _ = err.flush();
    }
    Phase { what, started: Instant::now(), finished: false }
}

impl Phase {
    /// Finish: `summary` says what was done ("resolved 91,231 objects"); logged at debug with
    /// the seconds, and shown when progress is.
    pub(crate) fn done(mut self, summary: &str) {
        self.finished = true;
        let seconds = self.started.elapsed().as_secs_f64();
        tracing::debug!(seconds, phase = self.what, "{summary}");
        let shown = SHOWN.load(Ordering::Relaxed);
        if shown == OFF {
            return;
        }
        let mut err = std::io::stderr().lock();
        let clear = if shown == LIVE { "\r\x1b[2K" } else { "" };
        let _ = writeln!(err, "{clear}  {summary}: {seconds:.2} s");
    }
}

impl Drop for Phase {
    /// A phase left by an error: clear its live line, so the error starts a clean line.
    fn drop(&mut self) {
        if !self.finished && SHOWN.load(Ordering::Relaxed) == LIVE {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }
}

/// `n` with thousands separators (`91,231`).
pub(crate) fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::count;

    #[test]
    fn thousands() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(91231), "91,231");
        assert_eq!(count(1234567), "1,234,567");
    }
}
