//! Where polars runs: on a thread of its own, never on an async worker. Polars' executor
//! blocks on its own runtime, which panics inside a single-threaded runtime such as an
//! actix-web worker's; a plain thread has no runtime to conflict with.

use crate::error::AnalyticsError;

/// Runs `f` on a fresh thread and awaits its result without blocking the caller's runtime.
pub async fn off_runtime<T, F>(f: F) -> Result<T, AnalyticsError>
where
    F: FnOnce() -> Result<T, AnalyticsError> + Send + 'static,
    T: Send + 'static,
{
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("cdmo-analytics".into())
        .spawn(move || {
            let _ = tx.send(f());
        })
        .map_err(|e| AnalyticsError::Compute(format!("cannot start a computation thread: {e}")))?;
    rx.await
        .map_err(|_| AnalyticsError::Compute("the computation thread panicked".into()))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_computation_runs_from_a_single_threaded_runtime() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let v = rt.block_on(off_runtime(|| Ok(21 * 2))).unwrap();
        assert_eq!(v, 42);
    }
}
