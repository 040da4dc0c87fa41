//! Numbers with units as news writes them: bioreactor capacities ("180,000 liters", "180 kL",
//! "2 x 2,000 L", "four 15,000-liter bioreactors", "3만 리터", "1.2万升") and money
//! ("$1.2 billion", "KRW 1.46 trillion", "1조 4,600억 원", "12亿元"), converted to litres / USD.

use std::sync::LazyLock;

use regex::Regex;

use super::rules::CurrencyRules;
use super::text::static_regex;

/// A bioreactor volume found in a sentence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CapacityMention {
    pub start: usize,
    pub end: usize,
    pub liters: f64,
    /// Stated as a total ("a total of", "combined", "totaling").
    pub total: bool,
}

/// An amount of money found in a sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct MoneyMention {
    pub start: usize,
    pub end: usize,
    pub amount: f64,
    pub currency: String,
    pub usd: f64,
}

const COUNT_WORDS: &[(&str, f64)] = &[
    ("one", 1.0),
    ("two", 2.0),
    ("three", 3.0),
    ("four", 4.0),
    ("five", 5.0),
    ("six", 6.0),
    ("seven", 7.0),
    ("eight", 8.0),
    ("nine", 9.0),
    ("ten", 10.0),
    ("eleven", 11.0),
    ("twelve", 12.0),
    ("twenty", 20.0),
];

fn scale_of(word: &str) -> Option<f64> {
    Some(match word.to_ascii_lowercase().as_str() {
        "thousand" | "k" | "천" | "千" => 1e3,
        "million" | "mn" | "m" | "mln" | "백만" | "百万" => 1e6,
        "billion" | "bn" | "b" | "bln" | "十亿" => 1e9,
        "trillion" | "tn" | "조" => 1e12,
        "만" | "万" => 1e4,
        "억" | "亿" => 1e8,
        _ => return None,
    })
}

/// Parses "180,000" or "1.46"; None for anything not a plain finite number of sane size.
fn parse_number(s: &str) -> Option<f64> {
    if s.len() > 24 {
        return None;
    }
    s.replace([',', ' '], "")
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
}

/// A number with optional scale: "180,000", "1.46 trillion", "1조 4,600억", "1.2万", "12亿".
static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    static_regex(
        r"(?i)(\d+(?:,\d{3})*(?:\.\d+)?)\s*(조|억|만|천|万|亿|千|百万|thousand|million|billion|trillion|mln|bln|mn|bn|tn|m|b|k)?(?:\s*(\d+(?:,\d{3})*)\s*(억|만|万))?",
    )
});

#[derive(Debug, Clone, Copy)]
struct Num {
    start: usize,
    end: usize,
    value: f64,
    scaled: bool,
}

fn numbers(s: &str) -> Vec<Num> {
    let mut out = Vec::new();
    for c in NUMBER.captures_iter(s) {
        let Some(whole) = c.get(0) else { continue };
        let Some(mut value) = c.get(1).and_then(|m| parse_number(m.as_str())) else {
            continue;
        };
        let mut end = c.get(1).map_or(whole.end(), |m| m.end());
        let mut scaled = false;
        if let Some(sc) = c.get(2) {
            // Single-letter scales ("m", "b", "k") only when glued to the number or followed
            // by a non-letter ("$12m", not "12 members").
            let single = sc.as_str().len() == 1 && sc.as_str().is_ascii();
            let next = s[sc.end()..].chars().next();
            let glued = sc.start() == end;
            if (!single || (glued && next.is_none_or(|ch| !ch.is_ascii_alphabetic())))
                && let Some(f) = scale_of(sc.as_str())
            {
                value *= f;
                end = sc.end();
                scaled = true;
            }
        }
        if scaled
            && let (Some(n2), Some(sc2)) = (c.get(3), c.get(4))
            && let (Some(v2), Some(f2)) = (parse_number(n2.as_str()), scale_of(sc2.as_str()))
        {
            value += v2 * f2;
            end = sc2.end();
        }
        out.push(Num {
            start: c.get(1).map_or(whole.start(), |m| m.start()),
            end,
            value,
            scaled,
        });
    }
    out
}

static CAPACITY_UNIT: LazyLock<Regex> = LazyLock::new(|| {
    static_regex(
        r"^\s*-?\s*(kiloliters?|kilolitres?|kl|kL|KL|liters?|litres?|L|l|ℓ|리터|升|公升)(?:[^A-Za-z]|$)",
    )
});

static MULTIPLIER: LazyLock<Regex> = LazyLock::new(|| {
    static_regex(
        r"(?i)(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty)\s*(?:x|×|\*|units? of|sets? of)?\s*$",
    )
});

fn count_value(w: &str) -> Option<f64> {
    let lw = w.to_ascii_lowercase();
    COUNT_WORDS
        .iter()
        .find(|(n, _)| *n == lw)
        .map(|(_, v)| *v)
        .or_else(|| lw.parse().ok())
}

/// Bioreactor volumes in `sentence`, in litres.
pub fn find_capacities(sentence: &str) -> Vec<CapacityMention> {
    let mut out = Vec::new();
    for n in numbers(sentence) {
        let rest = &sentence[n.end..];
        let Some(unit) = CAPACITY_UNIT.captures(rest) else {
            continue;
        };
        let Some(u) = unit.get(1) else { continue };
        let factor = match u.as_str().to_ascii_lowercase().as_str() {
            "kl" | "kiloliter" | "kiloliters" | "kilolitre" | "kilolitres" => 1000.0,
            _ => 1.0,
        };
        // "L" alone must be a capital (a lower-case "l" is too often something else),
        // unless glued to the number ("15,000l").
        if u.as_str() == "l" && u.start() > 0 {
            continue;
        }
        let mut liters = n.value * factor;
        let mut start = n.start;
        let before = &sentence[..n.start];
        if !n.scaled
            && let Some(m) = MULTIPLIER.captures(before)
            && let (Some(all), Some(count)) = (m.get(0), m.get(1))
        {
            // "2 x 2,000 L", "four 15,000-liter": a count directly before the volume.
            let has_x = all.as_str().contains(['x', '×', '*']) || all.as_str().contains("of");
            let is_word = count.as_str().chars().all(|c| c.is_ascii_alphabetic());
            if (has_x || is_word)
                && let Some(c) = count_value(count.as_str())
            {
                liters *= c;
                start = all.start();
            }
        }
        let lower_before = before.to_ascii_lowercase();
        let tail = super::text::slice(
            &lower_before,
            lower_before.len().saturating_sub(40),
            lower_before.len(),
        );
        let total = [
            "total",
            "combined",
            "overall",
            "aggregate",
            "together",
            "총 ",
            "합계",
            "总",
        ]
        .iter()
        .any(|w| tail.contains(w))
            // "for 23,000 L in total"
            || {
                let after_end = n.end + unit.get(0).map_or(0, |m| m.end());
                let after = sentence[after_end.min(sentence.len())..].to_ascii_lowercase();
                let after = after.trim_start_matches(|c: char| !c.is_alphanumeric());
                ["in total", "in all", "altogether", "combined"]
                    .iter()
                    .any(|w| after.starts_with(w))
            };
        // No bioreactor park holds more than a few million litres; bigger is a misreading.
        if !liters.is_finite() || liters <= 0.0 || liters > 1e8 {
            continue;
        }
        out.push(CapacityMention {
            start,
            end: n.end + unit.get(0).map_or(0, |m| m.end()),
            liters,
            total,
        });
    }
    out
}

/// The facility capacity a sentence states: a stated total, else the largest volume.
pub fn stated_capacity(caps: &[CapacityMention]) -> Option<f64> {
    caps.iter()
        .find(|c| c.total)
        .or_else(|| {
            caps.iter().max_by(|a, b| {
                a.liters
                    .partial_cmp(&b.liters)
                    .unwrap_or(std::cmp::Ordering::Equal)
            })
        })
        .map(|c| c.liters)
}

/// Amounts of money in `sentence`, converted to USD with the fixed rates of `rules`.
pub fn find_money(sentence: &str, rules: &CurrencyRules) -> Vec<MoneyMention> {
    let lower = sentence.to_ascii_lowercase();
    let mut out = Vec::new();
    for n in numbers(sentence) {
        let before = lower[..n.start].trim_end();
        let after = lower[n.end..].trim_start();
        let mut found = None;
        for (code, symbols) in &rules.symbols {
            for sym in symbols {
                let sym_is_word = sym.chars().all(|c| c.is_ascii_alphabetic());
                let pre = before.ends_with(sym.as_str())
                    && (!sym_is_word
                        || before[..before.len() - sym.len()]
                            .chars()
                            .next_back()
                            .is_none_or(|c| !c.is_ascii_alphanumeric()));
                let post = after.starts_with(sym.as_str())
                    && (!sym_is_word
                        || after[sym.len()..]
                            .chars()
                            .next()
                            .is_none_or(|c| !c.is_ascii_alphanumeric()));
                if (pre || post)
                    && found
                        .as_ref()
                        .is_none_or(|(_, l): &(String, usize)| sym.len() > *l)
                {
                    found = Some((code.clone(), sym.len()));
                }
            }
        }
        let Some((currency, _)) = found else { continue };
        // A price per share or per unit ("HK$112.56 apiece", "125,900 won each") is no
        // deal's value.
        let unit_price = ["apiece", "each", "per share", "a share", "per unit"]
            .iter()
            .any(|w| {
                after.starts_with(w) || after.split_once(' ').is_some_and(|(_, r)| r.starts_with(w))
            });
        if unit_price {
            continue;
        }
        let Some(rate) = rules.usd_per_unit.get(&currency) else {
            continue;
        };
        let usd = n.value * rate;
        if !usd.is_finite() || usd > 1e13 {
            continue;
        }
        out.push(MoneyMention {
            start: n.start,
            end: n.end,
            amount: n.value,
            currency,
            usd: usd.round(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cap(s: &str) -> Option<f64> {
        stated_capacity(&find_capacities(s))
    }

    #[test]
    fn capacities_in_the_forms_news_uses() {
        assert_eq!(cap("a capacity of 180,000 liters"), Some(180_000.0));
        assert_eq!(cap("a 180 kL plant"), Some(180_000.0));
        assert_eq!(cap("with 15,000L of bioreactors"), Some(15_000.0));
        assert_eq!(cap("2 x 2,000 L single-use bioreactors"), Some(4_000.0));
        assert_eq!(cap("four 15,000-liter bioreactors"), Some(60_000.0));
        assert_eq!(cap("생산능력 3만 리터 규모"), Some(30_000.0));
        assert_eq!(cap("产能达1.2万升"), Some(12_000.0));
        assert_eq!(cap("two 2,000 L and a total of 10,000 L"), Some(10_000.0));
    }

    #[test]
    fn numbers_without_a_volume_unit_are_not_capacities() {
        assert_eq!(cap("20 years and 130 companies"), None);
        assert_eq!(cap("Plant 4 in Songdo"), None);
    }

    fn usd(s: &str) -> Option<f64> {
        let rules = CurrencyRules::embedded().unwrap();
        find_money(s, &rules).first().map(|m| m.usd)
    }

    #[test]
    fn money_in_dollars_won_and_yuan() {
        assert_eq!(usd("a deal worth $1.2 billion"), Some(1.2e9));
        assert_eq!(usd("US$ 12 million"), Some(12e6));
        assert_eq!(usd("USD 12 million"), Some(12e6));
        assert_eq!(
            usd("KRW 1.46 trillion"),
            Some((1.46e12 * 0.00075f64).round())
        );
        assert_eq!(
            usd("1조 4,600억 원 규모"),
            Some((1.46e12 * 0.00075f64).round())
        );
        assert_eq!(usd("投资12亿元"), Some((12e8 * 0.14f64).round()));
        assert_eq!(usd("100 million yuan"), Some((1e8 * 0.14f64).round()));
        assert_eq!(usd("$12m upfront"), Some(12e6));
    }

    #[test]
    fn prices_per_share_are_not_money() {
        assert_eq!(usd("at HK$112.56 apiece"), None);
        assert_eq!(usd("at 125,900 won each"), None);
        assert!(usd("for $5 million").is_some());
    }

    #[test]
    fn plain_numbers_are_not_money() {
        assert_eq!(usd("more than 130 companies"), None);
    }
}
