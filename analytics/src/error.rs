//! The analytics error type: a store failure, or a computation that polars rejected.
//! Polars' own error is rendered to text so that its type stays inside this crate.

#[derive(Debug, thiserror::Error)]
pub enum AnalyticsError {
    #[error(transparent)]
    Store(#[from] cdmo_store::StoreError),
    #[error("analytics computation failed: {0}")]
    Compute(String),
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
}

impl From<polars::error::PolarsError> for AnalyticsError {
    fn from(e: polars::error::PolarsError) -> Self {
        AnalyticsError::Compute(e.to_string())
    }
}
