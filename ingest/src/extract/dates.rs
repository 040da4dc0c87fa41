//! Date expressions in English, Korean and Chinese news, absolute ("March 17, 2022",
//! "2024년 3월 17일", "2025年1月15日") and relative to publication ("on the 17th", "in July
//! of last year", "지난해 9월", "去年7月"), resolved to partial dates.

use std::sync::LazyLock;

use cdmo_store::PartialDate;
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use regex::{Regex, RegexSet};

use super::text::static_regex;

/// A date found in a sentence, with its byte span.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DateMention {
    pub start: usize,
    pub end: usize,
    pub date: PartialDate,
    /// Resolved against the publication date rather than stated in full.
    pub relative: bool,
}

const MONTH: &str = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?";

pub fn month_number(name: &str) -> Option<u32> {
    let n = name.to_ascii_lowercase();
    let m = match n.get(..3)? {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "may" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" => 10,
        "nov" => 11,
        "dec" => 12,
        _ => return None,
    };
    Some(m)
}

#[derive(Clone, Copy)]
enum Rule {
    /// Year, month, day groups.
    Ymd,
    /// Month name, day, year.
    MonthDayYear,
    /// Day, month name, year.
    DayMonthYear,
    /// Month name, year.
    MonthYear,
    /// Month name, day + last/this/that year.
    MonthDayRelYear,
    /// Month name + last/this year.
    MonthRelYear,
    /// last/this + month name.
    RelMonth,
    /// Month name, day; the year from publication.
    MonthDay,
    /// Year, month (CJK).
    YearMonth,
    /// Month, day (CJK); the year from publication.
    CjkMonthDay,
    /// "the 17th" / "17일": a day of the publication month.
    DayOfMonth,
    /// A weekday near the publication date.
    Weekday,
    /// last year + month number (CJK).
    LastYearMonth,
    /// this year + month number (CJK).
    ThisYearMonth,
    /// "beginning of the (new) year" → January of publication year.
    YearStart,
    /// "that year", "later that year", "the same year": the year the text last named.
    ThatYear,
    /// "that month", "the same month": the month the text last named.
    ThatMonth,
    /// "a day later", "the next day": the day after the date the text last named.
    DayLater,
    /// "a month later", "two months later", "a year later": counted from the date the text
    /// last named.
    Later,
    /// last year / 지난해 / 去年.
    LastYear,
    /// this year / 올해 / 今年.
    ThisYear,
    /// last month / 지난달 / 上个月.
    LastMonth,
    /// this month / 이달 / 本月.
    ThisMonth,
    /// yesterday / 어제 / 昨天.
    Yesterday,
    /// today / 오늘 / 今天.
    Today,
    /// A bare year in a date context ("in 2022", "2022년", "2022年").
    Year,
    /// "in July": a month, the year from publication.
    InMonth,
}

static SPECS: LazyLock<Vec<(String, Rule)>> = LazyLock::new(|| {
    let m = MONTH;
    let specs: Vec<(String, Rule)> = vec![
        (r"(?-u:\b)(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?-u:\b)".into(), Rule::Ymd),
        (r"(\d{4})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일".into(), Rule::Ymd),
        (r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]".into(), Rule::Ymd),
        (format!(r"(?i)(?-u:\b){m}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})(?-u:\b)"), Rule::MonthDayYear),
        (format!(r"(?i)(?-u:\b)(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{m},?\s+(\d{{4}})(?-u:\b)"), Rule::DayMonthYear),
        (format!(r"(?i)(?-u:\b){m}\s+(?:of\s+)?(\d{{4}})(?-u:\b)"), Rule::MonthYear),
        (format!(r"(?i)(?-u:\b){m}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?:of\s+)?(last|this|the\s+previous|the\s+same|that)\s+year(?-u:\b)"), Rule::MonthDayRelYear),
                (format!(r"(?i)(?-u:\b){m}\s+(?:of\s+)?(last|this|the\s+previous|the\s+same|that)\s+year(?-u:\b)"), Rule::MonthRelYear),
                (r"(?i)(?-u:\b)(?:later\s+|earlier\s+)?(?:that|the\s+same)\s+year(?-u:\b)".into(), Rule::ThatYear),
        (r"(?i)(?-u:\b)(?:a|one)\s+day\s+later(?-u:\b)|(?-u:\b)the\s+(?:next|following)\s+day(?-u:\b)".into(), Rule::DayLater),
        (format!(r"(?i)(?-u:\b)(last|this|past)\s+{m}(?-u:\b)"), Rule::RelMonth),
        (r"(\d{4})\s*년\s*(\d{1,2})\s*월".into(), Rule::YearMonth),
        (r"(\d{4})\s*年\s*(\d{1,2})\s*月".into(), Rule::YearMonth),
        (r"(?:지난해|작년|지난 해)\s*(\d{1,2})\s*월".into(), Rule::LastYearMonth),
        (r"去年\s*(\d{1,2})\s*月".into(), Rule::LastYearMonth),
        (r"(?:올해|금년)\s*(\d{1,2})\s*월".into(), Rule::ThisYearMonth),
        (r"今年\s*(\d{1,2})\s*月".into(), Rule::ThisYearMonth),
        (r"(\d{1,2})\s*월\s*(\d{1,2})\s*일".into(), Rule::CjkMonthDay),
        (r"(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]".into(), Rule::CjkMonthDay),
        (format!(r"(?i)(?-u:\b){m}\s+(\d{{1,2}})(?:st|nd|rd|th)?(?-u:\b)"), Rule::MonthDay),
        (r"(?i)(?-u:\b)(?:on\s+)?the\s+(\d{1,2})(?:st|nd|rd|th)(?-u:\b)".into(), Rule::DayOfMonth),
        (r"(?:^|[^\d월])(\d{1,2})일".into(), Rule::DayOfMonth),
        (r"(?i)(?-u:\b)(?:on\s+|last\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?-u:\b)".into(), Rule::Weekday),
        (r"(?i)(?-u:\b)(?:the\s+)?(?:beginning|start|turn)\s+of\s+(?:the\s+)?(?:new\s+)?year(?-u:\b)|(?-u:\b)new\s+year(?-u:\b)|연초|새해|年初|新年伊始|开年".into(), Rule::YearStart),
        (r"(?i)(?-u:\b)last\s+year(?-u:\b)|(?-u:\b)the\s+previous\s+year(?-u:\b)|지난해|작년|去年".into(), Rule::LastYear),
        (r"(?i)(?-u:\b)this\s+year(?-u:\b)|(?-u:\b)earlier\s+this\s+year(?-u:\b)|올해|금년|今年".into(), Rule::ThisYear),
        (r"(?i)(?-u:\b)last\s+month(?-u:\b)|지난달|上个月|上月".into(), Rule::LastMonth),
        (r"(?i)(?-u:\b)(?:earlier\s+)?this\s+month(?-u:\b)|이달|이번 달|本月".into(), Rule::ThisMonth),
        (r"(?i)(?-u:\b)yesterday(?-u:\b)|어제|昨天|昨日".into(), Rule::Yesterday),
        (r"(?i)(?-u:\b)today(?-u:\b)|오늘|今天|今日".into(), Rule::Today),
        (format!(r"(?i)(?-u:\b)in\s+(?:early\s+|late\s+|mid-?\s*)?{m}(?-u:\b)"), Rule::InMonth),
        (r"(?i)(?-u:\b)(?:in|since|during|of|from|early|late|mid-?|end\s+of|year)\s+((?:19|20)\d{2})(?-u:\b)".into(), Rule::Year),
        (r"((?:19|20)\d{2})\s*(?:년|年)".into(), Rule::Year),
        // Last, so that the date they count from is found first.
        (r"(?i)(?-u:\b)(?:later\s+|earlier\s+)?(?:that|the\s+same)\s+month(?-u:\b)".into(), Rule::ThatMonth),
        (r"(?i)(?-u:\b)(a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|\d{1,2})\s+(months?|years?)\s+later(?-u:\b)".into(), Rule::Later),
    ];
    specs
});

static RULES: LazyLock<Vec<(Regex, Rule)>> = LazyLock::new(|| {
    SPECS
        .iter()
        .map(|(re, rule)| (static_regex(re), *rule))
        .collect()
});

/// Which rules can match at all, found in one pass, so that a sentence without a date
/// costs one scan instead of one per rule.
static PREFILTER: LazyLock<Option<RegexSet>> =
    LazyLock::new(|| RegexSet::new(SPECS.iter().map(|(re, _)| re.as_str())).ok());

fn ymd_or_month(y: i32, m: u32, d: Option<u32>) -> Option<PartialDate> {
    match d {
        Some(d) => PartialDate::day(y, m, d).ok(),
        None => PartialDate::month(y, m).ok(),
    }
}

fn num(s: Option<regex::Match<'_>>) -> Option<u32> {
    s?.as_str().parse().ok()
}

fn shift_months(year: i32, month: u32, delta: i32) -> (i32, u32) {
    let total = year * 12 + (month as i32 - 1) + delta;
    (total.div_euclid(12), (total.rem_euclid(12) + 1) as u32)
}

/// The most recent `month` (optionally `day`) on or shortly after publication: news
/// reports the past, so "March 3" in an article of February means last March.
fn infer_year(published: PartialDate, month: u32, day: Option<u32>) -> Option<PartialDate> {
    let py = published.get_year();
    let Some(pm) = published.get_month() else {
        return ymd_or_month(py, month, day).map(|d| d.truncate(cdmo_store::Precision::Year));
    };
    let year = if month > pm + 1 { py - 1 } else { py };
    ymd_or_month(year, month, day)
}

fn resolve(
    rule: Rule,
    caps: &regex::Captures<'_>,
    published: Option<PartialDate>,
    context: Option<PartialDate>,
) -> Option<(PartialDate, bool)> {
    let context_year = context.map(|c| c.get_year());
    use cdmo_store::Precision;
    let g = |i: usize| caps.get(i);
    let abs = |d: Option<PartialDate>| d.map(|d| (d, false));
    let rel = |d: Option<PartialDate>| d.map(|d| (d, true));
    match rule {
        Rule::Ymd => abs(ymd_or_month(
            num(g(1))? as i32,
            num(g(2))?,
            Some(num(g(3))?),
        )),
        Rule::MonthDayYear => abs(ymd_or_month(
            num(g(3))? as i32,
            month_number(g(1)?.as_str())?,
            Some(num(g(2))?),
        )),
        Rule::DayMonthYear => abs(ymd_or_month(
            num(g(3))? as i32,
            month_number(g(2)?.as_str())?,
            Some(num(g(1))?),
        )),
        Rule::MonthYear => abs(ymd_or_month(
            num(g(2))? as i32,
            month_number(g(1)?.as_str())?,
            None,
        )),
        Rule::YearMonth => abs(ymd_or_month(num(g(1))? as i32, num(g(2))?, None)),
        Rule::MonthRelYear | Rule::MonthDayRelYear => {
            let p = published?;
            let m = month_number(g(1)?.as_str())?;
            let (day, which) = if matches!(rule, Rule::MonthDayRelYear) {
                (Some(num(g(2))?), g(3)?.as_str().to_ascii_lowercase())
            } else {
                (None, g(2)?.as_str().to_ascii_lowercase())
            };
            let y = if which == "that" || which.contains("same") {
                context_year?
            } else if which == "this" {
                p.get_year()
            } else {
                p.get_year() - 1
            };
            rel(ymd_or_month(y, m, day))
        }
        Rule::RelMonth => {
            let p = published?;
            let m = month_number(g(2)?.as_str())?;
            let which = g(1)?.as_str().to_ascii_lowercase();
            let y = match (which.as_str(), p.get_month()) {
                ("this", _) => p.get_year(),
                (_, Some(pm)) if m < pm => p.get_year(),
                _ => p.get_year() - 1,
            };
            rel(ymd_or_month(y, m, None))
        }
        Rule::LastYearMonth => rel(ymd_or_month(published?.get_year() - 1, num(g(1))?, None)),
        Rule::ThisYearMonth => rel(ymd_or_month(published?.get_year(), num(g(1))?, None)),
        Rule::MonthDay => rel(infer_year(
            published?,
            month_number(g(1)?.as_str())?,
            Some(num(g(2))?),
        )),
        Rule::CjkMonthDay => rel(infer_year(published?, num(g(1))?, Some(num(g(2))?))),
        Rule::InMonth => rel(infer_year(published?, month_number(g(1)?.as_str())?, None)),
        Rule::DayOfMonth => {
            let p = published?;
            let day = num(g(1))?;
            if !(1..=31).contains(&day) {
                return None;
            }
            match (p.get_month(), p.get_day()) {
                (Some(m), Some(pd)) => {
                    let (y, m) = if day > pd + 1 {
                        shift_months(p.get_year(), m, -1)
                    } else {
                        (p.get_year(), m)
                    };
                    rel(PartialDate::day(y, m, day).ok())
                }
                (Some(m), None) => rel(PartialDate::month(p.get_year(), m).ok()),
                _ => rel(PartialDate::year(p.get_year()).ok()),
            }
        }
        Rule::Weekday => {
            let p = published?;
            if p.precision() != Precision::Day {
                return None;
            }
            let wd = match g(1)?.as_str().to_ascii_lowercase().as_str() {
                "monday" => Weekday::Mon,
                "tuesday" => Weekday::Tue,
                "wednesday" => Weekday::Wed,
                "thursday" => Weekday::Thu,
                "friday" => Weekday::Fri,
                "saturday" => Weekday::Sat,
                _ => Weekday::Sun,
            };
            let mut d = p.first_day();
            for _ in 0..7 {
                if d.weekday() == wd {
                    return rel(Some(PartialDate::from_naive(d)));
                }
                d -= Duration::days(1);
            }
            None
        }
        Rule::YearStart => rel(PartialDate::month(published?.get_year(), 1).ok()),
        Rule::ThatYear => rel(PartialDate::year(context_year?).ok()),
        Rule::ThatMonth => {
            let c = context?;
            rel(PartialDate::month(c.get_year(), c.get_month()?).ok())
        }
        Rule::DayLater => {
            let c = context?;
            if c.precision() != Precision::Day {
                return None;
            }
            rel(Some(PartialDate::from_naive(
                c.first_day() + Duration::days(1),
            )))
        }
        Rule::Later => {
            let c = context?;
            let n: i32 = match caps.get(1)?.as_str().to_ascii_lowercase().as_str() {
                "a" | "one" => 1,
                "two" => 2,
                "three" => 3,
                "four" => 4,
                "five" => 5,
                "six" => 6,
                "seven" => 7,
                "eight" => 8,
                "nine" => 9,
                "ten" => 10,
                "eleven" => 11,
                d => d.parse().ok()?,
            };
            if caps
                .get(2)?
                .as_str()
                .to_ascii_lowercase()
                .starts_with("year")
            {
                return rel(PartialDate::year(c.get_year() + n).ok());
            }
            let m0 = c.get_month()? as i32 - 1 + n;
            rel(PartialDate::month(
                c.get_year() + m0.div_euclid(12),
                (m0.rem_euclid(12) + 1) as u32,
            )
            .ok())
        }
        Rule::LastYear => rel(PartialDate::year(published?.get_year() - 1).ok()),
        Rule::ThisYear => rel(PartialDate::year(published?.get_year()).ok()),
        Rule::LastMonth => {
            let p = published?;
            let m = p.get_month()?;
            let (y, m) = shift_months(p.get_year(), m, -1);
            rel(PartialDate::month(y, m).ok())
        }
        Rule::ThisMonth => {
            let p = published?;
            rel(PartialDate::month(p.get_year(), p.get_month()?).ok())
        }
        Rule::Yesterday | Rule::Today => {
            let p = published?;
            if p.precision() != Precision::Day {
                return None;
            }
            let d: NaiveDate = p.first_day();
            let d = if matches!(rule, Rule::Yesterday) {
                d - Duration::days(1)
            } else {
                d
            };
            rel(Some(PartialDate::from_naive(d)))
        }
        Rule::Year => abs(PartialDate::year(num(g(1))? as i32).ok()),
    }
}

/// Words without which no rule can match (every rule needs a digit or one of these), checked
/// with one automaton pass before any regular expression runs.
static HINTS: LazyLock<Option<aho_corasick::AhoCorasick>> = LazyLock::new(|| {
    aho_corasick::AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .build([
            "jan",
            "feb",
            "mar",
            "apr",
            "may",
            "jun",
            "jul",
            "aug",
            "sep",
            "oct",
            "nov",
            "dec",
            "year",
            "month",
            "day later",
            "next day",
            "following day",
            "today",
            "yesterday",
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
            "지난해",
            "작년",
            "올해",
            "금년",
            "연초",
            "새해",
            "지난달",
            "이달",
            "이번 달",
            "어제",
            "오늘",
            "年",
            "月",
            "今天",
            "今日",
            "昨天",
            "昨日",
            "本月",
            "上月",
            "上个月",
            "开年",
        ])
        .ok()
});

fn might_hold_a_date(s: &str) -> bool {
    s.bytes().any(|b| b.is_ascii_digit()) || HINTS.as_ref().is_none_or(|h| h.is_match(s))
}

/// Every date expression in `sentence`, most specific first where they overlap, sorted by
/// position. Relative expressions need `published`; without it they are skipped.
pub fn find_dates(sentence: &str, published: Option<PartialDate>) -> Vec<DateMention> {
    find_dates_after(sentence, published, None)
}

/// `find_dates`, with "that year" and "a day later" resolved against `context` (the date
/// the text named last before this sentence) or a date named earlier in this sentence.
pub fn find_dates_after(
    sentence: &str,
    published: Option<PartialDate>,
    context: Option<PartialDate>,
) -> Vec<DateMention> {
    let mut found: Vec<DateMention> = Vec::new();
    if !might_hold_a_date(sentence) {
        return found;
    }
    let candidates = PREFILTER.as_ref().map(|set| set.matches(sentence));
    let mut blocked: Vec<(usize, usize)> = Vec::new();
    for (i, (re, rule)) in RULES.iter().enumerate() {
        if candidates.as_ref().is_some_and(|c| !c.matched(i)) {
            continue;
        }
        for caps in re.captures_iter(sentence) {
            let Some(whole) = caps.get(0) else { continue };
            let (start, end) = (whole.start(), whole.end());
            if found.iter().any(|f| start < f.end && f.start < end)
                || blocked.iter().any(|&(s, e)| start < e && s < end)
            {
                continue;
            }
            // "the 14th Five-Year Plan", "the 5th round": an ordinal before a noun.
            if matches!(rule, Rule::DayOfMonth) && ordinal_of_noun(&sentence[end..]) {
                continue;
            }
            // "last December, … that month": a relative month is context for "that month".
            let context = found
                .iter()
                .filter(|f| {
                    f.end <= start && (!f.relative || matches!(rule, Rule::ThatMonth | Rule::Later))
                })
                .max_by_key(|f| f.end)
                .map(|f| f.date)
                .or(context);
            match resolve(*rule, &caps, published, context) {
                Some((date, relative)) => found.push(DateMention {
                    start,
                    end,
                    date,
                    relative,
                }),
                // "May of that year" with no year to refer to is not "May" of publication.
                None if matches!(
                    rule,
                    Rule::MonthRelYear
                        | Rule::MonthDayRelYear
                        | Rule::ThatYear
                        | Rule::ThatMonth
                        | Rule::Later
                        | Rule::DayLater
                ) =>
                {
                    blocked.push((start, end));
                }
                None => {}
            }
        }
    }
    found.sort_by_key(|d| d.start);
    coordinated_years(sentence, &mut found);
    found
}

/// True when the text after an ordinal goes on with the noun it counts ("Five-Year Plan",
/// "round", "anniversary") rather than closing a date.
fn ordinal_of_noun(after: &str) -> bool {
    let Some(rest) = after.strip_prefix(' ') else {
        return false;
    };
    let word: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '-')
        .collect();
    word.starts_with(|c: char| c.is_uppercase())
        || [
            "five-year",
            "round",
            "anniversary",
            "edition",
            "annual",
            "century",
            "time",
            "meeting",
            "session",
            "largest",
            "biggest",
            "batch",
            "plant",
            "generation",
        ]
        .contains(&word.to_lowercase().as_str())
}

/// "in 2015 and 2018", "in 2019, 2021 or 2023": bare years listed after a year take its
/// preposition, so each is a date of its own.
fn coordinated_years(sentence: &str, found: &mut Vec<DateMention>) {
    static NEXT: LazyLock<Regex> =
        LazyLock::new(|| static_regex(r"^(?:,\s*|,?\s+(?:and|or)\s+)((?:19|20)\d{2})(?-u:\b)"));
    let mut added = Vec::new();
    for d in found.iter() {
        if d.relative || d.date.precision() != cdmo_store::Precision::Year {
            continue;
        }
        let mut end = d.end;
        while let Some(c) = NEXT.captures(&sentence[end..]) {
            let (Some(whole), Some(y)) = (c.get(0), c.get(1)) else {
                break;
            };
            let Some(date) = y
                .as_str()
                .parse()
                .ok()
                .and_then(|y| PartialDate::year(y).ok())
            else {
                break;
            };
            added.push(DateMention {
                start: end + y.start(),
                end: end + whole.end(),
                date,
                relative: false,
            });
            end += whole.end();
        }
    }
    if added.is_empty() {
        return;
    }
    added.retain(|n| !found.iter().any(|f| n.start < f.end && f.start < n.end));
    found.extend(added);
    found.sort_by_key(|d| d.start);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(s: &str, published: &str) -> Option<String> {
        let p = published.parse().ok();
        find_dates(s, p).first().map(|d| d.date.to_string())
    }

    #[test]
    fn an_ordinal_before_a_noun_is_no_day() {
        assert_eq!(
            one(
                "released the 14th Five-Year Plan for the bioeconomy",
                "2024-06-12"
            ),
            None
        );
        assert_eq!(
            one("signed on the 14th.", "2024-06-20").as_deref(),
            Some("2024-06-14")
        );
    }

    #[test]
    fn early_mid_and_late_months_are_months() {
        assert_eq!(
            one("disclosed in late September that", "2024-01-08").as_deref(),
            Some("2023-09")
        );
        assert_eq!(
            one("in mid-March", "2024-06-08").as_deref(),
            Some("2024-03")
        );
    }

    #[test]
    fn a_day_of_last_year_keeps_its_day() {
        assert_eq!(
            one(
                "On October 28 last year the bureau issued a plan",
                "2025-02-12"
            )
            .as_deref(),
            Some("2024-10-28")
        );
        assert_eq!(
            one("in March of this year", "2025-06-12").as_deref(),
            Some("2025-03")
        );
    }

    #[test]
    fn listed_years_are_each_a_date() {
        let all: Vec<String> = find_dates(
            "passed inspections in 2015, 2018 and 2021 and 300 more",
            None,
        )
        .iter()
        .map(|d| d.date.to_string())
        .collect();
        assert_eq!(all, ["2015", "2018", "2021"]);
        // A count after a year is no year.
        assert_eq!(find_dates("in 2015 and 3000 litres", None).len(), 1);
    }

    #[test]
    fn a_day_of_the_month_resolves_against_publication() {
        assert_eq!(
            one(
                "Helixmith announced on the 17th that it has obtained",
                "2022-03-18"
            )
            .as_deref(),
            Some("2022-03-17")
        );
        // Published early in April, "the 28th" is last month's.
        assert_eq!(
            one("said on the 28th", "2022-04-02").as_deref(),
            Some("2022-03-28")
        );
        // Only the year is known: the day cannot be placed more precisely.
        assert_eq!(one("announced on the 8th", "2022").as_deref(), Some("2022"));
    }

    #[test]
    fn that_year_is_the_year_named_last() {
        let p: Option<PartialDate> = "2024-06-01".parse().ok();
        let got = |s: &str, ctx| {
            find_dates_after(s, p, ctx)
                .last()
                .map(|d| d.date.to_string())
        };
        let y2022 = "2022".parse().ok();
        assert_eq!(
            got("In May of that year it agreed to buy", y2022).as_deref(),
            Some("2022-05")
        );
        let d = "2021-03-16".parse().ok();
        assert_eq!(
            got("A day later, it agreed to buy", d).as_deref(),
            Some("2021-03-17")
        );
        assert_eq!(
            got("It was founded in 2019 and later that year", None).as_deref(),
            Some("2019")
        );
        // Without a year to refer to, nothing is guessed.
        assert_eq!(got("In May of that year it agreed to buy", None), None);
        let dec = "2020-12".parse().ok();
        assert_eq!(
            got("and Y was handed the same licence that month", dec).as_deref(),
            Some("2020-12")
        );
        assert_eq!(got("the same licence that month", y2022), None);
        let apr = "2020-04".parse().ok();
        assert_eq!(
            got("and a month later it clinched", apr).as_deref(),
            Some("2020-05")
        );
        let nov = "2019-11".parse().ok();
        assert_eq!(
            got("two months later it signed", nov).as_deref(),
            Some("2020-01")
        );
        assert_eq!(got("a year later it signed", nov).as_deref(), Some("2020"));
    }

    #[test]
    fn relative_years_and_months() {
        assert_eq!(
            one("In July of last year, TransReco secured", "2024-01-10").as_deref(),
            Some("2023-07")
        );
        assert_eq!(
            one("In the beginning of the new year, the valley", "2025-01-15").as_deref(),
            Some("2025-01")
        );
        assert_eq!(
            one("지난해 9월 허가를 받았다", "2024-03-02").as_deref(),
            Some("2023-09")
        );
        assert_eq!(one("去年7月获得", "2025-01-15").as_deref(), Some("2024-07"));
        assert_eq!(
            one("said last month", "2024-01-15").as_deref(),
            Some("2023-12")
        );
    }

    #[test]
    fn absolute_dates_in_three_languages() {
        assert_eq!(
            one("on March 17, 2022, it", "2023").as_deref(),
            Some("2022-03-17")
        );
        assert_eq!(
            one("on 17 March 2022", "2023").as_deref(),
            Some("2022-03-17")
        );
        assert_eq!(one("in March 2019", "2023").as_deref(), Some("2019-03"));
        assert_eq!(
            one("2024년 3월 17일 밝혔다", "2025").as_deref(),
            Some("2024-03-17")
        );
        assert_eq!(one("2025年1月15日", "2025").as_deref(), Some("2025-01-15"));
        assert_eq!(
            one("헬릭스미스는 17일 밝혔다", "2022-03-18").as_deref(),
            Some("2022-03-17")
        );
    }

    #[test]
    fn relative_dates_without_a_publication_date_stay_unresolved() {
        assert_eq!(one("said on Monday it is preparing", "").as_deref(), None);
        assert_eq!(one("in July of last year", "").as_deref(), None);
    }

    #[test]
    fn a_weekday_is_the_most_recent_one_up_to_publication() {
        // 2024-05-15 was a Wednesday.
        assert_eq!(
            one("said on Monday", "2024-05-15").as_deref(),
            Some("2024-05-13")
        );
    }

    #[test]
    fn numbers_that_are_not_dates_are_ignored() {
        assert!(find_dates("a capacity of 2,000 liters and 20 years", None).is_empty());
    }
}
