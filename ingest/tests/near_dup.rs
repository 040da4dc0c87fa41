//! Measures simhash distances on syndicated and same-topic pairs (tests/fixtures/near_dup/)
//! and checks that `NEAR_DUPLICATE_MAX_DISTANCE` separates them. Run with `--nocapture` to
//! see the table the threshold was chosen from.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use cdmo_ingest::near_dup::{NEAR_DUPLICATE_MAX_DISTANCE, hamming, is_near_duplicate, simhash};

fn dir(kind: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/near_dup")
        .join(kind)
}

/// (name, text a, text b) of every `NAME.a.txt` / `NAME.b.txt` pair in a folder, by name.
fn pairs(kind: &str) -> Vec<(String, String, String)> {
    let dir = dir(kind);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            name.strip_suffix(".a.txt").map(str::to_string)
        })
        .collect();
    names.sort();
    let read = |p: &Path| std::fs::read_to_string(p).unwrap();
    names
        .into_iter()
        .map(|n| {
            let a = read(&dir.join(format!("{n}.a.txt")));
            let b = read(&dir.join(format!("{n}.b.txt")));
            (n, a, b)
        })
        .collect()
}

/// (name, simhash distance) of every pair in a folder.
fn distances(kind: &str) -> Vec<(String, u32)> {
    pairs(kind)
        .into_iter()
        .map(|(n, a, b)| (n, hamming(simhash(&a), simhash(&b))))
        .collect()
}

#[test]
fn syndicated_copies_are_near_duplicates_and_same_topic_stories_are_not() {
    let syndicated = distances("syndicated");
    let same_topic = distances("same_topic");
    println!("threshold: {NEAR_DUPLICATE_MAX_DISTANCE}");
    for (n, d) in &syndicated {
        println!("syndicated  {n:6} {d:2}");
    }
    for (n, d) in &same_topic {
        println!("same_topic  {n:6} {d:2}");
    }
    for lang in ["en", "ko", "zh"] {
        let count = |v: &[(String, u32)]| v.iter().filter(|(n, _)| n.starts_with(lang)).count();
        assert!(
            count(&syndicated) >= 2 && count(&same_topic) >= 2,
            "{lang} cases"
        );
    }
    assert!(syndicated.len() >= 6 && same_topic.len() >= 6);

    let worst_syndicated = syndicated.iter().map(|(_, d)| *d).max().unwrap();
    let closest_story = same_topic.iter().map(|(_, d)| *d).min().unwrap();
    println!("largest syndicated distance {worst_syndicated}, smallest same-topic {closest_story}");
    for (n, d) in &syndicated {
        assert!(*d <= NEAR_DUPLICATE_MAX_DISTANCE, "syndicated {n} at {d}");
    }
    for (n, d) in &same_topic {
        assert!(*d > NEAR_DUPLICATE_MAX_DISTANCE, "same-topic {n} at {d}");
    }
    // The threshold is not at either edge of the gap.
    assert!(NEAR_DUPLICATE_MAX_DISTANCE > worst_syndicated);
    assert!(closest_story > NEAR_DUPLICATE_MAX_DISTANCE);
}

#[test]
fn a_text_is_a_near_duplicate_of_itself_re_wrapped() {
    let text = std::fs::read_to_string(dir("syndicated").join("zh_1.a.txt")).unwrap();
    let rewrapped: String = text.split_whitespace().collect::<Vec<_>>().join("\n\n");
    assert!(is_near_duplicate(simhash(&text), simhash(&rewrapped)));
    assert_eq!(hamming(simhash(&text), simhash(&rewrapped)), 0);
}

/// (name, containment) of every pair in a folder.
fn containments(kind: &str) -> Vec<(String, f64)> {
    pairs(kind)
        .into_iter()
        .map(|(n, a, b)| {
            let c = cdmo_ingest::near_dup::containment(&a, &b);
            (n, c)
        })
        .collect()
}

#[test]
fn shingle_containment_confirms_syndicated_copies_with_a_wide_margin() {
    use cdmo_ingest::near_dup::SAME_STORY_MIN_CONTAINMENT as MIN;
    let syndicated = containments("syndicated");
    let same_topic = containments("same_topic");
    for (n, c) in syndicated.iter().chain(&same_topic) {
        println!("{n:6} containment {c:.2}");
    }
    for (n, c) in &syndicated {
        assert!(*c >= MIN + 0.15, "syndicated {n} only {c:.2}");
    }
    for (n, c) in &same_topic {
        assert!(*c <= MIN - 0.2, "same-topic {n} at {c:.2}");
    }
}
