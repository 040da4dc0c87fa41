//! The committed schema (`api/schema.graphql`) must be the schema the server serves, so
//! that clients and reviewers read the real contract.

#[test]
fn the_committed_sdl_is_the_served_schema() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../api/schema.graphql");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let current = cdmo_api::graphql::sdl();
    if std::env::var("UPDATE_SCHEMA").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &current).unwrap();
        return;
    }
    assert!(
        committed == current,
        "api/schema.graphql is out of date: run `cargo run -- schema > api/schema.graphql` (or UPDATE_SCHEMA=1 cargo test)"
    );
}
