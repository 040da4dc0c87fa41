//! Reading a document: plain text with an optional header block (`Title:`, `Publisher:`,
//! `Published:`, `Language:`, `URL:` lines, then `---`), plus metadata from a manifest.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use cdmo_store::PartialDate;
use cdmo_store::record::SourceMeta;
use cdmo_store::vocab::Language;
use serde::Deserialize;

use crate::error::IngestError;
use crate::language::detect_language;

/// A document ready for extraction: what is known of its publication and its body text.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub meta: SourceMeta,
    pub body: String,
    /// Where it was read from (a path, `-` or a URL), for messages.
    pub origin: String,
}

/// Metadata of one article as a manifest or a feed states it; every field optional.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArticleMeta {
    #[serde(default)]
    pub file: Option<String>,
    pub url: Option<String>,
    pub publisher: Option<String>,
    pub published: Option<String>,
    pub language: Option<String>,
    pub title: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestFile {
    #[serde(default)]
    article: Vec<ArticleMeta>,
}

/// `manifest.toml`: metadata of the article files in its folder, by file name.
#[derive(Debug, Clone, Default)]
pub struct Manifest {
    pub path: PathBuf,
    entries: HashMap<String, ArticleMeta>,
}

impl Manifest {
    /// The name a manifest has in a folder of articles.
    pub const FILE_NAME: &'static str = "manifest.toml";

    pub fn load(path: &Path) -> Result<Manifest, IngestError> {
        let text = std::fs::read_to_string(path).map_err(|source| IngestError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(&text, path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Manifest, IngestError> {
        let err = |message: String| IngestError::Manifest {
            path: path.to_path_buf(),
            message,
        };
        let file: ManifestFile = toml::from_str(text).map_err(|e| err(e.to_string()))?;
        let mut entries = HashMap::new();
        for (i, a) in file.article.into_iter().enumerate() {
            let Some(name) = a.file.clone() else {
                return Err(err(format!("[[article]] number {} has no `file`", i + 1)));
            };
            if let Some(p) = &a.published {
                parse_published(p).map_err(|m| err(format!("article `{name}`: published: {m}")))?;
            }
            if let Some(l) = &a.language {
                l.parse::<Language>()
                    .map_err(|e| err(format!("article `{name}`: language: {e}")))?;
            }
            if entries.insert(name.clone(), a).is_some() {
                return Err(err(format!("article `{name}` is listed twice")));
            }
        }
        Ok(Manifest {
            path: path.to_path_buf(),
            entries,
        })
    }

    /// The manifest of `dir`, if it has one.
    pub fn for_dir(dir: &Path) -> Result<Option<Manifest>, IngestError> {
        let path = dir.join(Self::FILE_NAME);
        if path.is_file() {
            Self::load(&path).map(Some)
        } else {
            Ok(None)
        }
    }

    pub fn get(&self, file_name: &str) -> Option<&ArticleMeta> {
        self.entries.get(file_name)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Accepts `YYYY-MM-DD`, `YYYY-MM`, `YYYY`, and an ISO timestamp (its date is kept).
fn parse_published(s: &str) -> Result<PartialDate, String> {
    let s = s.trim();
    let date_part = if s.len() > 10 && s.as_bytes().get(10) == Some(&b'T') {
        &s[..10]
    } else {
        s
    };
    date_part.parse::<PartialDate>().map_err(|e| e.to_string())
}

const HEADER_KEYS: &[&str] = &["title", "publisher", "published", "language", "url"];

fn header_key(line: &str) -> Option<(String, &str)> {
    let (k, v) = line.split_once(':')?;
    let key = k.trim();
    if key.is_empty() || key.len() > 20 || !key.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    Some((key.to_ascii_lowercase(), v.trim()))
}

/// Parses a document's text. Header fields override `defaults` (from a manifest); the
/// language is detected from the body when neither gives it.
pub fn parse_document(
    text: &str,
    origin: &str,
    defaults: Option<&ArticleMeta>,
) -> Result<Document, IngestError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut meta = defaults.cloned().unwrap_or_default();
    let mut body = text;

    let lines: Vec<&str> = text.lines().collect();
    let first = lines.iter().position(|l| !l.trim().is_empty());
    let starts_with_header = first
        .and_then(|i| header_key(lines[i]))
        .is_some_and(|(k, _)| HEADER_KEYS.contains(&k.as_str()));
    if let (true, Some(first)) = (starts_with_header, first)
        && let Some(sep) = lines[first..].iter().position(|l| l.trim() == "---")
    {
        let sep = first + sep;
        for (i, line) in lines.iter().enumerate().take(sep).skip(first) {
            if line.trim().is_empty() {
                continue;
            }
            let herr = |message: String| IngestError::Header {
                origin: origin.to_string(),
                line: i + 1,
                message,
            };
            let Some((key, value)) = header_key(line) else {
                return Err(herr(format!(
                    "`{}` is not a header line (expected `Field: value` before `---`)",
                    line.trim()
                )));
            };
            let value = (!value.is_empty()).then(|| value.to_string());
            match key.as_str() {
                "title" => meta.title = value,
                "publisher" => meta.publisher = value,
                "url" => meta.url = value,
                "published" => {
                    if let Some(v) = &value {
                        parse_published(v).map_err(|m| herr(format!("Published: {m}")))?;
                    }
                    meta.published = value;
                }
                "language" => {
                    if let Some(v) = &value {
                        v.parse::<Language>()
                            .map_err(|e| herr(format!("Language: {e}")))?;
                    }
                    meta.language = value;
                }
                _ => {
                    return Err(herr(format!(
                        "unknown header field `{}` (expected Title, Publisher, Published, Language or URL)",
                        line.split_once(':').map_or("", |(k, _)| k.trim())
                    )));
                }
            }
        }
        // Walk the original text so CRLF line ends are skipped correctly.
        let mut rest = text;
        for _ in 0..=sep {
            rest = rest.split_once('\n').map_or("", |(_, r)| r);
        }
        body = rest;
    }

    let published = match &meta.published {
        Some(p) => Some(parse_published(p).map_err(|m| IngestError::Header {
            origin: origin.to_string(),
            line: 0,
            message: format!("published: {m}"),
        })?),
        None => None,
    };
    let language = match &meta.language {
        Some(l) => l.parse::<Language>().unwrap_or(Language::Other),
        None => detect_language(body),
    };
    Ok(Document {
        meta: SourceMeta {
            title: meta
                .title
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty()),
            publisher: meta.publisher.filter(|p| !p.trim().is_empty()),
            url: meta.url.filter(|u| !u.trim().is_empty()),
            published,
            language,
        },
        body: body.to_string(),
        origin: origin.to_string(),
    })
}

/// Reads a UTF-8 text file, taking metadata from `manifest` (by file name) when given.
pub fn read_document(path: &Path, manifest: Option<&Manifest>) -> Result<Document, IngestError> {
    let bytes = std::fs::read(path).map_err(|source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|e| IngestError::NotUtf8 {
        path: path.to_path_buf(),
        offset: e.utf8_error().valid_up_to(),
    })?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let defaults = manifest.and_then(|m| m.get(name));
    parse_document(&text, &path.display().to_string(), defaults)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_block_sets_the_metadata_and_is_not_part_of_the_body() {
        let doc = parse_document(
            "Title: A licence\nPublisher: Daily\nPublished: 2022-03-17\nLanguage: en\nURL: https://x.org/1\n---\nBody text.\n",
            "t.txt",
            None,
        )
        .unwrap();
        assert_eq!(doc.meta.title.as_deref(), Some("A licence"));
        assert_eq!(doc.meta.published.unwrap().to_string(), "2022-03-17");
        assert_eq!(doc.meta.url.as_deref(), Some("https://x.org/1"));
        assert_eq!(doc.body, "Body text.\n");
    }

    #[test]
    fn a_bad_header_value_names_the_line() {
        let err = parse_document("Title: x\nPublished: 2022-13-01\n---\nb", "t.txt", None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("t.txt, line 2"), "{err}");
        assert!(err.contains("Published"), "{err}");
    }

    #[test]
    fn an_unknown_header_field_is_an_error() {
        let err = parse_document("Title: x\nAuthor: me\n---\nb", "t.txt", None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2") && err.contains("Author"), "{err}");
    }

    #[test]
    fn text_without_a_separator_is_all_body() {
        let doc = parse_document("Source: a wire\nText goes on.", "t.txt", None).unwrap();
        assert!(doc.body.starts_with("Source: a wire"));
    }

    #[test]
    fn the_header_overrides_the_manifest_and_the_manifest_fills_the_rest() {
        let m = ArticleMeta {
            publisher: Some("From manifest".into()),
            published: Some("2019".into()),
            ..Default::default()
        };
        let doc = parse_document("Published: 2019-03-20\n---\nText.", "t.txt", Some(&m)).unwrap();
        assert_eq!(doc.meta.publisher.as_deref(), Some("From manifest"));
        assert_eq!(doc.meta.published.unwrap().to_string(), "2019-03-20");
    }

    #[test]
    fn a_manifest_with_a_bad_date_is_rejected_with_the_article_named() {
        let err = Manifest::parse(
            "[[article]]\nfile = \"a.txt\"\npublished = \"2022-3\"\n",
            Path::new("m.toml"),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("a.txt") && err.contains("published"), "{err}");
    }

    #[test]
    fn crlf_headers_are_read() {
        let doc = parse_document("Title: x\r\n---\r\nBody", "t.txt", None).unwrap();
        assert_eq!(doc.meta.title.as_deref(), Some("x"));
        assert_eq!(doc.body, "Body");
    }
}
