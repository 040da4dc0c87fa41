//! Dates as news states them: a day, a month or only a year (`YYYY-MM-DD | YYYY-MM | YYYY`),
//! plus ISO country codes. Both validate on construction, so an invalid one cannot exist.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

/// How much of a [`PartialDate`] is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Precision {
    Year,
    Month,
    Day,
}

impl Precision {
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Year => "year",
            Precision::Month => "month",
            Precision::Day => "day",
        }
    }
}

impl FromStr for Precision {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "year" => Ok(Precision::Year),
            "month" => Ok(Precision::Month),
            "day" => Ok(Precision::Day),
            other => Err(DateError(format!(
                "`{other}` is not a date precision (year, month, day)"
            ))),
        }
    }
}

/// A date that is invalid or not in one of the three accepted shapes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DateError(String);

/// A calendar date known to the day, the month or the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartialDate {
    year: i32,
    month: Option<u32>,
    day: Option<u32>,
}

impl PartialDate {
    pub fn year(year: i32) -> Result<Self, DateError> {
        if !(1000..=9999).contains(&year) {
            return Err(DateError(format!("year {year} is out of range")));
        }
        Ok(Self {
            year,
            month: None,
            day: None,
        })
    }

    pub fn month(year: i32, month: u32) -> Result<Self, DateError> {
        let y = Self::year(year)?;
        if !(1..=12).contains(&month) {
            return Err(DateError(format!("month {month} is out of range")));
        }
        Ok(Self {
            month: Some(month),
            ..y
        })
    }

    pub fn day(year: i32, month: u32, day: u32) -> Result<Self, DateError> {
        Self::month(year, month)?;
        NaiveDate::from_ymd_opt(year, month, day)
            .ok_or_else(|| DateError(format!("{year:04}-{month:02}-{day:02} is not a date")))?;
        Ok(Self {
            year,
            month: Some(month),
            day: Some(day),
        })
    }

    pub fn from_naive(date: NaiveDate) -> Self {
        Self {
            year: date.year(),
            month: Some(date.month()),
            day: Some(date.day()),
        }
    }

    /// Rebuilds a date from its stored form: the first day it covers and its precision.
    pub fn from_parts(first_day: NaiveDate, precision: Precision) -> Self {
        let full = Self::from_naive(first_day);
        full.truncate(precision)
    }

    pub fn get_year(&self) -> i32 {
        self.year
    }

    pub fn get_month(&self) -> Option<u32> {
        self.month
    }

    pub fn get_day(&self) -> Option<u32> {
        self.day
    }

    pub fn precision(&self) -> Precision {
        match (self.month, self.day) {
            (Some(_), Some(_)) => Precision::Day,
            (Some(_), None) => Precision::Month,
            _ => Precision::Year,
        }
    }

    /// The same date with at most the given precision.
    pub fn truncate(self, precision: Precision) -> Self {
        match precision.min(self.precision()) {
            Precision::Year => Self {
                month: None,
                day: None,
                ..self
            },
            Precision::Month => Self { day: None, ..self },
            Precision::Day => self,
        }
    }

    /// The first calendar day the date covers; how it is stored and sorted.
    pub fn first_day(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
            .unwrap_or(NaiveDate::MIN)
    }

    /// The last calendar day the date covers.
    pub fn last_day(&self) -> NaiveDate {
        match (self.month, self.day) {
            (Some(m), Some(d)) => NaiveDate::from_ymd_opt(self.year, m, d),
            (Some(m), None) => {
                let (ny, nm) = if m == 12 {
                    (self.year + 1, 1)
                } else {
                    (self.year, m + 1)
                };
                NaiveDate::from_ymd_opt(ny, nm, 1).and_then(|d| d.pred_opt())
            }
            _ => NaiveDate::from_ymd_opt(self.year, 12, 31),
        }
        .unwrap_or(NaiveDate::MAX)
    }

    /// True when both could name the same day: one is the other, or a coarser form of it
    /// (`2022-03` and `2022-03-17`).
    pub fn is_compatible(&self, other: &PartialDate) -> bool {
        let p = self.precision().min(other.precision());
        self.truncate(p) == other.truncate(p)
    }

    /// Of two compatible dates, the more precise.
    pub fn more_precise(self, other: PartialDate) -> PartialDate {
        if other.precision() > self.precision() {
            other
        } else {
            self
        }
    }
}

impl PartialOrd for PartialDate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for PartialDate {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.first_day(), self.precision()).cmp(&(other.first_day(), other.precision()))
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.month, self.day) {
            (Some(m), Some(d)) => write!(f, "{:04}-{m:02}-{d:02}", self.year),
            (Some(m), None) => write!(f, "{:04}-{m:02}", self.year),
            _ => write!(f, "{:04}", self.year),
        }
    }
}

impl FromStr for PartialDate {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || {
            DateError(format!(
                "`{s}` is not a date of the form YYYY-MM-DD, YYYY-MM or YYYY"
            ))
        };
        let parts: Vec<&str> = s.trim().split('-').collect();
        let num = |p: &str, len: usize| -> Result<u32, DateError> {
            if p.len() != len || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            p.parse().map_err(|_| bad())
        };
        let in_range = |e: DateError| DateError(format!("`{s}` is not a valid date: {}", e.0));
        match parts.as_slice() {
            [y] => Self::year(num(y, 4)? as i32).map_err(in_range),
            [y, m] => Self::month(num(y, 4)? as i32, num(m, 2)?).map_err(in_range),
            [y, m, d] => Self::day(num(y, 4)? as i32, num(m, 2)?, num(d, 2)?).map_err(in_range),
            _ => Err(bad()),
        }
    }
}

impl serde::Serialize for PartialDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for PartialDate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// An ISO 3166-1 alpha-2 country code, upper case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Country([u8; 2]);

impl Country {
    pub const KR: Country = Country(*b"KR");
    pub const CN: Country = Country(*b"CN");

    pub fn as_str(&self) -> &str {
        // Both bytes are ASCII letters by construction.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

/// A string that is not an ISO 3166-1 alpha-2 code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an ISO 3166-1 alpha-2 country code")]
pub struct CountryError(String);

impl FromStr for Country {
    type Err = CountryError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let b = s.trim().as_bytes();
        if b.len() == 2 && b.iter().all(|c| c.is_ascii_alphabetic()) {
            Ok(Country([
                b[0].to_ascii_uppercase(),
                b[1].to_ascii_uppercase(),
            ]))
        } else {
            Err(CountryError(s.to_string()))
        }
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Country {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Country {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_shapes_and_prints_them_back() {
        for s in ["2022-03-17", "2022-03", "2022"] {
            assert_eq!(s.parse::<PartialDate>().unwrap().to_string(), s);
        }
    }

    #[test]
    fn rejects_impossible_and_malformed_dates() {
        for s in [
            "2022-02-30",
            "2022-13",
            "22-03-01",
            "2022/03/01",
            "",
            "2022-3-1",
        ] {
            assert!(s.parse::<PartialDate>().is_err(), "{s} should be rejected");
        }
    }

    #[test]
    fn a_coarser_date_is_compatible_with_a_finer_one_in_it() {
        let day: PartialDate = "2022-03-17".parse().unwrap();
        let month: PartialDate = "2022-03".parse().unwrap();
        let other_month: PartialDate = "2022-04".parse().unwrap();
        assert!(day.is_compatible(&month));
        assert!(month.is_compatible(&day));
        assert!(!day.is_compatible(&other_month));
        assert_eq!(month.more_precise(day), day);
    }

    #[test]
    fn stored_parts_rebuild_the_same_date() {
        let month: PartialDate = "2024-07".parse().unwrap();
        let back = PartialDate::from_parts(month.first_day(), month.precision());
        assert_eq!(back, month);
        assert_eq!(month.last_day().to_string(), "2024-07-31");
    }

    #[test]
    fn country_codes_are_upper_cased_and_validated() {
        assert_eq!("kr".parse::<Country>().unwrap(), Country::KR);
        assert!("KOR".parse::<Country>().is_err());
    }
}
