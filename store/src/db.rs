//! Opening the database: SQLite (a file, WAL, foreign keys, busy timeout) or PostgreSQL,
//! chosen by the URL; migrations run here so every entry point sees the current schema.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbBackend};
use sea_orm_migration::MigratorTrait;
use tokio::sync::Mutex;

use crate::error::StoreError;
use crate::migration::Migrator;

/// The default database: a SQLite file in the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://./cdmo-atlas.db";

/// Which engine a URL selects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn from_url(url: &str) -> Result<Engine, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Engine::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Engine::Postgres)
        } else {
            Err(StoreError::UnsupportedUrl(redact_url(url)))
        }
    }
}

/// A URL safe to print: the password, if any, replaced by `***`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let Some((creds, host)) = rest.split_once('@') else {
        return url.to_string();
    };
    match creds.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

/// A connection pool plus what the store needs to know about its engine.
#[derive(Clone, Debug)]
pub struct Store {
    db: DatabaseConnection,
    engine: Engine,
    /// SQLite allows one writer; serialising writers in-process turns "database is locked"
    /// races into an orderly queue. PostgreSQL does not need it.
    write_gate: Arc<Mutex<()>>,
    /// The analytics rows last read, shared by every clone of this store.
    rows_cache: Arc<crate::analytics_rows::RowsCache>,
}

impl Store {
    /// Opens (creating a SQLite file if missing) and migrates the database at `url`.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        let store = Self::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Opens the database without migrating it.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        let engine = Engine::from_url(url)?;
        let mut opts = ConnectOptions::new(url.to_string());
        opts.sqlx_logging(false)
            .connect_timeout(Duration::from_secs(10))
            .acquire_timeout(Duration::from_secs(30));
        match engine {
            Engine::Sqlite => {
                opts.max_connections(8).min_connections(1);
                opts.map_sqlx_sqlite_opts(|o| {
                    o.create_if_missing(true)
                        .journal_mode(SqliteJournalMode::Wal)
                        .synchronous(SqliteSynchronous::Normal)
                        .foreign_keys(true)
                        .busy_timeout(Duration::from_secs(30))
                });
            }
            Engine::Postgres => {
                opts.max_connections(16);
            }
        }
        let db = Database::connect(opts)
            .await
            .map_err(|source| StoreError::Connect {
                url: redact_url(url),
                source,
            })?;
        Ok(Store {
            db,
            engine,
            write_gate: Arc::new(Mutex::new(())),
            rows_cache: Arc::default(),
        })
    }

    /// Applies pending migrations; a no-op when the schema is current.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        Migrator::up(&self.db, None)
            .await
            .map_err(StoreError::Migrate)
    }

    /// Names of the migrations already applied, oldest first.
    pub async fn applied_migrations(&self) -> Result<Vec<String>, StoreError> {
        Ok(Migrator::get_applied_migrations(&self.db)
            .await
            .map_err(StoreError::Migrate)?
            .into_iter()
            .map(|m| m.name().to_string())
            .collect())
    }

    pub fn conn(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Calls `f` with the SQL of every statement run through this handle and the clones made
    /// from it afterwards (tests count statements with it).
    pub fn on_statement(&mut self, f: impl Fn(&str) + Send + Sync + 'static) {
        self.db
            .set_metric_callback(move |info| f(&info.statement.sql));
    }

    pub(crate) fn rows_cache(&self) -> &crate::analytics_rows::RowsCache {
        &self.rows_cache
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    pub fn backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }

    /// Held for the duration of a write transaction (a no-op guard on PostgreSQL).
    pub(crate) async fn write_guard(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match self.engine {
            Engine::Sqlite => Some(self.write_gate.lock().await),
            Engine::Postgres => None,
        }
    }

    pub async fn close(self) -> Result<(), StoreError> {
        self.db.close().await.map_err(StoreError::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_engine_follows_the_url_scheme() {
        assert_eq!(Engine::from_url("sqlite://x.db").unwrap(), Engine::Sqlite);
        assert_eq!(
            Engine::from_url("postgres://u@h/db").unwrap(),
            Engine::Postgres
        );
        let err = Engine::from_url("mysql://root:secret@h/db").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("sqlite://PATH"), "{msg}");
        assert!(!msg.contains("secret"), "password leaked: {msg}");
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://me:pw@localhost/db"),
            "postgres://me:***@localhost/db"
        );
        assert_eq!(redact_url("sqlite://./a.db"), "sqlite://./a.db");
    }
}
