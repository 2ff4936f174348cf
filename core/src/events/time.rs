//! Instants of events: RFC 3339 text with any offset in, UTC milliseconds inside, RFC 3339 UTC
//! out. Written here (about a hundred lines) rather than pulling in a date crate: events need
//! parsing, formatting and arithmetic on instants, nothing calendar-aware beyond that.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An instant, as milliseconds since 1970-01-01T00:00:00Z.
///
/// Parsed from RFC 3339 with any offset (`2026-11-02T03:14:15+08:00`,
/// `2026-11-02T03:14:15.1234567Z`); written as RFC 3339 in UTC with milliseconds.
///
/// ```
/// use mailrisk::events::Timestamp;
/// let t: Timestamp = "2026-11-02T11:14:15+08:00".parse()?;
/// assert_eq!(t.to_string(), "2026-11-02T03:14:15.000Z");
/// assert_eq!(t.unix_millis(), 1_793_589_255_000);
/// # Ok::<(), mailrisk::events::EventError>(())
/// ```
/// The default is the Unix epoch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    /// The instant `ms` milliseconds after the Unix epoch.
    pub fn from_unix_millis(ms: i64) -> Timestamp {
        Timestamp(ms)
    }
    /// Milliseconds since the Unix epoch.
    pub fn unix_millis(self) -> i64 {
        self.0
    }
    /// Parses RFC 3339. With `assume_utc`, a date-time without an offset (as Microsoft 365
    /// writes `CreationTime`) is taken as UTC; otherwise the offset is required.
    pub(crate) fn parse_rfc3339(s: &str, assume_utc: bool) -> Option<Timestamp> {
        let s = s.trim();
        let b = s.as_bytes();
        let num = |from: usize, len: usize| -> Option<i64> {
            let part = b.get(from..from + len)?;
            part.iter()
                .all(u8::is_ascii_digit)
                .then(|| part.iter().fold(0i64, |n, d| n * 10 + i64::from(d - b'0')))
        };
        let sep = |at: usize, allowed: &[u8]| b.get(at).is_some_and(|c| allowed.contains(c));
        if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt ") && sep(13, b":") && sep(16, b":")) {
            return None;
        }
        let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
        let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
        if !(1..=12).contains(&month)
            || day < 1
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 60
        {
            return None;
        }
        let mut i = 19;
        let mut millis = 0i64;
        if b.get(i) == Some(&b'.') {
            i += 1;
            let start = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                if i - start < 3 {
                    millis = millis * 10 + i64::from(b[i] - b'0');
                }
                i += 1;
            }
            if i == start {
                return None;
            }
            for _ in (i - start)..3 {
                millis *= 10;
            }
        }
        let offset_minutes = match b.get(i) {
            Some(b'Z' | b'z') if i + 1 == b.len() => 0,
            Some(&sign @ (b'+' | b'-')) if b.len() == i + 6 && b[i + 3] == b':' => {
                let (h, m) = (num(i + 1, 2)?, num(i + 4, 2)?);
                if h > 23 || m > 59 {
                    return None;
                }
                let o = h * 60 + m;
                if sign == b'-' {
                    -o
                } else {
                    o
                }
            }
            None if assume_utc => 0,
            _ => return None,
        };
        let days = days_from_civil(year, month, day);
        let secs = days * 86_400 + hour * 3_600 + minute * 60 + second.min(59);
        Some(Timestamp((secs - offset_minutes * 60) * 1_000 + millis))
    }

    /// The year (UTC) of this instant.
    pub fn year(self) -> i32 {
        let (y, _, _) = civil_from_days(self.0.div_euclid(1_000).div_euclid(86_400));
        i32::try_from(y).unwrap_or(i32::MAX)
    }

    /// The hour of day (0–23) and weekday (1 = Monday … 7 = Sunday) at a UTC offset.
    pub(crate) fn local_hour_and_weekday(self, offset_minutes: i32) -> (u32, u32) {
        let secs = self.0.div_euclid(1_000) + i64::from(offset_minutes) * 60;
        let days = secs.div_euclid(86_400);
        let hour = (secs.rem_euclid(86_400) / 3_600) as u32;
        // 1970-01-01 was a Thursday (4).
        let weekday = ((days + 3).rem_euclid(7) + 1) as u32;
        (hour, weekday)
    }
}

/// A UTC offset written `±HH:MM` (`+08:00`, `-05:00`), in minutes; `None` for anything else.
///
/// ```
/// assert_eq!(mailrisk::events::parse_utc_offset("+08:00"), Some(480));
/// assert_eq!(mailrisk::events::parse_utc_offset("-03:30"), Some(-210));
/// assert_eq!(mailrisk::events::parse_utc_offset("8"), None);
/// ```
pub fn parse_utc_offset(s: &str) -> Option<i32> {
    let s = s.trim();
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, s.get(1..)?),
        b'-' => (-1, s.get(1..)?),
        _ => return None,
    };
    let (h, m) = rest.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    ((0..=14).contains(&h) && (0..60).contains(&m)).then_some(sign * (h * 60 + m))
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number (inverse of `days_from_civil`).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

impl Timestamp {
    /// The common case (years 0–9999) as RFC 3339 bytes, written digit by digit: every event
    /// verdict carries its time, and the formatting machinery cost more than scoring a quiet
    /// login.
    fn rfc3339_bytes(self) -> Option<[u8; 24]> {
        let secs = self.0.div_euclid(1_000);
        let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
        if !(0..=9999).contains(&y) {
            return None;
        }
        let rem = secs.rem_euclid(86_400);
        let mut b = *b"0000-00-00T00:00:00.000Z";
        let mut put = |at: usize, width: usize, mut v: i64| {
            for i in (at..at + width).rev() {
                b[i] = b'0' + (v % 10) as u8;
                v /= 10;
            }
        };
        put(0, 4, y);
        put(5, 2, m);
        put(8, 2, d);
        put(11, 2, rem / 3_600);
        put(14, 2, rem % 3_600 / 60);
        put(17, 2, rem % 60);
        put(20, 3, self.0.rem_euclid(1_000));
        Some(b)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(b) = self.rfc3339_bytes() {
            return f.write_str(std::str::from_utf8(&b).map_err(|_| fmt::Error)?);
        }
        let secs = self.0.div_euclid(1_000);
        let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
        let rem = secs.rem_euclid(86_400);
        write!(
            f,
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
            rem / 3_600,
            rem % 3_600 / 60,
            rem % 60,
            self.0.rem_euclid(1_000)
        )
    }
}

impl std::str::FromStr for Timestamp {
    type Err = super::EventError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Timestamp::parse_rfc3339(s, false).ok_or_else(|| super::EventError::field("time", s))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Timestamp::parse_rfc3339(&s, false).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "{s:?} is not an RFC 3339 date-time with an offset (2026-11-02T03:14:15Z)"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> i64 {
        Timestamp::parse_rfc3339(s, false).expect(s).unix_millis()
    }

    #[test]
    fn parses_offsets_and_fractions() {
        assert_eq!(t("1970-01-01T00:00:00Z"), 0);
        assert_eq!(t("2026-11-02T03:14:15Z"), 1_793_589_255_000);
        assert_eq!(t("2026-11-02T11:14:15+08:00"), 1_793_589_255_000);
        assert_eq!(t("2026-11-01T22:14:15-05:00"), 1_793_589_255_000);
        assert_eq!(t("2026-11-02T03:14:15.1234567Z"), 1_793_589_255_123);
        assert_eq!(t("2026-11-02T03:14:15.5Z"), 1_793_589_255_500);
        assert_eq!(
            t("2024-02-29T00:00:00Z") - t("2024-02-28T00:00:00Z"),
            86_400_000
        );
        assert!(Timestamp::parse_rfc3339("2026-11-02T03:14:15", false).is_none());
        assert_eq!(
            Timestamp::parse_rfc3339("2026-11-02T03:14:15", true).map(Timestamp::unix_millis),
            Some(1_793_589_255_000)
        );
        for bad in [
            "",
            "2026-13-01T00:00:00Z",
            "2026-02-30T00:00:00Z",
            "2026-11-02T24:00:00Z",
            "2026-11-02T03:14:15.Z",
            "2026-11-02T03:14:15+0800",
            "2026-11-02T03:14:15Zjunk",
            "２０２６-11-02T03:14:15Z",
        ] {
            assert!(Timestamp::parse_rfc3339(bad, true).is_none(), "{bad}");
        }
    }

    #[test]
    fn formats_in_utc_and_round_trips() {
        for ms in [0, 1_793_589_255_123, -86_400_001, 4_102_444_800_000] {
            let s = Timestamp(ms).to_string();
            assert_eq!(t(&s), ms, "{s}");
        }
        // Beyond year 9999 (and before year 0) the general formatter writes it.
        let far = Timestamp(253_402_300_800_000);
        assert_eq!(far.to_string(), "10000-01-01T00:00:00.000Z");
        assert_eq!(Timestamp(0).to_string(), "1970-01-01T00:00:00.000Z");
        assert_eq!(Timestamp(1_793_589_255_000).year(), 2026);
        assert_eq!(Timestamp(-1).year(), 1969);
    }

    #[test]
    fn local_hours_and_weekdays() {
        // 2026-11-02 is a Monday; 03:14Z is 11:14 in Beijing, still Sunday 22:14 in New York.
        let ts = Timestamp(t("2026-11-02T03:14:15Z"));
        assert_eq!(ts.local_hour_and_weekday(0), (3, 1));
        assert_eq!(ts.local_hour_and_weekday(8 * 60), (11, 1));
        assert_eq!(ts.local_hour_and_weekday(-5 * 60), (22, 7));
    }
}
