//! The built-in scheduler: every enabled source with a `schedule` runs on its own cron
//! expression (UTC) until a shutdown is requested, each run under the source's lease.
//!
//! A tick that was missed (the machine slept, a run took longer than the interval) runs
//! once, not once per missed occurrence: ingestion catches up by itself, since every run
//! fetches whatever is new since the last.

use std::path::Path;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use croner::Cron;

use crate::error::IngestError;
use crate::extract::Extractor;
use crate::sources::SourcesFile;
use crate::web::{RunOptions, SourceRun, WebProgress, run_source};

/// A scheduled source and the next time it is due.
#[derive(Debug, Clone)]
pub struct Slot {
    pub source_id: String,
    cron: Cron,
    pub next: DateTime<Utc>,
}

/// The sources of `file` that have a schedule and are enabled, each with its next
/// occurrence after `now`. A schedule that does not parse is an error (check the file
/// with `cdmo-atlas sources check`).
pub fn slots(file: &SourcesFile, now: DateTime<Utc>) -> Result<Vec<Slot>, IngestError> {
    let mut out = Vec::new();
    for s in file.sources.iter().filter(|s| s.enabled) {
        let Some(expr) = s.schedule.as_deref() else {
            continue;
        };
        let cron = Cron::from_str(expr).map_err(|e| IngestError::Schedule {
            id: s.id.clone(),
            message: e.to_string(),
        })?;
        let next = next_after(&cron, now).ok_or_else(|| IngestError::Schedule {
            id: s.id.clone(),
            message: format!("`{expr}` never occurs"),
        })?;
        out.push(Slot {
            source_id: s.id.clone(),
            cron,
            next,
        });
    }
    Ok(out)
}

fn next_after(cron: &Cron, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
    cron.find_next_occurrence(&t, false).ok()
}

/// The ids due at `now` (their next occurrence has come), in file order; each due slot
/// moves to its first occurrence after `now`.
pub fn take_due(slots: &mut [Slot], now: DateTime<Utc>) -> Vec<String> {
    let mut due = Vec::new();
    for slot in slots.iter_mut() {
        if slot.next <= now {
            due.push(slot.source_id.clone());
            if let Some(n) = next_after(&slot.cron, now) {
                slot.next = n;
            }
        }
    }
    due
}

/// When the scheduler next has something to do.
pub fn next_wake(slots: &[Slot]) -> Option<DateTime<Utc>> {
    slots.iter().map(|s| s.next).min()
}

/// Runs the schedule until `options.shutdown` is requested: sleeps until the next source
/// is due, runs the due sources one after the other (skipping those another process
/// holds), and goes back to sleep. A source that fails is recorded in its run and does
/// not stop the others.
pub async fn run_schedule(
    store: &cdmo_store::Store,
    extractor: &Extractor,
    file: &SourcesFile,
    base_dir: &Path,
    options: &RunOptions,
    on_progress: &mut (dyn FnMut(&WebProgress) + Send),
    on_run: &mut (dyn FnMut(&SourceRun) + Send),
) -> Result<(), IngestError> {
    let mut slots = slots(file, Utc::now())?;
    if slots.is_empty() {
        return Err(IngestError::NothingScheduled);
    }
    loop {
        let Some(wake) = next_wake(&slots) else {
            return Ok(());
        };
        let wait = (wake - Utc::now()).to_std().unwrap_or_default();
        tracing::info!(next = %wake, "scheduler sleeping until the next due source");
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = options.shutdown.wait() => return Ok(()),
        }
        for id in take_due(&mut slots, Utc::now()) {
            if options.shutdown.requested() {
                return Ok(());
            }
            let Some(source) = file.sources.iter().find(|s| s.id == id) else {
                continue;
            };
            let run = run_source(
                store,
                extractor,
                file,
                base_dir,
                source,
                options,
                on_progress,
            )
            .await;
            match run {
                Ok(r) => on_run(&r),
                // A database outage must not end the scheduler: the next tick retries.
                Err(e) => tracing::error!(source = %id, error = %e, "scheduled run failed"),
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::sources::SourcesFile;

    fn file(entries: &[(&str, Option<&str>, bool)]) -> SourcesFile {
        let mut text = String::new();
        for (id, schedule, enabled) in entries {
            text.push_str(&format!(
                "[[source]]\nid = \"{id}\"\nkind = \"urls\"\nurls = [\"https://example.org/{id}\"]\nenabled = {enabled}\n"
            ));
            if let Some(s) = schedule {
                text.push_str(&format!("schedule = \"{s}\"\n"));
            }
        }
        toml::from_str(&text).unwrap()
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn each_source_is_due_on_its_own_cron_expression() {
        let f = file(&[
            ("hourly", Some("0 * * * *"), true),
            ("daily", Some("30 6 * * *"), true),
            ("manual", None, true),
            ("off", Some("* * * * *"), false),
        ]);
        let mut s = slots(&f, at("2026-11-22T05:10:00Z")).unwrap();
        let ids: Vec<&str> = s.iter().map(|s| s.source_id.as_str()).collect();
        assert_eq!(
            ids,
            ["hourly", "daily"],
            "unscheduled and disabled sources never run"
        );
        assert_eq!(next_wake(&s), Some(at("2026-11-22T06:00:00Z")));
        assert!(take_due(&mut s, at("2026-11-22T05:59:59Z")).is_empty());
        assert_eq!(take_due(&mut s, at("2026-11-22T06:00:00Z")), ["hourly"]);
        assert_eq!(next_wake(&s), Some(at("2026-11-22T06:30:00Z")));
        assert_eq!(take_due(&mut s, at("2026-11-22T06:30:00Z")), ["daily"]);
        assert_eq!(next_wake(&s), Some(at("2026-11-22T07:00:00Z")));
    }

    #[test]
    fn missed_ticks_run_once_not_once_per_missed_occurrence() {
        let f = file(&[("hourly", Some("0 * * * *"), true)]);
        let mut s = slots(&f, at("2026-11-22T05:10:00Z")).unwrap();
        // Asleep for five hours: one run, then the next hour.
        assert_eq!(take_due(&mut s, at("2026-11-22T11:20:00Z")), ["hourly"]);
        assert!(take_due(&mut s, at("2026-11-22T11:20:01Z")).is_empty());
        assert_eq!(next_wake(&s), Some(at("2026-11-22T12:00:00Z")));
    }

    #[test]
    fn a_schedule_that_does_not_parse_names_its_source() {
        let f = file(&[("bad", Some("61 * * * *"), true)]);
        let err = slots(&f, Utc::now()).unwrap_err().to_string();
        assert!(err.contains("bad"), "{err}");
    }
}
