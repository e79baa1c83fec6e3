//! Calendar arithmetic for the simulator: GoPay's `yyyy-MM-dd` dates and timestamps in UTC.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

/// A calendar day (proleptic Gregorian), ordered chronologically.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Date {
    year: i64,
    month: u32,
    day: u32,
}

impl Date {
    /// Parses exactly `yyyy-MM-dd` and checks that the day exists.
    pub(crate) fn parse(text: &str) -> Option<Date> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let number = |range: std::ops::Range<usize>| -> Option<u32> {
            let part = text.get(range)?;
            if part.bytes().all(|b| b.is_ascii_digit()) {
                part.parse().ok()
            } else {
                None
            }
        };
        let year = i64::from(number(0..4)?);
        let month = number(5..7)?;
        let day = number(8..10)?;
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// The UTC day of `time`.
    pub(crate) fn of(time: SystemTime) -> Date {
        let (days, _) = split(time);
        from_days(days)
    }

    /// Today in UTC.
    pub(crate) fn today() -> Date {
        Date::of(SystemTime::now())
    }

    /// The year.
    pub(crate) fn year(&self) -> i64 {
        self.year
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// `time` as GoPay writes timestamps, in UTC: `2025-03-04T09:15:22.481+0000`.
pub(crate) fn timestamp(time: SystemTime) -> String {
    written(time, "+0000")
}

/// `time` in RFC 3339, in UTC with milliseconds: `2025-03-04T09:15:22.481Z`.
pub(crate) fn rfc3339(time: SystemTime) -> String {
    written(time, "Z")
}

/// `time` in UTC to the millisecond, followed by `zone`.
fn written(time: SystemTime, zone: &str) -> String {
    let (days, millis_of_day) = split(time);
    let date = from_days(days);
    let seconds = millis_of_day / 1000;
    format!(
        "{date}T{:02}:{:02}:{:02}.{:03}{zone}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60,
        millis_of_day % 1000
    )
}

/// The current time as a GoPay timestamp.
pub(crate) fn now_timestamp() -> String {
    timestamp(SystemTime::now())
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Whole days since 1970-01-01 and milliseconds into that day (times before 1970 count as
/// 1970-01-01: the simulator never produces them).
fn split(time: SystemTime) -> (i64, u64) {
    let millis = time
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    let millis = u64::try_from(millis).unwrap_or(u64::MAX);
    let days = i64::try_from(millis / 86_400_000).unwrap_or(i64::MAX / 2);
    (days, millis % 86_400_000)
}

/// The calendar day `days` days after 1970-01-01 (non-negative `days`).
///
/// Counts in 400-year cycles of 146 097 days whose years start on 1 March, so that the
/// leap day is the last day of a year and the month lengths repeat every five months.
fn from_days(days: i64) -> Date {
    // 1970-01-01 is day 719 468 counted from 0000-03-01.
    let shifted = days + 719_468;
    let cycle = shifted.div_euclid(146_097);
    let day_of_cycle = shifted.rem_euclid(146_097);
    let year_of_cycle =
        (day_of_cycle - day_of_cycle / 1460 + day_of_cycle / 36_524 - day_of_cycle / 146_096) / 365;
    let day_of_year =
        day_of_cycle - (365 * year_of_cycle + year_of_cycle / 4 - year_of_cycle / 100);
    // Months counted from March: 0 = March ... 11 = February.
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_cycle + cycle * 400 + i64::from(month <= 2);
    Date {
        year,
        month: u32::try_from(month).unwrap_or(1),
        day: u32::try_from(day).unwrap_or(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn days_map_to_calendar_dates() {
        assert_eq!(from_days(0).to_string(), "1970-01-01");
        assert_eq!(from_days(59).to_string(), "1970-03-01");
        assert_eq!(from_days(11_016).to_string(), "2000-02-29");
        assert_eq!(from_days(11_017).to_string(), "2000-03-01");
        assert_eq!(from_days(19_782).to_string(), "2024-02-29");
        assert_eq!(from_days(20_088).to_string(), "2024-12-31");
        assert_eq!(from_days(20_089).to_string(), "2025-01-01");
    }

    #[test]
    fn timestamps_have_gopay_shape() {
        let t = UNIX_EPOCH + Duration::from_millis(1_741_079_722_481);
        assert_eq!(timestamp(t), "2025-03-04T09:15:22.481+0000");
        assert_eq!(rfc3339(t), "2025-03-04T09:15:22.481Z");
    }

    #[test]
    fn parse_checks_the_calendar() {
        assert!(Date::parse("2024-02-29").is_some());
        for bad in [
            "2023-02-29",
            "2025-13-01",
            "2025-00-10",
            "2025-04-31",
            "2025-1-01",
            "25-01-01xx",
            "2025/01/01",
            "2025-01-0a",
            "+025-01-01",
            "",
        ] {
            assert!(Date::parse(bad).is_none(), "{bad}");
        }
        assert!(Date::parse("2025-01-02") > Date::parse("2025-01-01"));
        assert!(Date::parse("2099-12-31") > Some(Date::today()));
    }
}
