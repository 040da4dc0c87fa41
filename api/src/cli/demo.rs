//! `cdmo-atlas demo`: the quick start. Opens (creating) the database, ingests the seed
//! articles (again is harmless: duplicates change nothing), then serves GraphQL.

use std::path::Path;
use std::process::ExitCode;

use cdmo_api::{Application, Settings};
use cdmo_ingest::Extractor;
use cdmo_ingest::pipeline::{ingest_documents, ingest_files};
use cdmo_ingest::seeds::seed_documents;

use super::ingest::print_summary;

const EXAMPLE_QUERY: &str = r#"{ organization(name: "Helixmith") { name licenses { edges { node { licenseType date authority { name } facility { name } evidence { sentence article { url } } } } } } }"#;

pub async fn run(settings: &Settings, seeds: Option<&Path>) -> anyhow::Result<ExitCode> {
    let store = super::open_store(settings).await?;
    let extractor = Extractor::embedded()?;
    let mut quiet = |_: &cdmo_ingest::pipeline::Progress| {};
    let summary = match seeds {
        Some(dir) => {
            ingest_files(
                &store,
                &extractor,
                &[dir.to_path_buf()],
                Default::default(),
                &mut quiet,
            )
            .await?
        }
        None => {
            let docs: Vec<_> = seed_documents()?
                .into_iter()
                .map(|(o, d)| (o, Ok(d)))
                .collect();
            ingest_documents(
                &store,
                &extractor,
                docs.into_iter(),
                "seeds",
                false,
                &mut quiet,
            )
            .await?
        }
    };
    print_summary(&summary, false);
    for e in &summary.counts.errors {
        eprintln!("failed: {}: {}", e.item, e.error);
    }
    let app = Application::build(settings, store)?;
    let url = app.base_url();
    println!(
        "Database: {}",
        cdmo_store::db::redact_url(&settings.database_url)
    );
    println!("GraphiQL: {url}/graphiql   (GraphQL endpoint: POST {url}/graphql)");
    println!(
        "Try:\n  curl -s {url}/graphql -H 'content-type: application/json' \\\n    -d '{{\"query\": {}}}'",
        serde_json::to_string(EXAMPLE_QUERY)?
    );
    println!("Press Ctrl-C to stop.");
    app.run_until_stopped().await?;
    Ok(ExitCode::SUCCESS)
}
