//! Sentence splitting for English, Korean and Chinese news: terminal punctuation followed by
//! a new sentence, minding abbreviations ("Co., Ltd.", "Dr.", "U.S."), initials and decimals.

/// One sentence of the article.
#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    pub text: String,
    /// Index of the paragraph it belongs to.
    pub para: usize,
    /// Index of the sentence in the document.
    pub index: usize,
}

const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "co", "corp", "inc", "ltd", "jr", "sr", "no", "vs",
    "etc", "e.g", "i.e", "u.s", "u.k", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "approx", "dept", "gov", "est", "fig", "vol", "ph.d", "s.a",
    "n.v", "univ", "int'l", "govt", "rep", "sen", "gen", "col", "lt", "mt", "ft", "op",
];

const CLOSERS: &[char] = &['"', '”', '’', '\'', ')', ']', '」', '』', '）', '】'];

fn is_abbreviation(before: &str) -> bool {
    let word: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || *c == '.' || *c == '\'')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let w = word.to_ascii_lowercase();
    if ABBREVIATIONS.contains(&w.as_str()) {
        return true;
    }
    // A single capital letter is an initial ("J. Smith"); "U.S" style dotted acronyms too.
    let letters: Vec<char> = word.chars().filter(|c| c.is_alphabetic()).collect();
    (letters.len() == 1 && letters[0].is_uppercase()) || (word.contains('.') && word.len() <= 5)
}

fn starts_sentence(c: char) -> bool {
    c.is_uppercase()
        || c.is_ascii_digit()
        || matches!(c, '"' | '“' | '‘' | '\'' | '(' | '[' | '「' | '【')
        || !c.is_ascii() && !c.is_lowercase()
}

/// Splits one paragraph into sentences (trimmed, non-empty).
pub fn split_paragraph(p: &str) -> Vec<String> {
    let chars: Vec<(usize, char)> = p.char_indices().collect();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        let cjk_end = matches!(c, '。' | '！' | '？');
        let latin_end = matches!(c, '.' | '!' | '?');
        if cjk_end || latin_end {
            let mut j = i + 1;
            while j < chars.len() && CLOSERS.contains(&chars[j].1) {
                j += 1;
            }
            let boundary = if cjk_end || j >= chars.len() {
                true
            } else if chars[j].1.is_whitespace() {
                let mut k = j;
                while k < chars.len() && chars[k].1.is_whitespace() {
                    k += 1;
                }
                k >= chars.len()
                    || (starts_sentence(chars[k].1)
                        && !(c == '.' && is_abbreviation(&p[start..pos])))
            } else {
                false
            };
            if boundary {
                let end = if j < chars.len() { chars[j].0 } else { p.len() };
                let s = p[start..end].trim();
                if !s.is_empty() {
                    out.push(s.to_string());
                }
                start = end;
                i = j;
                continue;
            }
        }
        i += 1;
    }
    let rest = p[start..].trim();
    if !rest.is_empty() {
        out.push(rest.to_string());
    }
    out
}

/// The longest sentence kept whole. Real sentences are far shorter; a longer run of text
/// (a table, a list without punctuation, hostile input) is cut at spaces so that the work
/// per sentence stays bounded.
pub const MAX_SENTENCE_BYTES: usize = 2_000;

/// Splits paragraphs into numbered sentences.
pub fn split_sentences(paragraphs: &[String]) -> Vec<Sentence> {
    let mut out = Vec::new();
    for (para, p) in paragraphs.iter().enumerate() {
        for text in split_paragraph(p) {
            for piece in cap_length(&text) {
                let index = out.len();
                out.push(Sentence {
                    text: piece.to_string(),
                    para,
                    index,
                });
            }
        }
    }
    out
}

/// Cuts `s` into pieces of at most `MAX_SENTENCE_BYTES`, at the last space when there is one.
fn cap_length(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = s;
    while rest.len() > MAX_SENTENCE_BYTES {
        let mut cut = MAX_SENTENCE_BYTES;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        let at = rest[..cut].rfind(' ').filter(|&i| i > 0).unwrap_or(cut);
        out.push(rest[..at].trim());
        rest = rest[at..].trim_start();
    }
    if !rest.is_empty() {
        out.push(rest);
    }
    out.retain(|p| !p.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_terminal_punctuation_but_not_abbreviations() {
        let s = split_paragraph(
            "Samsung Biologics Co., Ltd. signed a deal with Dr. Kim on Jan. 5. It is worth $1.2 billion. \"We are glad,\" he said.",
        );
        assert_eq!(s.len(), 3, "{s:?}");
        assert!(s[0].ends_with("Jan. 5."));
        assert_eq!(s[1], "It is worth $1.2 billion.");
    }

    #[test]
    fn quotes_stay_with_their_sentence() {
        let s = split_paragraph("He said, “This will help.” The firm agreed.");
        assert_eq!(s, vec!["He said, “This will help.”", "The firm agreed."]);
    }

    #[test]
    fn korean_and_chinese_sentences() {
        assert_eq!(split_paragraph("허가를 받았다. 회사는 밝혔다.").len(), 2);
        assert_eq!(split_paragraph("公司获得许可证。该公司表示！").len(), 2);
    }

    #[test]
    fn runaway_sentences_are_cut_into_bounded_pieces() {
        let long = "word ".repeat(2_000);
        let s = split_sentences(&[long]);
        assert!(s.len() >= 5);
        assert!(s.iter().all(|x| x.text.len() <= MAX_SENTENCE_BYTES));
        let no_spaces = "가".repeat(1_000);
        assert!(
            split_sentences(&[no_spaces])
                .iter()
                .all(|x| x.text.len() <= MAX_SENTENCE_BYTES)
        );
    }

    #[test]
    fn initials_do_not_end_a_sentence() {
        assert_eq!(split_paragraph("J. Smith of the U.S. firm spoke.").len(), 1);
    }
}
