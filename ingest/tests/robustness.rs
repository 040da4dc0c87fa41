//! Extraction never panics: random, truncated, huge and mis-encoded inputs each give a
//! record or a clean error. Inputs come from a seeded generator, so a failure reproduces.
#![expect(clippy::expect_used, reason = "a test fails loudly")]

use cdmo_ingest::{Extractor, IngestError, parse_document, read_document};

/// A small deterministic generator (xorshift), so the inputs are the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Pieces that exercise every rule: names, triggers, numbers, dates, punctuation, scripts.
const PIECES: &[&str] = &[
    "Samsung Biologics",
    "Celltrion",
    "WuXi Biologics",
    "TransReco",
    "Foo Bio Co., Ltd.",
    "Ministry of Food and Drug Safety",
    "NMPA",
    "Zhejiang Medical Products Administration",
    " signed ",
    " an MOU with ",
    " obtained ",
    " a Class C Drug Production License ",
    " plans to obtain ",
    " acquired ",
    " sold its plant to ",
    " the company ",
    " it ",
    " the two companies ",
    " a subsidiary of ",
    " in Songdo, Incheon ",
    " 180,000 liters ",
    " 2 x 2,000 L ",
    " $1.2 billion ",
    " 1조 4,600억 원 ",
    " 12亿元 ",
    " on the 17th ",
    " in July of last year ",
    " 2024년 3월 17일 ",
    " 去年7月 ",
    "헬릭스미스는 ",
    "药明生物",
    "첨단바이오의약품 제조업 허가를 획득했다",
    "获得《药品生产许可证》",
    ".",
    ". ",
    "。",
    "!",
    "?",
    "\n",
    "\n\n",
    "(",
    ")",
    "‘",
    "’",
    "“",
    "”",
    "\"",
    "'",
    ",",
    ";",
    "—",
    "-",
    "|||",
    "![x](y)",
    "Related headlines\n- ",
    "Editor's Note: ",
    " GMP ",
    " EU GMP ",
    " FDA ",
    " plant ",
    " broke ground on ",
    " under construction ",
    " strategy ",
    " launched ",
    "Act on ",
    " 🙂 ",
    "\u{200b}",
    "\t",
    "ǅ",
    "İstanbul",
    "ß",
    "Ⅻ",
    "１２３",
    "ＡＢＣ",
];

fn random_text(rng: &mut Rng, pieces: usize) -> String {
    let mut s = String::new();
    for _ in 0..pieces {
        s.push_str(PIECES[rng.below(PIECES.len())]);
    }
    s
}

fn extract_all(extractor: &Extractor, text: &str) {
    let doc = match parse_document(text, "fuzz", None) {
        Ok(d) => d,
        // A bad header is a clean error, which is fine.
        Err(IngestError::Header { .. }) => return,
        Err(e) => panic!("unexpected error kind: {e}"),
    };
    let record = extractor.extract(&doc);
    // The record serialises to the contract, and every fact has its evidence.
    let json = serde_json::to_string(&record).expect("a record serialises");
    assert!(json.starts_with("{\"schema_version\":1"));
    for l in &record.licenses {
        assert!(!l.evidence.is_empty());
    }
    for a in &record.agreements {
        assert!(
            a.parties.len() >= 2,
            "an agreement needs two parties: {a:?}"
        );
    }
}

#[test]
fn random_mixed_script_inputs_give_records() {
    let extractor = Extractor::embedded().expect("test setup");
    let mut rng = Rng(0x5eed_cafe_f00d_1234);
    for round in 0..400 {
        let pieces = 1 + rng.below(if round % 10 == 0 { 400 } else { 60 });
        let text = random_text(&mut rng, pieces);
        extract_all(&extractor, &text);
    }
}

#[test]
fn every_truncation_of_real_articles_gives_a_record() {
    let extractor = Extractor::embedded().expect("test setup");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../seeds");
    for name in [
        "000_3d825ed45bca1ea3.txt",
        "003_2299b008b54eefa6.txt",
        "eval/dev/deal_07.txt",
    ] {
        let text = std::fs::read_to_string(dir.join(name)).expect("test setup");
        let mut cut = 0;
        while cut < text.len() {
            if text.is_char_boundary(cut) {
                extract_all(&extractor, &text[..cut]);
            }
            cut += 97;
        }
    }
}

#[test]
fn degenerate_and_huge_inputs_give_records() {
    let extractor = Extractor::embedded().expect("test setup");
    extract_all(&extractor, "");
    extract_all(&extractor, "---\n");
    extract_all(&extractor, "Title: x\n---\n");
    for c in ['a', '.', ' ', '\n', '1', '(', '가', '药', '‘', '-'] {
        let big: String = std::iter::repeat_n(c, 1_000_000).collect();
        let t = std::time::Instant::now();
        extract_all(&extractor, &big);
        eprintln!("1 MB of {c:?}: {:?}", t.elapsed());
    }
    // One name, very many times, in a single run-on "sentence".
    let t = std::time::Instant::now();
    extract_all(
        &extractor,
        &"Samsung Biologics signed an MOU with Celltrion and ".repeat(5_000),
    );
    eprintln!("repeated names: {:?}", t.elapsed());
}

#[test]
fn a_file_that_is_not_utf8_is_a_clean_error_naming_the_file() {
    let dir = tempfile::tempdir().expect("test setup");
    let path = dir.path().join("latin1.txt");
    std::fs::write(&path, b"Caf\xe9 Bio signed an MOU \xff\xfe").expect("test setup");
    match read_document(&path, None) {
        Err(e @ IngestError::NotUtf8 { .. }) => assert!(e.to_string().contains("latin1.txt")),
        other => panic!("expected a UTF-8 error, got {other:?}"),
    }
}
