//! Source leases on SQLite and PostgreSQL: one holder at a time, a dead holder's lease
//! expires, a released lease is free at once, and racing claimers split the sources.

use std::time::Duration;

use cdmo_store::leases::{claim_sources, lease_holder, release_lease, renew_lease};

use crate::db::Engine;
use crate::helpers::test_store;

fn ids(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

async fn leases_give_each_source_to_one_holder_at_a_time(engine: Engine) {
    let Some((store, _db)) = test_store(engine).await else {
        return;
    };
    let hour = Duration::from_secs(3600);
    let all = ids(&["kbr", "zj-mpa", "yonhap"]);
    assert_eq!(
        claim_sources(&store, &all[..2], "a", hour).await.unwrap(),
        all[..2]
    );
    // B gets only what A does not hold.
    assert_eq!(
        claim_sources(&store, &all, "b", hour).await.unwrap(),
        ids(&["yonhap"])
    );
    // A holder re-claiming its own lease keeps it.
    assert_eq!(
        claim_sources(&store, &all[..1], "a", hour).await.unwrap(),
        ids(&["kbr"])
    );
    assert!(renew_lease(&store, "kbr", "a", hour).await.unwrap());
    assert!(!renew_lease(&store, "kbr", "b", hour).await.unwrap());
    assert_eq!(lease_holder(&store, "kbr").await.unwrap().unwrap().0, "a");

    release_lease(&store, "kbr", "a").await.unwrap();
    assert!(lease_holder(&store, "kbr").await.unwrap().is_none());
    assert_eq!(
        claim_sources(&store, &all[..1], "b", hour).await.unwrap(),
        ids(&["kbr"])
    );

    // A lease that ran out (its holder died) is free to the next claimer.
    assert_eq!(
        claim_sources(&store, &ids(&["short"]), "dead", Duration::ZERO)
            .await
            .unwrap(),
        ids(&["short"])
    );
    assert_eq!(
        claim_sources(&store, &ids(&["short"]), "alive", hour)
            .await
            .unwrap(),
        ids(&["short"])
    );
}

async fn racing_claimers_never_get_the_same_source(engine: Engine) {
    let Some((store, _db)) = test_store(engine).await else {
        return;
    };
    let sources: Vec<String> = (0..20).map(|i| format!("s{i}")).collect();
    let mut tasks = Vec::new();
    for w in 0..4 {
        let store = store.clone();
        let sources = sources.clone();
        tasks.push(tokio::spawn(async move {
            claim_sources(&store, &sources, &format!("w{w}"), Duration::from_secs(600))
                .await
                .unwrap()
        }));
    }
    let mut got = Vec::new();
    for t in tasks {
        got.extend(t.await.unwrap());
    }
    got.sort();
    let mut expected = sources.clone();
    expected.sort();
    assert_eq!(got, expected, "every source claimed exactly once");
}

#[tokio::test]
async fn leases_give_each_source_to_one_holder_at_a_time_on_sqlite() {
    leases_give_each_source_to_one_holder_at_a_time(Engine::Sqlite).await;
}

#[tokio::test]
async fn leases_give_each_source_to_one_holder_at_a_time_on_postgres() {
    leases_give_each_source_to_one_holder_at_a_time(Engine::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_claimers_never_get_the_same_source_on_sqlite() {
    racing_claimers_never_get_the_same_source(Engine::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_claimers_never_get_the_same_source_on_postgres() {
    racing_claimers_never_get_the_same_source(Engine::Postgres).await;
}
