//! Umm al-Qura Hijri dates for display, converted by ICU4X's calendar
//! (`icu_calendar`), whose Umm al-Qura month lengths come from the official
//! table for 1300–1600 AH. No conversion table is kept here.

use std::fmt;

use icu_calendar::cal::Hijri;
use icu_calendar::types::RataDie;

use hawiya_core::Date;

/// A day in the Umm al-Qura Hijri calendar, the official calendar of Saudi
/// Arabia. Years are AH (Anno Hegirae).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HijriDate {
    /// Year AH, e.g. 1446.
    pub year: i32,
    /// Month 1 (Muharram) to 12 (Dhu al-Hijjah).
    pub month: u8,
    /// Day of the month, 1 to 30.
    pub day: u8,
}

/// The day number of 1970-01-01 counted from 0001-01-01 as day 1
/// (Rata Die), as ICU counts days.
const RATA_DIE_OF_UNIX_EPOCH: i64 = 719_163;

/// The marker written after a Hijri date in Arabic ("هـ", for hijri).
pub const HIJRI_MARK: &str = "هـ";

impl HijriDate {
    /// The Umm al-Qura day that is the Gregorian `date`.
    pub fn from_gregorian(date: Date) -> HijriDate {
        // Through the day count, which every `Date` has: no fallible step.
        let rd = RataDie::new(RATA_DIE_OF_UNIX_EPOCH + date.days_since_epoch());
        let hijri = icu_calendar::Date::from_rata_die(rd, Hijri::new_umm_al_qura());
        HijriDate {
            year: hijri.era_year().year,
            month: hijri.month().ordinal,
            day: hijri.day_of_month().0,
        }
    }

    /// The date as shown on the card: `1446/05/23 هـ`, year first, with
    /// Latin digits like the document number and the Gregorian dates beside
    /// it. Laid out right to left, the number reads first and the marker
    /// follows it on the left.
    pub fn display_ar(&self) -> String {
        format!("{self} {HIJRI_MARK}")
    }
}

/// `1446/05/23`.
impl fmt::Display for HijriDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}/{:02}/{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hijri(y: i32, m: u32, d: u32) -> HijriDate {
        HijriDate::from_gregorian(Date::new(y, m, d).unwrap())
    }

    #[test]
    fn known_days() {
        // 1 Ramadan 1445 was Monday 11 March 2024 in the Umm al-Qura calendar.
        assert_eq!(
            hijri(2024, 3, 11),
            HijriDate {
                year: 1445,
                month: 9,
                day: 1
            }
        );
        // 1 Muharram 1446 was Sunday 7 July 2024.
        assert_eq!(hijri(2024, 7, 7).to_string(), "1446/01/01");
        assert_eq!(hijri(2024, 7, 6).to_string(), "1445/12/30");
    }

    #[test]
    fn every_day_of_a_century_moves_forward_by_one() {
        // Consecutive Gregorian days give consecutive Hijri days: day + 1,
        // or day 1 of the next month after a 29- or 30-day month.
        let start = Date::new(2000, 1, 1).unwrap().days_since_epoch();
        let mut previous = HijriDate::from_gregorian(Date::new(1999, 12, 31).unwrap());
        for offset in 0..36_525 {
            let day = Date::from_days_since_epoch(start + offset).unwrap();
            let next = HijriDate::from_gregorian(day);
            let follows = if next.day == 1 {
                (29..=30).contains(&previous.day)
                    && (next.month == previous.month + 1
                        || (next.month == 1
                            && previous.month == 12
                            && next.year == previous.year + 1))
            } else {
                next.day == previous.day + 1
                    && next.month == previous.month
                    && next.year == previous.year
            };
            assert!(follows, "{previous} then {next} on {day}");
            previous = next;
        }
    }

    #[test]
    fn the_day_count_matches_icu_gregorian() {
        for (y, m, d) in [(1970, 1, 1), (1, 1, 1), (2024, 2, 29), (9999, 12, 31)] {
            let date = Date::new(y, m, d).unwrap();
            let rd = RataDie::new(RATA_DIE_OF_UNIX_EPOCH + date.days_since_epoch());
            let iso = icu_calendar::Date::try_new_iso(y, m as u8, d as u8).unwrap();
            assert_eq!(iso.to_rata_die(), rd, "{date}");
        }
    }

    #[test]
    fn display_puts_the_marker_after_the_number() {
        assert_eq!(hijri(2024, 7, 7).display_ar(), "1446/01/01 هـ");
    }

    #[test]
    fn extreme_dates_convert() {
        for (y, m, d) in [(1, 1, 1), (9999, 12, 31), (1900, 2, 28)] {
            let h = hijri(y, m, d);
            assert!(
                (1..=12).contains(&h.month) && (1..=30).contains(&h.day),
                "{h}"
            );
        }
    }
}
