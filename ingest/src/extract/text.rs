//! Small text helpers shared by the extraction rules: ASCII-case-insensitive phrase search
//! with word boundaries that keep byte offsets (so spans map back to the original text).

/// True for characters that continue a Latin word; CJK characters never do, so Korean
/// particles and Chinese context attach to names without breaking a match.
pub fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

/// Lower-cases ASCII only, which keeps every byte offset valid in the original.
pub fn lower(s: &str) -> String {
    s.to_ascii_lowercase()
}

fn boundary_before(hay: &str, at: usize) -> bool {
    hay[..at]
        .chars()
        .next_back()
        .is_none_or(|c| !is_word_char(c))
}

fn boundary_after(hay: &str, at: usize) -> bool {
    hay[at..].chars().next().is_none_or(|c| !is_word_char(c))
}

/// How a phrase must sit in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// Whole words on both sides ("will" does not match "willing").
    Word,
    /// A word start; the end may run on ("obtain" matches "obtained").
    Prefix,
    /// Anywhere (used for CJK phrases and inner substrings).
    Anywhere,
}

/// Byte offsets of `needle` (already lower case) in `hay_lower`, fitted as asked. A needle
/// that starts or ends with a non-word character is not boundary-checked on that side.
pub fn find_all(hay_lower: &str, needle: &str, fit: Fit) -> Vec<usize> {
    let mut out = Vec::new();
    if needle.is_empty() {
        return out;
    }
    let check_start = needle.chars().next().is_some_and(is_word_char);
    let check_end = needle.chars().next_back().is_some_and(is_word_char);
    let mut from = 0;
    while let Some(i) = hay_lower[from..].find(needle) {
        let at = from + i;
        let end = at + needle.len();
        let ok = match fit {
            Fit::Anywhere => true,
            Fit::Prefix => !check_start || boundary_before(hay_lower, at),
            Fit::Word => {
                (!check_start || boundary_before(hay_lower, at))
                    && (!check_end || boundary_after(hay_lower, end))
            }
        };
        if ok {
            out.push(at);
        }
        from = at + needle.chars().next().map_or(1, char::len_utf8);
    }
    out
}

/// The first phrase of `phrases` found (as whole words, or anywhere for CJK phrases).
pub fn contains_any<'p>(hay_lower: &str, phrases: &'p [String]) -> Option<&'p str> {
    phrases
        .iter()
        .find(|p| !find_all(hay_lower, p, fit_for(p)).is_empty())
        .map(String::as_str)
}

/// Word fit for Latin phrases, anywhere for phrases that start with a CJK character.
pub fn fit_for(phrase: &str) -> Fit {
    if phrase.chars().next().is_some_and(|c| c.is_ascii()) {
        Fit::Word
    } else {
        Fit::Anywhere
    }
}

/// Every occurrence of any phrase, as (start, end, phrase index), sorted by start.
pub fn find_phrases(
    hay_lower: &str,
    phrases: &[String],
    fit: Option<Fit>,
) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    for (i, p) in phrases.iter().enumerate() {
        let f = fit.unwrap_or_else(|| fit_for(p));
        for at in find_all(hay_lower, p, f) {
            out.push((at, at + p.len(), i));
        }
    }
    out.sort_unstable();
    out
}

/// `s[from..to]` clamped to the string and its char boundaries; empty when `from >= to`.
/// Offsets computed from several mentions can cross; slicing must never panic on them.
pub fn slice(s: &str, from: usize, to: usize) -> &str {
    let from = ceil_char(s, from);
    let to = floor_char(s, to);
    if from >= to { "" } else { &s[from..to] }
}

/// Clamps `i` down to a char boundary of `s`.
pub fn floor_char(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Clamps `i` up to a char boundary of `s`.
pub fn ceil_char(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// True when the text is written in title case (a headline): most words capitalised.
pub fn is_title_case(s: &str) -> bool {
    let (mut words, mut caps) = (0usize, 0usize);
    for w in s.split_whitespace() {
        match w.chars().next() {
            Some(c) if c.is_alphabetic() => {
                words += 1;
                if c.is_uppercase() {
                    caps += 1;
                }
            }
            _ => {}
        }
    }
    words >= 4 && caps * 10 >= words * 7
}

/// Compiles a pattern written in the source. Each module's tests exercise its patterns,
/// so a bad one fails the build's tests rather than a user's run.
#[expect(
    clippy::expect_used,
    reason = "patterns are compile-time constants covered by unit tests"
)]
pub fn static_regex(pattern: &str) -> regex::Regex {
    regex::Regex::new(pattern).expect("built-in pattern compiles")
}

/// True when `s` ends with the word `w` preceded by a space (" with", " of"), without
/// allocating.
pub fn ends_with_word(s: &str, w: &str) -> bool {
    s.len() > w.len() && s.ends_with(w) && s.as_bytes()[s.len() - w.len() - 1] == b' '
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_fit_respects_latin_boundaries_only() {
        assert_eq!(
            find_all("willing to sign", "will", Fit::Word),
            Vec::<usize>::new()
        );
        assert_eq!(find_all("it obtained a", "obtain", Fit::Prefix), vec![3]);
        assert_eq!(
            find_all("it obtained a", "obtain", Fit::Word),
            Vec::<usize>::new()
        );
        assert_eq!(find_all("헬릭스미스는", "헬릭스미스", Fit::Word), vec![0]);
    }

    #[test]
    fn title_case_lines_are_recognised() {
        assert!(is_title_case(
            "China Gene Medicine Valley Obtains First Biopharmaceutical Production License"
        ));
        assert!(!is_title_case(
            "TransReco obtained the Class C licence from the regulator in January"
        ));
    }
}
