//! Decoding fetched HTML (and XML) bytes to text: the charset comes from a BOM, the
//! Content-Type header, a `<meta>`/XML declaration, or detection, and a wrong label loses.
//!
//! Korean and Chinese news sites still serve EUC-KR, GBK and Big5, and their headers are
//! often wrong (a server-wide `charset=utf-8` over a legacy page, or `ISO-8859-1` over a
//! UTF-8 one). A declaration is therefore trusted only while it decodes the bytes cleanly:
//! when it yields many malformed sequences and detection (chardetng) yields none, the
//! detected encoding wins. A stray bad byte in an otherwise well-labelled page does not
//! count as a wrong label.

use std::sync::LazyLock;

use chardetng::EncodingDetector;
use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252, X_USER_DEFINED};
use regex::bytes::Regex;

/// How far into the document a `<meta charset>` is looked for. HTML requires it in the
/// first 1024 bytes; real pages put it a little later behind long `<title>`s and scripts.
const PRESCAN_BYTES: usize = 2048;

/// Below this share of malformed sequences among the non-ASCII characters, a declared
/// charset is kept: the page is mostly right and only a few bytes are damaged.
const TOLERATED_ERROR_RATE: f64 = 0.02;

/// Decodes an HTML or XML document to text, returning the encoding used. A byte-order
/// mark is stripped and wins over every declaration, as in browsers.
pub fn decode_html(bytes: &[u8], content_type: Option<&str>) -> (String, &'static Encoding) {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let rest = bytes.get(bom_len..).unwrap_or_default();
        let (text, _) = encoding.decode_without_bom_handling(rest);
        return (text.into_owned(), encoding);
    }

    let from_header = content_type.and_then(charset_from_content_type);
    let from_document = prescan(bytes);
    let mut declared: Vec<&'static Encoding> = Vec::new();
    for encoding in [from_header, from_document].into_iter().flatten() {
        if !declared.contains(&encoding) {
            declared.push(encoding);
        }
    }

    // Valid UTF-8 with multi-byte sequences is almost never an accident of a legacy
    // encoding, whereas servers labelling UTF-8 pages ISO-8859-1 are common.
    if declared.first().is_some_and(|e| *e != UTF_8) && is_non_ascii_utf8(bytes) {
        return decode_with(bytes, UTF_8);
    }

    let mut first_try: Option<(String, &'static Encoding, usize)> = None;
    for &encoding in &declared {
        let (text, errors) = decode_counting_errors(bytes, encoding);
        if errors == 0 || errors_tolerable(&text, errors) {
            return (text, encoding);
        }
        if first_try.is_none() {
            first_try = Some((text, encoding, errors));
        }
    }

    let detected = detect(bytes);
    let (text, errors) = decode_counting_errors(bytes, detected);
    match first_try {
        // Nothing decodes cleanly: keep the declaration unless detection is clearly better.
        Some((declared_text, encoding, declared_errors))
            if errors != 0 && declared_errors <= errors =>
        {
            (declared_text, encoding)
        }
        _ => (text, detected),
    }
}

/// The encoding named by a Content-Type header's `charset` parameter, if it names one
/// that encoding_rs knows.
pub fn charset_from_content_type(content_type: &str) -> Option<&'static Encoding> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        let value = value.trim().trim_matches(|c| c == '"' || c == '\'').trim();
        Encoding::for_label(value.as_bytes())
    })
}

/// The charset declared inside the document: an XML declaration at the very start, or a
/// `<meta charset>` / `<meta http-equiv="Content-Type" content="…; charset=…">` early on.
fn prescan(bytes: &[u8]) -> Option<&'static Encoding> {
    static XML_DECL: LazyLock<Option<Regex>> = LazyLock::new(|| {
        Regex::new(r#"(?i-u)\A\s*<\?xml[^>]*?\bencoding\s*=\s*["']?([A-Za-z0-9._:-]+)"#).ok()
    });
    static META: LazyLock<Option<Regex>> =
        LazyLock::new(|| Regex::new(r"(?i-u)<meta\b[^>]*>").ok());
    static CHARSET_ATTR: LazyLock<Option<Regex>> =
        LazyLock::new(|| Regex::new(r#"(?i-u)\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)"#).ok());

    let head = bytes.get(..PRESCAN_BYTES).unwrap_or(bytes);
    if let Some(found) = XML_DECL
        .as_ref()
        .and_then(|re| re.captures(head))
        .and_then(|c| c.get(1))
        .and_then(|m| Encoding::for_label(m.as_bytes()))
    {
        return Some(html_meta_override(found));
    }
    let (meta, charset) = (META.as_ref()?, CHARSET_ATTR.as_ref()?);
    meta.find_iter(head).find_map(|tag| {
        // Both `<meta charset=x>` and the http-equiv form's `content="text/html; charset=x"`
        // carry the label after a `charset=`.
        let label = charset.captures(tag.as_bytes())?.get(1)?;
        Encoding::for_label(label.as_bytes()).map(html_meta_override)
    })
}

/// A document cannot be UTF-16 if its ASCII prescan found the declaration, and
/// `x-user-defined` in a meta means windows-1252 (both rules from the HTML standard).
fn html_meta_override(encoding: &'static Encoding) -> &'static Encoding {
    if encoding == UTF_16LE || encoding == UTF_16BE {
        UTF_8
    } else if encoding == X_USER_DEFINED {
        WINDOWS_1252
    } else {
        encoding
    }
}

fn detect(bytes: &[u8]) -> &'static Encoding {
    let mut detector = EncodingDetector::new();
    detector.feed(bytes, true);
    // No TLD hint: passing one that is not lower-case ASCII would panic in chardetng.
    detector.guess(None, true)
}

fn is_non_ascii_utf8(bytes: &[u8]) -> bool {
    !bytes.is_ascii() && std::str::from_utf8(bytes).is_ok()
}

fn decode_with(bytes: &[u8], encoding: &'static Encoding) -> (String, &'static Encoding) {
    (decode_counting_errors(bytes, encoding).0, encoding)
}

/// Decodes with replacement, counting the malformed sequences replaced.
fn decode_counting_errors(bytes: &[u8], encoding: &'static Encoding) -> (String, usize) {
    if let Some(clean) = encoding.decode_without_bom_handling_and_without_replacement(bytes) {
        return (clean.into_owned(), 0);
    }
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    // Genuine U+FFFD in the source are rare enough to count as errors too.
    let errors = text.chars().filter(|&c| c == '\u{FFFD}').count().max(1);
    (text.into_owned(), errors)
}

fn errors_tolerable(text: &str, errors: usize) -> bool {
    let non_ascii = text.chars().filter(|c| !c.is_ascii()).count();
    non_ascii > 0 && (errors as f64) / (non_ascii as f64) < TOLERATED_ERROR_RATE
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use encoding_rs::{BIG5, EUC_KR, GB18030, GBK, SHIFT_JIS};

    const KOREAN: &str = "삼성바이오로직스가 미국 제약사와 위탁생산(CMO) 계약을 체결했다고 밝혔다. \
        회사는 송도 제5공장에서 항체 의약품을 생산할 예정이다.";
    const CHINESE: &str = "药明生物宣布与一家欧洲制药公司签订合同开发与生产服务协议，\
        将在无锡基地生产单克隆抗体药物。";
    const TRADITIONAL: &str = "台灣東洋藥品宣布與美國生技公司簽訂委託開發製造服務合約，\
        將於竹北廠生產抗體藥物。";
    const JAPANESE: &str =
        "富士フイルムは、米国の製薬会社と抗体医薬品の製造受託契約を締結したと発表した。";

    fn page(body: &str) -> String {
        format!("<html><head><title>t</title></head><body><p>{body}</p></body></html>")
    }

    fn encoded(encoding: &'static Encoding, text: &str) -> Vec<u8> {
        let (bytes, _, unmappable) = encoding.encode(text);
        assert!(!unmappable, "test text must be representable");
        bytes.into_owned()
    }

    #[test]
    fn a_header_charset_decodes_each_cjk_legacy_encoding() {
        for (encoding, label, text) in [
            (EUC_KR, "euc-kr", KOREAN),
            (GBK, "gbk", CHINESE),
            (GB18030, "gb18030", CHINESE),
            (BIG5, "big5", TRADITIONAL),
            (SHIFT_JIS, "shift_jis", JAPANESE),
            (UTF_8, "utf-8", KOREAN),
        ] {
            let bytes = encoded(encoding, &page(text));
            let (decoded, used) = decode_html(&bytes, Some(&format!("text/html; charset={label}")));
            assert!(decoded.contains(text), "{label}: {decoded}");
            assert_eq!(used, encoding, "{label}");
        }
    }

    #[test]
    fn a_meta_charset_is_used_when_the_header_names_none() {
        let html = format!("<html><head><meta charset=\"euc-kr\"></head><body>{KOREAN}</body>");
        let (decoded, used) = decode_html(&encoded(EUC_KR, &html), Some("text/html"));
        assert_eq!(used, EUC_KR);
        assert!(decoded.contains(KOREAN));

        let html = format!(
            "<html><head><META HTTP-EQUIV='Content-Type' CONTENT='text/html; charset=gb2312'>\
             </head><body>{CHINESE}</body>"
        );
        let (decoded, _) = decode_html(&encoded(GBK, &html), None);
        assert!(decoded.contains(CHINESE));
    }

    #[test]
    fn an_xml_declaration_names_the_charset_of_a_feed() {
        let xml = format!(
            "<?xml version=\"1.0\" encoding=\"EUC-KR\"?><rss><channel><title>{KOREAN}</title></channel></rss>"
        );
        let (decoded, used) = decode_html(&encoded(EUC_KR, &xml), Some("application/rss+xml"));
        assert_eq!(used, EUC_KR);
        assert!(decoded.contains(KOREAN));
    }

    #[test]
    fn undeclared_legacy_pages_are_detected() {
        for (encoding, text) in [(EUC_KR, KOREAN), (GBK, CHINESE), (BIG5, TRADITIONAL)] {
            let (decoded, _) = decode_html(&encoded(encoding, &page(text)), None);
            assert!(decoded.contains(text), "{}: {decoded}", encoding.name());
        }
    }

    #[test]
    fn a_utf8_header_over_an_euc_kr_page_loses_to_detection() {
        let bytes = encoded(EUC_KR, &page(KOREAN));
        let (decoded, used) = decode_html(&bytes, Some("text/html; charset=utf-8"));
        assert_eq!(used, EUC_KR);
        assert!(decoded.contains(KOREAN));
    }

    #[test]
    fn a_latin1_header_over_a_utf8_page_loses_to_utf8() {
        let bytes = page(CHINESE).into_bytes();
        let (decoded, used) = decode_html(&bytes, Some("text/html; charset=ISO-8859-1"));
        assert_eq!(used, UTF_8);
        assert!(decoded.contains(CHINESE));
    }

    #[test]
    fn a_wrong_header_loses_to_a_right_meta() {
        let html = format!("<html><head><meta charset=gbk></head><body>{CHINESE}</body>");
        let (decoded, used) = decode_html(&encoded(GBK, &html), Some("text/html; charset=utf-8"));
        assert_eq!(used, GBK);
        assert!(decoded.contains(CHINESE));
    }

    #[test]
    fn one_damaged_byte_does_not_overturn_a_right_declaration() {
        let long = KOREAN.repeat(20);
        let mut bytes = page(&long).into_bytes();
        let at = bytes.len() / 2;
        bytes.insert(at, 0xFF);
        let (decoded, used) = decode_html(&bytes, Some("text/html; charset=utf-8"));
        assert_eq!(used, UTF_8);
        assert!(decoded.contains(KOREAN));
    }

    #[test]
    fn a_bom_is_stripped_and_wins() {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice(page(KOREAN).as_bytes());
        let (decoded, used) = decode_html(&bytes, Some("text/html; charset=euc-kr"));
        assert_eq!(used, UTF_8);
        assert!(decoded.starts_with("<html>"));
        assert!(decoded.contains(KOREAN));
    }

    #[test]
    fn garbage_and_empty_input_decode_without_panicking() {
        assert_eq!(decode_html(b"", None).0, "");
        let noise: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
        let _ = decode_html(&noise, Some("text/html; charset=nonsense"));
        let _ = decode_html(&noise, Some("text/html; charset="));
        let _ = decode_html(b"<meta charset=", Some(";;;charset"));
    }
}
