//! `cdmo-atlas reextract`: the current extractor over stored articles, with a progress bar
//! on a terminal and a summary of what changed; failures make the exit status 1.

use std::process::ExitCode;

use cdmo_ingest::Extractor;
use cdmo_ingest::reextract::{ReextractProgress, reextract};
use cdmo_store::Store;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub async fn run(
    store: &Store,
    since: Option<chrono::NaiveDate>,
    batch: u64,
) -> anyhow::Result<ExitCode> {
    let extractor = Extractor::embedded()?;
    let bar = ProgressBar::hidden();
    if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        bar.set_draw_target(ProgressDrawTarget::stderr());
    }
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} articles {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut on_progress = |p: &ReextractProgress| match p {
        ReextractProgress::Started { total } => bar.set_length(*total),
        ReextractProgress::Article { id, result } => {
            bar.inc(1);
            if let Err(e) = result {
                bar.suspend(|| eprintln!("failed: article {id}: {e}"));
            }
        }
    };
    let s = reextract(store, &extractor, since, batch, &mut on_progress).await?;
    bar.finish_and_clear();
    let t = &s.stats;
    println!(
        "Re-read {} article(s) with {}: {} fact(s) found ({} new), {} evidence added, {} evidence superseded, {} fact(s) retracted, {} restored, {} failed",
        s.articles,
        cdmo_ingest::EXTRACTOR_VERSION,
        t.facts_found,
        t.facts_created,
        t.evidence_added,
        t.evidence_superseded,
        t.facts_retracted,
        t.facts_restored,
        s.failed
    );
    Ok(if s.failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
