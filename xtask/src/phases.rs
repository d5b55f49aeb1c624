//! Where the time of a `cargo xtask test` goes: each step's wall-clock time, printed at the end
//! (also when a step failed), so that a slow step shows. Steps that ran in the background, beside
//! the others (installs, the mutation run), are listed apart with their own durations; the
//! foreground steps' times add up to the run's wall-clock time.

use std::time::{Duration, Instant};

pub struct Phases {
    started: Instant,
    foreground: Vec<(String, Duration)>,
    background: Vec<(String, Duration)>,
}

impl Default for Phases {
    fn default() -> Self {
        Phases {
            started: Instant::now(),
            foreground: Vec::new(),
            background: Vec::new(),
        }
    }
}

impl Phases {
    /// Runs one foreground step and records how long it took, whether it succeeded or not.
    pub fn time<T>(&mut self, name: &str, step: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let result = step();
        self.foreground.push((name.to_owned(), start.elapsed()));
        result
    }

    /// Records a foreground step timed by the caller.
    pub fn record(&mut self, name: &str, took: Duration) {
        self.foreground.push((name.to_owned(), took));
    }

    /// Records a step that ran beside the others.
    pub fn beside(&mut self, name: &str, took: Duration) {
        self.background.push((name.to_owned(), took));
    }

    pub fn report(&self) -> String {
        let mut out = String::from("\n==> where the time went (wall clock)\n");
        let total = self.started.elapsed();
        for (name, took) in &self.foreground {
            out.push_str(&line(name, *took, Some(total)));
        }
        out.push_str(&line("total", total, None));
        if !self.background.is_empty() {
            out.push_str("    beside the steps above, in the background:\n");
            for (name, took) in &self.background {
                out.push_str(&line(name, *took, None));
            }
        }
        out
    }
}

fn line(name: &str, took: Duration, of: Option<Duration>) -> String {
    let share = of
        .filter(|total| !total.is_zero())
        .map(|total| {
            format!(
                "{:>5.1} %",
                took.as_secs_f64() * 100.0 / total.as_secs_f64()
            )
        })
        .unwrap_or_default();
    format!("    {name:<44} {:>10} {share}\n", clock(took))
}

/// `1 min 05 s`, or `4.2 s` under a minute.
pub fn clock(took: Duration) -> String {
    let secs = took.as_secs_f64();
    if secs < 60.0 {
        format!("{secs:.1} s")
    } else {
        let whole = took.as_secs();
        format!("{} min {:02} s", whole / 60, whole % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_minutes_and_seconds() {
        assert_eq!(clock(Duration::from_millis(4_240)), "4.2 s");
        assert_eq!(clock(Duration::from_secs(65)), "1 min 05 s");
        assert_eq!(clock(Duration::from_secs(3_600)), "60 min 00 s");
    }

    #[test]
    fn the_report_lists_each_step_then_the_background_ones() {
        let mut phases = Phases::default();
        let value = phases.time("fmt", || 7);
        assert_eq!(value, 7);
        phases.beside("trunk install", Duration::from_secs(90));
        let report = phases.report();
        let fmt = report.find("fmt").unwrap();
        let total = report.find("total").unwrap();
        let trunk = report.find("trunk install").unwrap();
        assert!(fmt < total && total < trunk, "{report}");
        assert!(report.contains("1 min 30 s"), "{report}");
    }
}
