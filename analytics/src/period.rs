//! Periods of a time series (month, quarter, year): how a partial date falls into one, and
//! how a period is written ("2024", "2024-Q1", "2024-03").
//! A date known only to the year falls in its year and in no month or quarter.

use serde::Serialize;

/// The length of a series' periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Period {
    Month,
    Quarter,
    Year,
}

impl Period {
    /// The integer key of a period: `year`, `year*10 + quarter` or `year*100 + month`;
    /// None when the date is not precise enough for this period.
    pub fn key(self, year: i32, month: Option<u32>) -> Option<i64> {
        let y = i64::from(year);
        match (self, month) {
            (Period::Year, _) => Some(y),
            (Period::Quarter, Some(m)) => Some(y * 10 + i64::from((m - 1) / 3 + 1)),
            (Period::Month, Some(m)) => Some(y * 100 + i64::from(m)),
            (_, None) => None,
        }
    }

    /// The key of the same period one year earlier.
    pub fn year_before(self, key: i64) -> i64 {
        match self {
            Period::Year => key - 1,
            Period::Quarter => key - 10,
            Period::Month => key - 100,
        }
    }

    /// The label of a key: "2024", "2024-Q1" or "2024-03".
    pub fn label(self, key: i64) -> String {
        match self {
            Period::Year => key.to_string(),
            Period::Quarter => format!("{}-Q{}", key / 10, key % 10),
            Period::Month => format!("{}-{:02}", key / 100, key % 100),
        }
    }
}

/// The month of a stored date when its precision says the month is known.
pub fn known_month(date: chrono::NaiveDate, precision: Option<&str>) -> Option<u32> {
    use chrono::Datelike;
    match precision {
        Some("month") | Some("day") => Some(date.month()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_only_date_has_a_year_key_but_no_month_or_quarter_key() {
        assert_eq!(Period::Year.key(2024, None), Some(2024));
        assert_eq!(Period::Quarter.key(2024, None), None);
        assert_eq!(Period::Month.key(2024, None), None);
    }

    #[test]
    fn keys_are_labelled_as_iso_like_periods() {
        assert_eq!(
            Period::Quarter.label(Period::Quarter.key(2024, Some(3)).unwrap()),
            "2024-Q1"
        );
        assert_eq!(
            Period::Quarter.label(Period::Quarter.key(2024, Some(10)).unwrap()),
            "2024-Q4"
        );
        assert_eq!(
            Period::Month.label(Period::Month.key(2024, Some(3)).unwrap()),
            "2024-03"
        );
        assert_eq!(Period::Month.year_before(202403), 202303);
        assert_eq!(Period::Quarter.year_before(20241), 20231);
    }

    #[test]
    fn only_month_or_day_precision_gives_a_month() {
        let d = chrono::NaiveDate::from_ymd_opt(2024, 5, 1).unwrap();
        assert_eq!(known_month(d, Some("year")), None);
        assert_eq!(known_month(d, Some("month")), Some(5));
        assert_eq!(known_month(d, None), None);
    }
}
