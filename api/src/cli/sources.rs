//! `cdmo-atlas sources check`: validates the sources file and lists its sources; every
//! problem is printed with its line and field, and nothing is fetched.

use std::path::Path;
use std::process::ExitCode;

use cdmo_ingest::sources::{SourcesError, load_sources};

pub fn check(path: &Path) -> anyhow::Result<ExitCode> {
    match load_sources(path) {
        Ok(file) => {
            println!(
                "{}: {} source(s), no problems",
                path.display(),
                file.sources.len()
            );
            for s in &file.sources {
                println!(
                    "  {:<16} {:<9} {:<3} {:<2} {:<14} {}{}",
                    s.id,
                    s.kind.as_str(),
                    s.language.as_deref().unwrap_or("-"),
                    s.country.as_deref().unwrap_or("-"),
                    s.schedule.as_deref().unwrap_or("(manual)"),
                    s.url.as_deref().unwrap_or(""),
                    if s.enabled { "" } else { "  [disabled]" }
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e @ SourcesError::Invalid { .. }) => {
            eprintln!("{e}");
            Ok(ExitCode::FAILURE)
        }
        Err(e) => Err(e.into()),
    }
}
