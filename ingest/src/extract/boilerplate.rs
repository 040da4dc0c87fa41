//! Removing what is not the article from a page's text: bylines, photo credits, copyright
//! lines, contact blocks and related-article boxes, by the rules in `boilerplate.toml`.

use std::sync::LazyLock;

use regex::Regex;

use super::rules::BoilerplateRules;
use super::text::{is_word_char, static_regex};

static BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    static_regex(
        r"(?i)^by\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}(?:\s*(?:,|and|&)\s*[^.]{0,60})?$",
    )
});
static IMAGE: LazyLock<Regex> = LazyLock::new(|| static_regex(r"!\[[^\]]*\]\([^)]*\)"));
static TABLE_JUNK: LazyLock<Regex> = LazyLock::new(|| static_regex(r"[\s|]*\|[\s|]*$"));
static LEADING_PIPES: LazyLock<Regex> = LazyLock::new(|| static_regex(r"^[\s|]+"));

/// True when `lower` begins with `phrase` as whole words ("share" does not start
/// "shareholders").
fn starts_with_phrase(lower: &str, phrase: &str) -> bool {
    lower.starts_with(phrase)
        && (!phrase.chars().next_back().is_some_and(is_word_char)
            || !lower[phrase.len()..]
                .chars()
                .next()
                .is_some_and(is_word_char))
}

/// The article's paragraphs, cleaned: one entry per kept line, in order.
pub fn article_paragraphs(body: &str, rules: &BoilerplateRules) -> Vec<String> {
    let mut out = Vec::new();
    for raw in body.lines() {
        let line = IMAGE.replace_all(raw, " ");
        let line = TABLE_JUNK.replace(&line, "");
        let line = LEADING_PIPES.replace(&line, "");
        let mut line = line.trim().to_string();
        if line.is_empty() {
            continue;
        }
        let lower = line.to_ascii_lowercase();
        if line.chars().count() >= 8
            && line
                .chars()
                .all(|c| rules.footer_rule_chars.contains(c) || c.is_whitespace())
        {
            break;
        }
        if rules
            .footer_starts
            .iter()
            .any(|p| starts_with_phrase(&lower, p))
            || rules
                .footer_exact
                .iter()
                .any(|p| lower.trim_end_matches(':') == p)
        {
            break;
        }
        if rules.drop_exact.contains(&lower)
            || rules
                .drop_starts
                .iter()
                .any(|p| starts_with_phrase(&lower, p))
        {
            continue;
        }
        // "By Kim Hye-jin, Boston correspondent": a byline is a short line with no sentence.
        if BYLINE.is_match(&line) {
            continue;
        }
        // "[Asia Economy Reporter Hyungsoo Park] Helixmith announced…": drop the tag.
        if line.starts_with('[')
            && let Some(close) = line.find(']')
            && line[..close].chars().count() <= rules.max_bracket_prefix_chars
        {
            line = line[close + 1..].trim().to_string();
        }
        if !line.is_empty() {
            out.push(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::rules::Rules;

    fn clean(s: &str) -> Vec<String> {
        article_paragraphs(s, &Rules::embedded().unwrap().boilerplate)
    }

    #[test]
    fn bylines_are_removed_but_sentences_starting_with_by_are_kept() {
        let got = clean(
            "By Kim Hye-jin, Boston correspondent\nBy 2030, Celltrion will double capacity.\nBy Li Wei and Zhang Min\nBody.",
        );
        assert_eq!(
            got,
            vec!["By 2030, Celltrion will double capacity.", "Body."]
        );
    }

    #[test]
    fn bylines_credits_and_footers_are_removed() {
        let got = clean(
            "[Asia Economy Reporter Hyungsoo Park] Helixmith obtained a licence.\n\
             Provided by Organoid Science\n\
             © The Asia Business Daily. All rights reserved.\n\
             ![A photo](https://x/y.jpg)\n\
             Shareholders approved the plan.\n\
             -----------------------------\n\
             Editor's Note: write to us\n",
        );
        assert_eq!(
            got,
            vec![
                "Helixmith obtained a licence.".to_string(),
                "Shareholders approved the plan.".to_string()
            ]
        );
    }

    #[test]
    fn a_contact_heading_and_related_releases_end_the_article() {
        let got = clean("Body sentence.\nContact\nBio Policy Division, MSIT\n");
        assert_eq!(got, vec!["Body sentence.".to_string()]);
        let got =
            clean("Body.\nContact manufacturing grew.\nRelated press releases\n- KAIST news\n");
        assert_eq!(
            got,
            vec![
                "Body.".to_string(),
                "Contact manufacturing grew.".to_string()
            ]
        );
    }

    #[test]
    fn related_article_boxes_end_the_article() {
        let got = clean("Body sentence.\nRelated articles\nSamsung Biologics signs deal\n");
        assert_eq!(got, vec!["Body sentence.".to_string()]);
    }

    #[test]
    fn table_junk_is_trimmed() {
        let got = clean("A Headline (Class C) | |||\n|||\nText.");
        assert_eq!(
            got,
            vec!["A Headline (Class C)".to_string(), "Text.".to_string()]
        );
    }
}
