//! Near-duplicate detection for syndicated press releases: 64-bit simhashes of word (or CJK
//! character) shingles, compared by Hamming distance.
//!
//! Tokens are lowercase runs of letters and digits in alphabetic scripts and single
//! characters in Hangul, Han and kana, so Korean and Chinese text (no spaces, or particles
//! glued to words) is compared as finely as English. Features are distinct shingles of
//! consecutive tokens: word triples, or five characters from a CJK character on. Shingles
//! longer than single words keep two stories about the same companies apart, since the names
//! they share are only a small part of their shingles. Whitespace and punctuation never
//! reach a token, so re-wrapped or re-punctuated copies hash alike. The hash of a feature is
//! FNV-1a with a final mix, written out here so that stored simhashes stay comparable across
//! builds and Rust versions.

/// Tokens per shingle for words: word triples.
const WORD_SHINGLE: usize = 3;
/// Tokens per shingle from a CJK character on: a character carries less than a word, so
/// more of them make a feature as specific as a word triple.
const CJK_SHINGLE: usize = 5;

/// Largest Hamming distance between the simhashes of two near-duplicates, chosen from
/// `tests/fixtures/near_dup/` (six syndicated pairs and six same-topic pairs in English,
/// Korean and Chinese; `ingest/tests/near_dup.rs` prints the table). With this hash the
/// syndicated copies lie 11–21 bits apart and the different stories 23–34. Averaged over
/// 30 random hash functions (the scatter a single 64-bit simhash has, about ±4 bits) the
/// two groups lie 11–17 and 27–30 bits apart. Both gaps have 22 in the middle. A copy
/// rewritten more heavily than a wire service's edit can land above it and be missed.
pub const NEAR_DUPLICATE_MAX_DISTANCE: u32 = 22;

/// The 64-bit simhash of a text. Each distinct shingle counts once, so a sentence repeated
/// in one copy does not pull the hash away from the other.
pub fn simhash(text: &str) -> u64 {
    let features = features(text);
    let mut weights = [0i32; 64];
    for f in features {
        for (bit, w) in weights.iter_mut().enumerate() {
            if f >> bit & 1 == 1 {
                *w += 1;
            } else {
                *w -= 1;
            }
        }
    }
    weights
        .iter()
        .enumerate()
        .filter(|(_, w)| **w > 0)
        .fold(0u64, |h, (bit, _)| h | 1 << bit)
}

/// The distinct shingle hashes of a text.
fn features(text: &str) -> std::collections::HashSet<u64> {
    let tokens = tokens(text);
    let mut features = std::collections::HashSet::new();
    for (i, t) in tokens.iter().enumerate() {
        let k = if t.chars().next().is_some_and(is_cjk) {
            CJK_SHINGLE
        } else {
            WORD_SHINGLE
        };
        if let Some(window) = tokens.get(i..i + k) {
            features.insert(feature_hash(window));
        }
    }
    if features.is_empty() && !tokens.is_empty() {
        // A text shorter than one shingle is hashed from what it has.
        features.insert(feature_hash(&tokens));
    }
    features
}

/// Share of the shorter text's shingles that the other text has too (0 to 1).
pub fn containment(a: &str, b: &str) -> f64 {
    let (fa, fb) = (features(a), features(b));
    let smaller = fa.len().min(fb.len());
    if smaller == 0 {
        return 0.0;
    }
    fa.intersection(&fb).count() as f64 / smaller as f64
}

/// Least `containment` for two texts whose simhashes are close to be one story: a
/// syndicated copy keeps most of its word triples (a cut paragraph or a new dateline
/// removes few), while two stories about the same companies share only names and stock
/// phrases. The simhash only finds candidates cheaply; this decides, because a false
/// merge would hide an article.
pub const SAME_STORY_MIN_CONTAINMENT: f64 = 0.5;

/// Whether `a` and `b` tell the same story (see `SAME_STORY_MIN_CONTAINMENT`).
pub fn same_story(a: &str, b: &str) -> bool {
    containment(a, b) >= SAME_STORY_MIN_CONTAINMENT
}

/// Number of differing bits.
pub fn hamming(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

/// Whether two simhashes are of the same text give or take a headline, a dateline, a
/// boilerplate paragraph and a few words.
pub fn is_near_duplicate(a: u64, b: u64) -> bool {
    hamming(a, b) <= NEAR_DUPLICATE_MAX_DISTANCE
}

/// Lowercase word runs; each CJK character a token of its own.
fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        if is_cjk(c) {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            out.push(c.to_string());
        } else if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
        } else if !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF       // Hangul Jamo
        | 0x3040..=0x30FF     // Hiragana, Katakana
        | 0x3130..=0x318F     // Hangul Compatibility Jamo
        | 0x3400..=0x4DBF     // CJK Extension A
        | 0x4E00..=0x9FFF     // CJK Unified Ideographs
        | 0xAC00..=0xD7AF     // Hangul Syllables
        | 0xF900..=0xFAFF     // CJK Compatibility Ideographs
        | 0x20000..=0x2FA1F   // CJK Extensions B–F and supplement
    )
}

/// FNV-1a over the tokens (with a separator), then the splitmix64 finaliser so that every
/// output bit depends on every input bit.
fn feature_hash(tokens: &[String]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for t in tokens {
        for b in t.bytes().chain(std::iter::once(0x1f)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ h >> 31
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_case_and_punctuation_do_not_change_the_hash() {
        let a = "Samsung Biologics signs a $1.2 billion deal, its largest this year.";
        let b = "SAMSUNG  BIOLOGICS signs a 1 2 billion deal\n its largest — this year";
        assert_eq!(simhash(a), simhash(b));
        let c = "삼성바이오로직스가 1조원 규모 계약을 맺었다.";
        let d = "삼성바이오로직스가, 1조원 규모 「계약」을 맺었다";
        assert_eq!(simhash(c), simhash(d));
    }

    #[test]
    fn cjk_text_is_tokenised_by_character_and_words_by_runs() {
        assert_eq!(
            tokens("药明生物 MFG5基地"),
            ["药", "明", "生", "物", "mfg5", "基", "地"]
        );
        assert_eq!(tokens("CDMO 수주"), ["cdmo", "수", "주"]);
    }

    #[test]
    fn the_hash_of_a_text_is_fixed_so_stored_hashes_stay_comparable() {
        // Pinned: a change here invalidates every simhash already stored.
        assert_eq!(simhash(""), 0);
        assert_eq!(simhash("Lonza Visp"), simhash("lonza, visp."));
        assert_eq!(
            feature_hash(&["a".into(), "b".into()]),
            0x811b_486d_4cb5_16b6
        );
    }

    #[test]
    fn hamming_counts_differing_bits() {
        assert_eq!(hamming(0, 0), 0);
        assert_eq!(hamming(0b1011, 0b0001), 2);
        assert_eq!(hamming(u64::MAX, 0), 64);
        assert!(is_near_duplicate(0, (1 << NEAR_DUPLICATE_MAX_DISTANCE) - 1));
        assert!(!is_near_duplicate(
            0,
            (1 << (NEAR_DUPLICATE_MAX_DISTANCE + 1)) - 1
        ));
    }
}
