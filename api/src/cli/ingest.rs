//! `cdmo-atlas ingest files|run|runs`: documents from disk or the web into the store, with a
//! progress bar on a terminal (log lines otherwise), a summary, and every failure listed.

use std::path::PathBuf;
use std::process::ExitCode;

use cdmo_ingest::Extractor;
use cdmo_ingest::pipeline::{DocOutcome, FileOptions, IngestSummary, Progress, ingest_files};
use cdmo_ingest::web::{PageOutcome, RunOptions, SourceRun, WebProgress, run_sources};
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

/// A shutdown flag set by the first SIGINT or SIGTERM: the run in hand ends after the
/// article being stored, its run row is closed, and the lease released.
pub fn shutdown_on_signals() -> cdmo_ingest::web::Shutdown {
    let shutdown = cdmo_ingest::web::Shutdown::new();
    let flag = shutdown.clone();
    tokio::spawn(async move {
        wait_for_signal().await;
        tracing::warn!("stopping after the article in hand (signal received)");
        flag.request();
    });
    shutdown
}

#[cfg(unix)]
async fn wait_for_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) {
        (Ok(mut int), Ok(mut term)) => {
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
            }
        }
        _ => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[cfg(not(unix))]
async fn wait_for_signal() {
    let _ = tokio::signal::ctrl_c().await;
}

/// Reports a web run's progress: a bar on a terminal, log lines otherwise or with --quiet.
pub struct WebReporter {
    bar: ProgressBar,
    lines: bool,
}

impl WebReporter {
    pub fn new(quiet: bool) -> WebReporter {
        let lines = quiet || !std::io::IsTerminal::is_terminal(&std::io::stderr());
        let bar = ProgressBar::hidden();
        if !lines {
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{bar:30} {pos}/{len} {wide_msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
        }
        WebReporter { bar, lines }
    }

    pub fn progress(&self, p: &WebProgress) {
        match p {
            WebProgress::Links {
                source,
                links,
                known,
            } => {
                self.bar.inc_length(*links as u64);
                if self.lines {
                    tracing::info!(
                        source,
                        new_links = links,
                        already_stored = known,
                        "links found"
                    );
                }
            }
            WebProgress::Page {
                source,
                url,
                outcome,
            } => {
                self.bar.inc(1);
                self.bar.set_message(url.clone());
                match outcome {
                    PageOutcome::Failed { error } => {
                        if self.lines {
                            tracing::warn!(source, url, error, "page failed");
                        } else {
                            self.bar.suspend(|| eprintln!("failed: {url}: {error}"));
                        }
                    }
                    PageOutcome::Extracted { facts, title } if !self.lines => {
                        self.bar.suspend(|| {
                            println!(
                                "{facts:>3} facts  {}  {url}",
                                title.as_deref().unwrap_or("(untitled)")
                            )
                        });
                    }
                    other if self.lines => {
                        tracing::info!(source, url, outcome = ?other, "page")
                    }
                    _ => {}
                }
            }
            WebProgress::Skipped { source, reason } => {
                self.bar.suspend(|| eprintln!("skipped {source}: {reason}"));
            }
        }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// Prints one source's run as a line.
pub fn print_source_run(r: &SourceRun, dry_run: bool) {
    if let Some(reason) = &r.skipped {
        println!("{}: skipped, {reason}", r.source_id);
        return;
    }
    let c = &r.counts;
    let run = r
        .run_id
        .map(|id| format!(" (run {id})"))
        .unwrap_or_default();
    println!(
        "{}: fetched {}, {} {}, {} duplicate, {} unchanged, {} already stored, {} failed{run}{}",
        r.source_id,
        c.fetched,
        c.new_articles,
        if dry_run { "read" } else { "new" },
        c.duplicates,
        c.unchanged,
        c.skipped,
        c.failed,
        if r.interrupted {
            " — interrupted"
        } else {
            ""
        }
    );
    for e in &c.errors {
        println!("  failed: {}: {}", e.item, e.error);
    }
}

/// `ingest run`: the sources of the file, once.
pub async fn run(
    store: &Store,
    web: &super::WebArgs,
    only: &[String],
    since: Option<chrono::NaiveDate>,
    dry_run: bool,
) -> anyhow::Result<ExitCode> {
    let file = cdmo_ingest::sources::load_sources(&web.sources_file)?;
    let base_dir = web
        .sources_file
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_default();
    let extractor = Extractor::embedded()?;
    let options = RunOptions {
        since,
        dry_run,
        allow_private: web.allow_private,
        shutdown: shutdown_on_signals(),
        lease_ttl: std::time::Duration::from_secs(web.lease_secs.max(1)),
        ..RunOptions::default()
    };
    let reporter = WebReporter::new(web.quiet);
    let mut on_progress = |p: &WebProgress| reporter.progress(p);
    let runs = run_sources(
        store,
        &extractor,
        &file,
        &base_dir,
        only,
        &options,
        &mut on_progress,
    )
    .await?;
    reporter.finish();
    for r in &runs {
        print_source_run(r, dry_run);
    }
    Ok(if runs.iter().any(|r| r.interrupted) {
        ExitCode::from(130)
    } else if runs.iter().any(|r| r.counts.failed > 0) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// `ingest runs`: the latest runs, newest first.
pub async fn runs(
    store: &Store,
    source: Option<&str>,
    limit: u64,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let filter = cdmo_store::query::IngestRunFilter {
        source_id: source.map(str::to_string),
        status: None,
    };
    let req = cdmo_store::query::PageRequest { after: None, limit };
    let runs = cdmo_store::query::list_ingest_runs(store, &filter, req)
        .await?
        .items;
    if json {
        let rows: Vec<serde_json::Value> = runs
            .iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.id,
                    "source": r.source_id,
                    "started_at": r.started_at,
                    "finished_at": r.finished_at,
                    "status": r.status,
                    "fetched": r.fetched,
                    "new": r.new_articles,
                    "duplicates": r.duplicates,
                    "unchanged": r.unchanged,
                    "skipped": r.skipped,
                    "failed": r.failed,
                    "errors": serde_json::from_str::<serde_json::Value>(&r.errors)
                        .unwrap_or(serde_json::Value::Null),
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(ExitCode::SUCCESS);
    }
    if runs.is_empty() {
        println!("no ingest runs yet");
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{:>5}  {:<14} {:<19} {:<19} {:<11} {:>7} {:>5} {:>5} {:>9} {:>7} {:>6}",
        "run",
        "source",
        "started (UTC)",
        "finished (UTC)",
        "status",
        "fetched",
        "new",
        "dup",
        "unchanged",
        "stored",
        "failed"
    );
    for r in &runs {
        println!(
            "{:>5}  {:<14} {:<19} {:<19} {:<11} {:>7} {:>5} {:>5} {:>9} {:>7} {:>6}",
            r.id,
            r.source_id,
            r.started_at.format("%Y-%m-%d %H:%M:%S"),
            r.finished_at
                .map(|f| f.format("%Y-%m-%d %H:%M:%S").to_string())
                .unwrap_or_else(|| "–".into()),
            r.status,
            r.fetched,
            r.new_articles,
            r.duplicates,
            r.unchanged,
            r.skipped,
            r.failed
        );
        if let Ok(errors) = serde_json::from_str::<Vec<serde_json::Value>>(&r.errors) {
            for e in errors.iter().take(5) {
                println!(
                    "         failed: {}: {}",
                    e["item"].as_str().unwrap_or(""),
                    e["error"].as_str().unwrap_or("")
                );
            }
            if errors.len() > 5 {
                println!("         … and {} more", errors.len() - 5);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
