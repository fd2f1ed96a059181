//! Dates as authors write them in front matter (`2026-11-24`, `2026-11-24 08:30`,
//! RFC 3339), checked strictly so a typo fails the build instead of mis-sorting pages.

use std::fmt;

/// A calendar date with an optional time of day and UTC offset (minutes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    pub offset_minutes: i16,
}

impl Date {
    /// Parses `YYYY-MM-DD`, optionally followed by `T` or a space, `HH:MM[:SS]` and `Z` or `±HH:MM`.
    pub fn parse(text: &str) -> Option<Date> {
        let text = text.trim();
        let (date, rest) = text.split_at_checked(10)?;
        let mut parts = date.split('-');
        let year: i32 = digits(parts.next()?, 4)?;
        let month: u8 = digits(parts.next()?, 2)?;
        let day: u8 = digits(parts.next()?, 2)?;
        if parts.next().is_some() || !(1..=12).contains(&month) {
            return None;
        }
        if day == 0 || day > days_in_month(year, month) {
            return None;
        }
        let mut d = Date {
            year,
            month,
            day,
            hour: 0,
            minute: 0,
            second: 0,
            offset_minutes: 0,
        };
        if rest.is_empty() {
            return Some(d);
        }
        let rest = rest.strip_prefix(['T', 't', ' '])?;
        let zone_at = rest.find(['Z', 'z', '+', '-']).unwrap_or(rest.len());
        let (time, zone) = rest.split_at(zone_at);
        let time = time.trim_end();
        let time = time.split('.').next()?; // fractional seconds are accepted and dropped
        let mut hms = time.split(':');
        d.hour = digits(hms.next()?, 2)?;
        d.minute = digits(hms.next()?, 2)?;
        d.second = match hms.next() {
            Some(s) => digits(s, 2)?,
            None => 0,
        };
        if hms.next().is_some() || d.hour > 23 || d.minute > 59 || d.second > 60 {
            return None;
        }
        d.offset_minutes = match zone {
            "" | "Z" | "z" => 0,
            _ => {
                let sign: i16 = if zone.starts_with('-') { -1 } else { 1 };
                // `+08:00`, or without the colon as Jekyll writes it (`+0800`), or hours alone.
                let zone = &zone[1..];
                let (h, m) = match (zone.split_once(':'), zone.len()) {
                    (Some(hm), _) => hm,
                    (None, 4) => zone.split_at(2),
                    (None, 2) => (zone, "00"),
                    _ => return None,
                };
                let (h, m): (i16, i16) = (digits(h, 2)?, digits(m, 2)?);
                if h > 23 || m > 59 {
                    return None;
                }
                sign * (h * 60 + m)
            }
        };
        Some(d)
    }

    /// RFC 3339, as Atom feeds and sitemaps want it.
    pub fn rfc3339(&self) -> String {
        let zone = if self.offset_minutes == 0 {
            "Z".to_owned()
        } else {
            let sign = if self.offset_minutes < 0 { '-' } else { '+' };
            let m = self.offset_minutes.unsigned_abs();
            format!("{sign}{:02}:{:02}", m / 60, m % 60)
        };
        format!(
            "{}T{:02}:{:02}:{:02}{zone}",
            self.ymd(),
            self.hour,
            self.minute,
            self.second
        )
    }

    /// `YYYY-MM-DD`.
    pub fn ymd(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.ymd())
    }
}

fn digits<T: std::str::FromStr>(s: &str, len: usize) -> Option<T> {
    if s.len() == len && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_common_forms() {
        assert_eq!(
            Date::parse("2026-11-24").unwrap().rfc3339(),
            "2026-11-24T00:00:00Z"
        );
        assert_eq!(
            Date::parse("2026-11-24 08:30").unwrap().rfc3339(),
            "2026-11-24T08:30:00Z"
        );
        assert_eq!(
            Date::parse("2026-11-24T08:30:05+08:00").unwrap().rfc3339(),
            "2026-11-24T08:30:05+08:00"
        );
        // Jekyll's form, and an offset in hours alone.
        assert_eq!(
            Date::parse("2020-01-01 10:00:00 +0800").unwrap().rfc3339(),
            "2020-01-01T10:00:00+08:00"
        );
        assert_eq!(
            Date::parse("2020-01-01T10:00:00-05").unwrap().rfc3339(),
            "2020-01-01T10:00:00-05:00"
        );
        assert_eq!(Date::parse("2024-02-29").unwrap().day, 29);
    }

    #[test]
    fn rejects_impossible_dates() {
        for bad in [
            "2026-13-01",
            "2026-02-30",
            "2023-02-29",
            "26-1-1",
            "yesterday",
            "2026-11-24T25:00",
            "2026-11-24 08:30 +080",
            "",
        ] {
            assert!(Date::parse(bad).is_none(), "{bad}");
        }
    }
}
