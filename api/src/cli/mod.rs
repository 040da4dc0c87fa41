//! Command-line definitions and dispatch. Global options (`--database-url`, `--config`,
//! `--log`) apply to every command and override the configuration file and environment.

mod apikey;
mod demo;
mod eval;
mod extract;
mod ingest;
mod reextract;
mod schedule;
mod sources;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use cdmo_api::{Application, Settings, telemetry};
use cdmo_store::Store;
use clap::{Parser, Subcommand, ValueEnum};

const ABOUT: &str = "A sourced knowledge graph of Korea's and China's biomanufacturing industry, \
built from the news: licences, facilities, agreements and policies, each with the sentence it \
was read from, served over GraphQL.";

#[derive(Debug, Parser)]
#[command(name = "cdmo-atlas", version, about = ABOUT, long_about = None)]
pub struct Cli {
    /// Database URL: sqlite://PATH (the file is created if missing) or
    /// postgres://USER[:PASSWORD]@HOST[:PORT]/DB. Default: sqlite://./cdmo-atlas.db
    #[arg(long, global = true, env = "DATABASE_URL", value_name = "URL")]
    pub database_url: Option<String>,

    /// Configuration file (TOML). Default: ./cdmo-atlas.toml when it exists.
    #[arg(long, global = true, env = "CDMO_ATLAS_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Log filter, e.g. `info`, `debug`, `cdmo_store=debug,warn` (RUST_LOG wins if set).
    #[arg(long, global = true, value_name = "FILTER")]
    pub log: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Quick start: create the database, ingest the seed articles and serve GraphQL with
    /// a GraphiQL page.
    Demo {
        /// Address to listen on. Default: 127.0.0.1:8080 (or the configured address).
        #[arg(long, value_name = "ADDR")]
        bind: Option<String>,
        /// Ingest the articles of this folder instead of the seeds built into the binary.
        #[arg(long, value_name = "DIR")]
        seeds: Option<PathBuf>,
    },
    /// Serve the GraphQL API (GET and POST /graphql), GraphiQL (GET /graphiql), GET /healthz, GET /readyz and GET /metrics.
    Serve {
        /// Address to listen on. Default: 127.0.0.1:8080 (or the configured address).
        #[arg(long, value_name = "ADDR")]
        bind: Option<String>,
    },
    /// Print the extraction record of one document: a text file, - for standard input, or
    /// an http(s) URL, fetched through the polite fetcher (robots.txt, size limits).
    Extract {
        /// The document: a file path, - to read standard input, or a URL.
        input: String,
        /// Let a URL on a private or loopback address be fetched (refused by default).
        #[arg(long)]
        allow_private: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
        /// Metadata manifest (TOML with [[article]] entries). Default: manifest.toml next to
        /// the file, if any.
        #[arg(long, value_name = "FILE")]
        manifest: Option<PathBuf>,
    },
    /// Score the extractor against gold records: every NAME.txt under DIR with a
    /// NAME.gold.json beside it. Prints precision, recall and F1 per fact type, date and
    /// capacity accuracy, and every miss and false hit.
    Eval {
        /// Folder of articles and gold records (sub-folders included).
        dir: PathBuf,
        /// Print the scores as JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Exit with status 1 when a target is missed.
        #[arg(long)]
        check: bool,
    },
    /// Ingest documents into the database.
    #[command(subcommand)]
    Ingest(IngestCommand),
    /// Re-run the current extractor over stored articles and reconcile the graph: facts
    /// found again gain evidence under the new extractor version, facts no longer found
    /// (whose only evidence came from older versions) are retracted, not deleted, and new
    /// facts are added. Running it again changes nothing.
    Reextract {
        /// Only articles published on or after this date (YYYY-MM-DD); articles without a
        /// publication date count by the date they were ingested.
        #[arg(long, value_name = "DATE")]
        since: Option<chrono::NaiveDate>,
        /// Articles read per database round trip.
        #[arg(long, default_value_t = 200, value_name = "N")]
        batch: u64,
    },
    /// Run every enabled source on its own cron schedule until SIGINT/SIGTERM, which end
    /// it cleanly after the article in hand.
    Schedule {
        #[command(flatten)]
        web: WebArgs,
    },
    /// The sources file.
    #[command(subcommand)]
    Sources(SourcesCommand),
    /// Print the GraphQL schema (SDL).
    Schema,
    /// Database maintenance.
    #[command(subcommand)]
    Db(DbCommand),
    /// API keys for curation mutations (`Authorization: Bearer <key>`).
    #[command(subcommand)]
    Apikey(ApikeyCommand),
}

#[derive(Debug, Subcommand)]
pub enum ApikeyCommand {
    /// Create a key and print it once (only its SHA-256 hash is stored).
    Create {
        /// A unique name saying who or what uses the key, e.g. `curator-jane`.
        #[arg(long, value_name = "NAME")]
        name: String,
    },
    /// List keys: id, name, state and dates (never the keys themselves).
    List,
    /// Revoke a key by name or id; requests with it are refused from then on.
    Revoke {
        /// The key's name or numeric id (see `apikey list`).
        #[arg(value_name = "NAME-or-ID")]
        key: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The extraction record as JSON (the public contract).
    Json,
    /// A readable summary.
    Text,
}

#[derive(Debug, Subcommand)]
pub enum IngestCommand {
    /// Ingest text files and folders (a folder's .txt files; its manifest.toml gives each
    /// file's metadata).
    Files {
        /// Files or folders.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Extract and report, but write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Also ingest the files of sub-folders.
        #[arg(long, short = 'r')]
        recursive: bool,
    },
    /// Run the sources of the sources file once: fetch what is new, extract, store, and
    /// record each source's run.
    Run {
        #[command(flatten)]
        web: WebArgs,
        /// Only these sources (repeatable). Default: every enabled source.
        #[arg(long = "source", value_name = "ID")]
        sources: Vec<String>,
        /// Skip articles a feed or sitemap dates before this day (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        since: Option<chrono::NaiveDate>,
        /// Fetch and extract, but write nothing to the database.
        #[arg(long)]
        dry_run: bool,
    },
    /// List the latest ingest runs with their counts and errors.
    Runs {
        /// Only runs of this source.
        #[arg(long = "source", value_name = "ID")]
        source: Option<String>,
        /// How many runs.
        #[arg(long, default_value_t = 20, value_name = "N")]
        limit: u64,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

/// Options shared by the commands that read the sources file and fetch.
#[derive(Debug, Clone, clap::Args)]
pub struct WebArgs {
    /// The sources file.
    #[arg(
        long = "sources",
        env = "CDMO_ATLAS_SOURCES",
        default_value = "sources.toml",
        value_name = "FILE"
    )]
    pub sources_file: PathBuf,
    /// Let this run fetch private and loopback addresses (refused by default).
    #[arg(long)]
    pub allow_private: bool,
    /// Log lines instead of a progress bar, and fewer of them.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// How long a source's lease lasts without renewal; a process that dies holding one
    /// blocks that source for at most this long.
    #[arg(long, default_value_t = 600, value_name = "SECONDS")]
    pub lease_secs: u64,
}

#[derive(Debug, Subcommand)]
pub enum SourcesCommand {
    /// Validate the sources file (every problem with its line and field); fetches nothing.
    Check {
        /// The sources file.
        #[arg(
            long = "sources",
            env = "CDMO_ATLAS_SOURCES",
            default_value = "sources.toml",
            value_name = "FILE"
        )]
        sources_file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Apply pending schema migrations (they also run on every start).
    Migrate,
    /// Show the row count of every table and the latest ingest runs.
    Status,
}

/// Settings from file and environment, with the global options applied.
fn settings(cli: &Cli) -> anyhow::Result<Settings> {
    let mut s = Settings::load(cli.config.as_deref())?;
    if let Some(url) = &cli.database_url {
        s.database_url = url.clone();
    }
    if let Some(log) = &cli.log {
        s.log = log.clone();
    }
    s.validate()?;
    Ok(s)
}

async fn open_store(settings: &Settings) -> anyhow::Result<Store> {
    Store::open(&settings.database_url)
        .await
        .with_context(|| "cannot open the database".to_string())
}

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let mut settings = settings(&cli)?;
    telemetry::init(&settings.log);
    match cli.command {
        Command::Demo { bind, seeds } => {
            if let Some(b) = bind {
                settings.server.bind = b;
                settings.validate()?;
            }
            demo::run(&settings, seeds.as_deref()).await
        }
        Command::Serve { bind } => {
            if let Some(b) = bind {
                settings.server.bind = b;
                settings.validate()?;
            }
            let store = open_store(&settings).await?;
            let app = Application::build(&settings, store)?;
            tracing::info!("serving GraphQL at {}/graphql", app.base_url());
            eprintln!("GraphiQL: {}/graphiql", app.base_url());
            app.run_until_stopped().await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Extract {
            input,
            allow_private,
            format,
            manifest,
        } => extract::run(&input, format, manifest.as_deref(), allow_private).await,
        Command::Eval { dir, json, check } => eval::run(&dir, json, check),
        Command::Ingest(IngestCommand::Files {
            paths,
            dry_run,
            recursive,
        }) => {
            let store = open_store(&settings).await?;
            let options = cdmo_ingest::pipeline::FileOptions { dry_run, recursive };
            ingest::files(&store, &paths, options).await
        }
        Command::Ingest(IngestCommand::Run {
            web,
            sources,
            since,
            dry_run,
        }) => {
            let store = open_store(&settings).await?;
            ingest::run(&store, &web, &sources, since, dry_run).await
        }
        Command::Ingest(IngestCommand::Runs {
            source,
            limit,
            json,
        }) => {
            let store = open_store(&settings).await?;
            ingest::runs(&store, source.as_deref(), limit, json).await
        }
        Command::Sources(SourcesCommand::Check { sources_file }) => sources::check(&sources_file),
        Command::Schedule { web } => {
            let store = open_store(&settings).await?;
            schedule::run(&store, &web).await
        }
        Command::Reextract { since, batch } => {
            let store = open_store(&settings).await?;
            reextract::run(&store, since, batch).await
        }
        Command::Schema => {
            print!("{}", cdmo_api::graphql::sdl());
            Ok(ExitCode::SUCCESS)
        }
        Command::Apikey(cmd) => {
            let store = open_store(&settings).await?;
            match cmd {
                ApikeyCommand::Create { name } => apikey::create(&store, &name).await,
                ApikeyCommand::List => apikey::list(&store).await,
                ApikeyCommand::Revoke { key } => apikey::revoke(&store, &key).await,
            }
        }
        Command::Db(DbCommand::Migrate) => {
            let store = Store::connect(&settings.database_url)
                .await
                .context("cannot open the database")?;
            store.migrate().await?;
            let applied = store.applied_migrations().await?;
            println!(
                "database is at the current schema ({} migrations applied: {})",
                applied.len(),
                applied.join(", ")
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Db(DbCommand::Status) => {
            let store = open_store(&settings).await?;
            for (table, n) in cdmo_store::query::table_counts(&store).await? {
                println!("{table:<24} {n:>8}");
            }
            let runs = cdmo_store::query::list_ingest_runs(
                &store,
                &Default::default(),
                cdmo_store::query::PageRequest {
                    after: None,
                    limit: 5,
                },
            )
            .await?
            .items;
            if !runs.is_empty() {
                println!("\nlatest ingest runs:");
                for r in runs {
                    println!(
                        "  #{:<4} {:<10} {} {:<8} fetched {} new {} duplicates {} failed {}",
                        r.id,
                        r.source_id,
                        r.started_at.format("%Y-%m-%d %H:%M:%S"),
                        r.status,
                        r.fetched,
                        r.new_articles,
                        r.duplicates,
                        r.failed
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
