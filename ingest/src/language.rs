//! Language detection by script and, for Latin text, English function words; enough to
//! tell English, Korean and Chinese news apart and to flag anything else as `other`.

use cdmo_store::vocab::Language;

const ENGLISH_WORDS: &[&str] = &[
    "the", "and", "of", "to", "in", "a", "is", "that", "for", "on", "with", "as", "by", "it",
    "its", "was", "has", "from", "said", "will",
];

/// Detects the dominant language of `text`.
pub fn detect_language(text: &str) -> Language {
    let (mut hangul, mut han, mut kana, mut latin) = (0usize, 0usize, 0usize, 0usize);
    for c in text.chars() {
        match c {
            '\u{AC00}'..='\u{D7AF}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}' => {
                hangul += 1
            }
            '\u{3040}'..='\u{30FF}' => kana += 1,
            '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' => han += 1,
            c if c.is_ascii_alphabetic() => latin += 1,
            _ => {}
        }
    }
    // A CJK character carries roughly a word; weigh it against Latin letters accordingly.
    let cjk = hangul + han + kana;
    if cjk * 4 >= latin && cjk > 0 {
        if hangul >= han / 2 && hangul > kana {
            return Language::Ko;
        }
        if kana * 5 > han {
            return Language::Other;
        }
        return Language::Zh;
    }
    if latin == 0 {
        return Language::Other;
    }
    let words: Vec<String> = text
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_ascii_lowercase())
        .collect();
    let function = words
        .iter()
        .filter(|w| ENGLISH_WORDS.contains(&w.as_str()))
        .count();
    if words.len() < 8 || function * 12 >= words.len() {
        Language::En
    } else {
        Language::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_english_korean_and_chinese_apart() {
        assert_eq!(
            detect_language("Helixmith announced on the 17th that it has obtained a licence."),
            Language::En
        );
        assert_eq!(
            detect_language(
                "헬릭스미스는 식품의약품안전처로부터 첨단바이오의약품 제조업 허가를 획득했다고 17일 밝혔다."
            ),
            Language::Ko
        );
        assert_eq!(
            detect_language("浙江省药品监督管理局向该公司核发《药品生产许可证》(C证)。"),
            Language::Zh
        );
    }

    #[test]
    fn latin_text_that_is_not_english_is_other() {
        assert_eq!(
            detect_language(
                "Die Firma hat gestern eine neue Anlage für Zelltherapien eröffnet und plant weitere Investitionen."
            ),
            Language::Other
        );
    }

    #[test]
    fn korean_with_english_names_is_still_korean() {
        assert_eq!(
            detect_language("삼성바이오로직스(Samsung Biologics)가 CDMO 계약을 체결했다"),
            Language::Ko
        );
    }
}
