//! Timing shared by the benchmarks (`bench` and `downstream`): how long a command takes, and
//! the median of several such times.

use std::process::Command;
use std::time::{Duration, Instant};

/// Runs `cmd` to the end, its output captured, and returns how long it took; an error (with
/// its stderr) when it could not start or failed.
pub(crate) fn time_command(cmd: &mut Command) -> Result<Duration, String> {
    let start = Instant::now();
    let out = cmd.output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!(
            "{cmd:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(start.elapsed())
}

/// The median of `v` (the upper one of the two middle values for an even count); `v` must not
/// be empty.
pub(crate) fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}
