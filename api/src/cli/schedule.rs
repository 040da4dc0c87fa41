//! `cdmo-atlas schedule`: runs every source on its own cron schedule until SIGINT or
//! SIGTERM, which end it after the article in hand with every run closed.

use std::process::ExitCode;

use cdmo_ingest::Extractor;
use cdmo_ingest::schedule::run_schedule;
use cdmo_ingest::sources::load_sources;
use cdmo_ingest::web::RunOptions;
use cdmo_store::Store;

use super::ingest::{WebReporter, print_source_run, shutdown_on_signals};

pub async fn run(store: &Store, web: &super::WebArgs) -> anyhow::Result<ExitCode> {
    let file = load_sources(&web.sources_file)?;
    let base_dir = web
        .sources_file
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_default();
    let extractor = Extractor::embedded()?;
    let options = RunOptions {
        allow_private: web.allow_private,
        shutdown: shutdown_on_signals(),
        lease_ttl: std::time::Duration::from_secs(web.lease_secs.max(1)),
        ..RunOptions::default()
    };
    // A scheduler runs unattended: log lines, not a bar.
    let reporter = WebReporter::new(true);
    let mut on_progress = |p: &cdmo_ingest::web::WebProgress| reporter.progress(p);
    let mut on_run = |r: &cdmo_ingest::web::SourceRun| print_source_run(r, false);
    tracing::info!(
        sources = file.sources.iter().filter(|s| s.schedule.is_some() && s.enabled).count(),
        holder = %options.holder,
        "scheduler started"
    );
    run_schedule(
        store,
        &extractor,
        &file,
        &base_dir,
        &options,
        &mut on_progress,
        &mut on_run,
    )
    .await?;
    tracing::info!("scheduler stopped");
    Ok(ExitCode::SUCCESS)
}
