//! Calendar dates and Unix time, without reading the system clock.
//!
//! Dates travel as a day count since 1970-01-01 (the RFC 8943 epoch), the
//! smallest CBOR form. Time is always passed in by the caller: core logic never
//! reads the clock, so tests and verifiers control it.

use std::fmt;
use std::str::FromStr;

use thiserror::Error;

/// The day after 9999-12-31 as a day count: the largest `iat_day` or
/// `exp_day` a credential or presentation may carry (docs/FORMAT.md §6.2), so
/// `day × 86400` always fits a signed 64-bit number of seconds.
pub const MAX_DAY: u64 = 2_932_897;

/// Seconds in one day.
pub const SECONDS_PER_DAY: i64 = 86_400;

/// A Gregorian calendar date (proleptic), valid from year 1 to 9999.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

/// Why a date could not be built or parsed.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum DateError {
    /// The text is not `YYYY-MM-DD`.
    #[error("date must be written YYYY-MM-DD")]
    Syntax,
    /// Year, month or day is outside the calendar.
    #[error(
        "{year:04}-{month:02}-{day:02} is not a calendar date between 0001-01-01 and 9999-12-31"
    )]
    OutOfRange {
        /// The year given.
        year: i32,
        /// The month given.
        month: u32,
        /// The day given.
        day: u32,
    },
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        _ => 28,
    }
}

impl Date {
    /// Builds a date, checking it exists in the calendar.
    ///
    /// # Errors
    /// [`DateError::OutOfRange`] for a month, day or year outside the calendar.
    pub fn new(year: i32, month: u32, day: u32) -> Result<Date, DateError> {
        let bad = DateError::OutOfRange { year, month, day };
        if !(1..=9999).contains(&year) || !(1..=12).contains(&month) {
            return Err(bad);
        }
        let (m, d) = (month as u8, day as u8);
        if day == 0 || day > u32::from(days_in_month(year, m)) {
            return Err(bad);
        }
        Ok(Date {
            year,
            month: m,
            day: d,
        })
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month, 1 to 12.
    pub fn month(self) -> u32 {
        u32::from(self.month)
    }

    /// The day of the month, 1 to 31.
    pub fn day(self) -> u32 {
        u32::from(self.day)
    }

    /// Days since 1970-01-01 (negative before it).
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date a day count since 1970-01-01 names.
    ///
    /// # Errors
    /// [`DateError::OutOfRange`] outside years 1 to 9999.
    pub fn from_days_since_epoch(days: i64) -> Result<Date, DateError> {
        // Howard Hinnant's civil_from_days, on a range that cannot overflow.
        const MIN: i64 = -719_162; // 0001-01-01
        const MAX: i64 = 2_932_896; // 9999-12-31
        if !(MIN..=MAX).contains(&days) {
            return Err(DateError::OutOfRange {
                year: 0,
                month: 0,
                day: 0,
            });
        }
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date::new(year, month, day)
    }

    /// The UTC date containing a Unix time.
    ///
    /// # Errors
    /// [`DateError::OutOfRange`] outside years 1 to 9999.
    pub fn from_unix(time: UnixTime) -> Result<Date, DateError> {
        Date::from_days_since_epoch(time.0.div_euclid(SECONDS_PER_DAY))
    }

    /// Whole years from `self` (a birth date) to `on`.
    pub fn years_until(self, on: Date) -> i32 {
        let mut years = on.year - self.year;
        if (on.month, on.day) < (self.month, self.day) {
            years -= 1;
        }
        years
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl FromStr for Date {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Date, DateError> {
        let b = s.as_bytes();
        let digits = |r: std::ops::Range<usize>| -> Result<u32, DateError> {
            let part = s.get(r).ok_or(DateError::Syntax)?;
            if part.bytes().all(|c| c.is_ascii_digit()) {
                part.parse().map_err(|_| DateError::Syntax)
            } else {
                Err(DateError::Syntax)
            }
        };
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(DateError::Syntax);
        }
        let year = digits(0..4)? as i32;
        Date::new(year, digits(5..7)?, digits(8..10)?)
    }
}

/// Seconds since 1970-01-01T00:00:00Z, as passed in by the caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnixTime(pub i64);

impl UnixTime {
    /// The first second of a UTC day.
    pub fn start_of(date: Date) -> UnixTime {
        UnixTime(date.days_since_epoch() * SECONDS_PER_DAY)
    }
}

/// Where "now" comes from. Core logic takes a time value; apps and the CLI use
/// a clock at the edge, tests use a fixed one.
pub trait Clock: Send + Sync {
    /// The current time.
    fn now(&self) -> UnixTime;
}

/// The operating system's clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> UnixTime {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        UnixTime(i64::try_from(secs).unwrap_or(i64::MAX))
    }
}

/// A clock that always says the same time (tests, replays of a given moment).
#[derive(Clone, Copy, Debug)]
pub struct FixedClock(pub UnixTime);

impl Clock for FixedClock {
    fn now(&self) -> UnixTime {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_day_numbers() {
        assert_eq!(Date::new(1970, 1, 1).unwrap().days_since_epoch(), 0);
        assert_eq!(Date::new(2000, 3, 1).unwrap().days_since_epoch(), 11_017);
        assert_eq!(Date::new(1969, 12, 31).unwrap().days_since_epoch(), -1);
        assert_eq!(Date::new(2024, 2, 29).unwrap().days_since_epoch(), 19_782);
    }

    #[test]
    fn invalid_dates_are_refused() {
        assert!(Date::new(2023, 2, 29).is_err());
        assert!(Date::new(2024, 13, 1).is_err());
        assert!(Date::new(2024, 4, 31).is_err());
        assert!(Date::new(0, 1, 1).is_err());
        assert_eq!("2024-1-01".parse::<Date>(), Err(DateError::Syntax));
        assert_eq!("2024-01-0x".parse::<Date>(), Err(DateError::Syntax));
        assert_eq!("+024-01-01".parse::<Date>(), Err(DateError::Syntax));
        assert!(Date::from_days_since_epoch(i64::MIN).is_err());
        assert!(Date::from_days_since_epoch(i64::MAX).is_err());
    }

    #[test]
    fn age_counts_whole_years() {
        let dob = Date::new(2006, 3, 15).unwrap();
        assert_eq!(dob.years_until(Date::new(2024, 3, 14).unwrap()), 17);
        assert_eq!(dob.years_until(Date::new(2024, 3, 15).unwrap()), 18);
    }

    proptest! {
        #[test]
        fn day_numbers_round_trip(days in -719_162i64..=2_932_896) {
            let date = Date::from_days_since_epoch(days).unwrap();
            prop_assert_eq!(date.days_since_epoch(), days);
            prop_assert_eq!(date.to_string().parse::<Date>().unwrap(), date);
        }

        #[test]
        fn parsing_arbitrary_text_never_panics(s in ".{0,14}") {
            let _ = s.parse::<Date>();
        }
    }
}
