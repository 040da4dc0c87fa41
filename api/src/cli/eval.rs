//! `cdmo-atlas eval DIR`: how well the extractor reads a folder of articles with gold
//! records; `--check` turns missed targets into a failing exit status.

use std::path::Path;
use std::process::ExitCode;

use cdmo_ingest::Extractor;
use cdmo_ingest::eval::{TARGETS, evaluate_dir, report, shortfalls};

pub fn run(dir: &Path, json: bool, check: bool) -> anyhow::Result<ExitCode> {
    let extractor = Extractor::embedded()?;
    let scores = evaluate_dir(&extractor, dir)?;
    if scores.documents == 0 {
        anyhow::bail!(
            "{} holds no NAME.txt with a NAME.gold.json beside it",
            dir.display()
        );
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&scores)?);
    } else {
        print!("{}", report(&scores));
    }
    let short = shortfalls(&scores, &TARGETS);
    if check && !short.is_empty() {
        eprintln!("below target: {}", short.join("; "));
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
