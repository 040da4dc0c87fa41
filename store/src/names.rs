//! Normalised keys for organization and facility names, the basis of entity resolution:
//! case, punctuation, corporate suffixes ("Co., Ltd.", "주식회사", "有限公司") and word order.

use std::sync::LazyLock;

use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

#[derive(Debug, Default, Deserialize)]
struct NameRules {
    corporate_suffixes: Vec<String>,
    cjk_suffixes: Vec<String>,
    stopwords: Vec<String>,
    #[serde(default)]
    site_words: Vec<String>,
}

/// Parsed once; a unit test proves the embedded file parses, so the empty fallback is
/// never taken in a build that passed its tests.
static RULES: LazyLock<NameRules> = LazyLock::new(|| {
    let mut rules: NameRules =
        toml::from_str(include_str!("../../seeds/names.toml")).unwrap_or_default();
    // Longest first, so "co ltd" is removed before "co".
    rules
        .corporate_suffixes
        .sort_by_key(|s| std::cmp::Reverse(s.len()));
    rules
        .cjk_suffixes
        .sort_by_key(|s| std::cmp::Reverse(s.len()));
    rules
});

/// The comparison key of a name: two names with the same key are taken to name the same
/// organization. Empty when the name has no letters left (e.g. only a suffix).
pub fn name_key(name: &str) -> String {
    let rules = &*RULES;
    // ASCII is already in NFKC form; only other text needs normalising.
    let mut s: String = if name.is_ascii() {
        name.to_ascii_lowercase()
    } else {
        name.nfkc().collect::<String>().to_lowercase()
    };
    if !s.is_ascii() {
        for suffix in &rules.cjk_suffixes {
            if s.contains(suffix.as_str()) {
                s = s.replace(suffix.as_str(), " ");
            }
        }
    } else if s.contains("(주)") {
        s = s.replace("(주)", " ");
    }
    let cleaned: String = s
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let mut words: Vec<&str> = cleaned.split_whitespace().collect();
    strip_suffixes(&mut words, &rules.corporate_suffixes);
    words.retain(|w| !rules.stopwords.iter().any(|s| s == w));
    words.sort_unstable();
    words.dedup();
    words.join(" ")
}

/// The comparison key of a facility name: `name_key` without the generic site words, so
/// "Changshou plant", "the Changshou factory" and "Changshou production base" meet. A key
/// left empty or with only a number ("Plant 4" against "Line 4") keeps every word.
pub fn site_key(name: &str) -> String {
    let key = name_key(name);
    let kept: Vec<&str> = key
        .split(' ')
        .filter(|w| !RULES.site_words.iter().any(|s| s == w))
        .collect();
    if kept.iter().all(|w| w.chars().all(|c| c.is_ascii_digit())) {
        key
    } else {
        kept.join(" ")
    }
}

/// Removes legal-form suffixes from the end (repeatedly: "Holdings Co., Ltd.") and from the
/// start ("주식회사 헬릭스미스" is handled by the CJK pass), leaving at least one word.
fn strip_suffixes(words: &mut Vec<&str>, suffixes: &[String]) {
    loop {
        let before = words.len();
        for suffix in suffixes {
            let parts: Vec<&str> = suffix.split_whitespace().collect();
            if words.len() > parts.len() && words.ends_with(&parts) {
                words.truncate(words.len() - parts.len());
                break;
            }
        }
        if words.len() == before {
            return;
        }
    }
}

/// How alike two names are, 0–1: the better of Jaro-Winkler on the normalised names with
/// spaces removed (catches typos and "EN Cell" / "ENCell") and the share of words in common.
pub fn name_similarity(a: &str, b: &str) -> f64 {
    let (ka, kb) = (name_key(a), name_key(b));
    if ka == kb {
        return 1.0;
    }
    let squash = |s: &str| -> String {
        let lower = if s.is_ascii() {
            s.to_ascii_lowercase()
        } else {
            s.nfkc().collect::<String>().to_lowercase()
        };
        lower.chars().filter(|c| c.is_alphanumeric()).collect()
    };
    let jw = strsim::jaro_winkler(&squash(a), &squash(b));
    let wa: std::collections::BTreeSet<&str> = ka.split(' ').collect();
    let wb: std::collections::BTreeSet<&str> = kb.split(' ').collect();
    let union = wa.union(&wb).count().max(1);
    let jaccard = wa.intersection(&wb).count() as f64 / union as f64;
    jw.max(jaccard)
}

/// Collapses runs of white space and trims; the display form of a name.
pub fn clean_display(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_rules_parse() {
        let parsed: Result<NameRules, _> = toml::from_str(include_str!("../../seeds/names.toml"));
        let rules = parsed.unwrap();
        assert!(rules.corporate_suffixes.iter().any(|s| s == "co ltd"));
        assert!(rules.cjk_suffixes.iter().any(|s| s == "有限公司"));
    }

    #[test]
    fn corporate_suffixes_case_and_punctuation_do_not_matter() {
        let k = name_key("Samsung Biologics");
        assert_eq!(name_key("SAMSUNG BIOLOGICS Co., Ltd."), k);
        assert_eq!(name_key("Samsung Biologics Co Ltd"), k);
        assert_eq!(name_key("Samsung Biologics, Inc."), k);
        assert_ne!(name_key("Samsung Bioepis"), k);
    }

    #[test]
    fn site_names_meet_without_their_generic_words() {
        assert_eq!(
            site_key("Changshou plant"),
            site_key("the Changshou factory")
        );
        assert_eq!(
            site_key("Wujiang base"),
            site_key("Wujiang production base")
        );
        assert_ne!(site_key("Plant 4"), site_key("Line 4"));
        assert_ne!(site_key("Changshou plant"), site_key("Erlang site"));
        assert_eq!(site_key("Plant"), "plant");
    }

    #[test]
    fn word_order_variants_meet() {
        assert_eq!(
            name_key("Asan Medical Center in Seoul"),
            name_key("Seoul Asan Medical Center")
        );
    }

    #[test]
    fn korean_and_chinese_legal_forms_are_removed() {
        assert_eq!(name_key("주식회사 헬릭스미스"), name_key("헬릭스미스"));
        assert_eq!(name_key("(주)헬릭스미스"), name_key("헬릭스미스"));
        assert_eq!(name_key("药明生物技术有限公司"), name_key("药明生物技术"));
        assert_eq!(name_key("浙江某某股份有限公司"), name_key("浙江某某"));
    }

    #[test]
    fn similar_spellings_score_high_and_different_companies_low() {
        let sim = name_similarity;
        assert!(sim("EN Cell", "ENCell") > 0.99);
        assert!(sim("Samsung Biologic", "Samsung Biologics") > 0.95);
        assert!(sim("Samsung Bioepis", "Samsung Biologics") < 0.95);
        assert!(sim("Celltrion Healthcare", "Celltrion") < 0.95);
        assert!(sim("Lotte Biologics", "Lotte Holdings") < 0.95);
    }

    #[test]
    fn a_suffix_alone_is_not_stripped_to_nothing() {
        assert_eq!(name_key("Corporation"), "corporation");
    }
}
