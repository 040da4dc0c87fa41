//! `cdmo-atlas apikey create|list|revoke`: API keys for curation. The key is printed once,
//! at creation; the database keeps only its hash, so a lost key is revoked and replaced.

use std::process::ExitCode;

use cdmo_store::Store;
use cdmo_store::api_keys::{create_key, list_keys, revoke_key};

fn when(t: Option<chrono::DateTime<chrono::Utc>>) -> String {
    t.map_or_else(
        || "-".to_string(),
        |t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
    )
}

/// `apikey create --name NAME`: the key on standard output (alone, for scripts), how to use
/// it on standard error.
pub async fn create(store: &Store, name: &str) -> anyhow::Result<ExitCode> {
    let (row, secret) = create_key(store, name).await?;
    println!("{secret}");
    eprintln!(
        "created API key `{}` (id {}). It is shown only now: store it safely.\n\
         Use it as: Authorization: Bearer <key>",
        row.name, row.id
    );
    Ok(ExitCode::SUCCESS)
}

/// `apikey list`: id, name, dates and state of every key; never a secret or hash.
pub async fn list(store: &Store) -> anyhow::Result<ExitCode> {
    let keys = list_keys(store).await?;
    if keys.is_empty() {
        eprintln!("no API keys; create one with `cdmo-atlas apikey create --name NAME`");
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{:>4}  {:<24} {:<8} {:<23} {:<23} {:<23}",
        "id", "name", "state", "created", "last used", "revoked"
    );
    for k in keys {
        println!(
            "{:>4}  {:<24} {:<8} {:<23} {:<23} {:<23}",
            k.id,
            k.name,
            if k.revoked_at.is_some() {
                "revoked"
            } else {
                "active"
            },
            when(Some(k.created_at)),
            when(k.last_used_at),
            when(k.revoked_at),
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `apikey revoke NAME-or-ID`: the key stops working at once; its audit entries stay.
pub async fn revoke(store: &Store, name_or_id: &str) -> anyhow::Result<ExitCode> {
    let k = revoke_key(store, name_or_id).await?;
    println!("revoked API key `{}` (id {})", k.name, k.id);
    Ok(ExitCode::SUCCESS)
}
