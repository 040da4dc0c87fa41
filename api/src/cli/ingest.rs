//! `cdmo-atlas ingest files`: documents from disk into the store, with a progress bar on a
//! terminal, a summary line, and every failure listed; failures make the exit status 1.

use std::path::PathBuf;
use std::process::ExitCode;

use cdmo_ingest::Extractor;
use cdmo_ingest::pipeline::{DocOutcome, FileOptions, IngestSummary, Progress, ingest_files};
use cdmo_store::Store;
use indicatif::{ProgressBar, ProgressStyle};

pub async fn files(
    store: &Store,
    paths: &[PathBuf],
    options: FileOptions,
) -> anyhow::Result<ExitCode> {
    let dry_run = options.dry_run;
    let extractor = Extractor::embedded()?;
    let bar = ProgressBar::hidden();
    if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    }
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut on_progress = |p: &Progress| match p {
        Progress::Started { total } => bar.set_length(*total as u64),
        Progress::Document { item, outcome } => {
            bar.inc(1);
            bar.set_message(item.clone());
            if let DocOutcome::Failed { error } = outcome {
                bar.suspend(|| eprintln!("failed: {error}"));
            }
        }
    };
    let summary = ingest_files(store, &extractor, paths, options, &mut on_progress).await?;
    bar.finish_and_clear();
    print_summary(&summary, dry_run);
    Ok(if summary.counts.failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

pub fn print_summary(s: &IngestSummary, dry_run: bool) {
    let c = &s.counts;
    let run = s
        .run_id
        .map(|id| format!(" (run {id})"))
        .unwrap_or_default();
    println!(
        "{} {} document(s): {} new, {} duplicate, {} failed{run}",
        if dry_run { "Read" } else { "Ingested" },
        c.fetched,
        c.new_articles,
        c.duplicates,
        c.failed
    );
}
