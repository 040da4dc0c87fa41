//! The store's error type. Callers see which URL, table or value was at fault; database
//! driver errors are kept as the source.

use sea_orm::DbErr;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "unsupported database URL `{0}`: use sqlite://PATH (created if missing) or postgres://USER@HOST:PORT/DB"
    )]
    UnsupportedUrl(String),
    #[error("could not open database `{url}`: {source}")]
    Connect {
        url: String,
        #[source]
        source: DbErr,
    },
    #[error("could not migrate the database schema: {0}")]
    Migrate(#[source] DbErr),
    #[error("database error: {0}")]
    Db(#[from] DbErr),
    #[error("stored value {table}.{column} = `{value}` is invalid: {reason}")]
    InvalidStoredValue {
        table: &'static str,
        column: &'static str,
        value: String,
        reason: String,
    },
    #[error("record rejected: {0}")]
    InvalidRecord(String),
    #[error("not found: {0}")]
    NotFound(String),
}

impl StoreError {
    /// True for failures worth retrying later (connection lost, database busy).
    pub fn is_transient(&self) -> bool {
        match self {
            StoreError::Db(e) | StoreError::Connect { source: e, .. } => {
                matches!(e, DbErr::Conn(_) | DbErr::ConnectionAcquire(_))
                    || e.to_string().contains("database is locked")
            }
            _ => false,
        }
    }
}
