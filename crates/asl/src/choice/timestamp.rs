//! Timestamps as Step Functions reads them in Choice rules (and Wait's `Timestamp`).
//!
//! AWS's runtime names the format "ISO-8601 extended offset date-time" in its Wait errors, which is
//! the wording of Java's `ISO_OFFSET_DATE_TIME`; this parser follows that formatter: a full date, a
//! `T`, hours and minutes with optional seconds and up to nine fraction digits, and a mandatory
//! offset (`Z` or `±HH:MM[:SS]`). Like that formatter it reads `T` and `Z` case-insensitively and
//! checks calendar fields strictly (no 24:00, no leap second, no February 30). A timestamp with no
//! offset (`2016-12-05T21:29:29`) is rejected, as AWS rejects it.
//!
//! Written by hand rather than with `chrono`/`time`: those follow RFC 3339 exactly (seconds
//! mandatory, other separators allowed), which is not what AWS accepts.

/// A parsed timestamp: the instant in nanoseconds since the Unix epoch (UTC).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    pub epoch_nanos: i128,
}

impl Timestamp {
    /// Milliseconds since the Unix epoch (rounded towards negative infinity).
    pub fn epoch_millis(&self) -> i64 {
        let ms = self.epoch_nanos.div_euclid(1_000_000);
        ms.clamp(i64::MIN as i128, i64::MAX as i128) as i64
    }
}

struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn digits(&mut self, n: usize) -> Option<u32> {
        let end = self.pos.checked_add(n)?;
        let slice = self.bytes.get(self.pos..end)?;
        let mut v = 0u32;
        for b in slice {
            if !b.is_ascii_digit() {
                return None;
            }
            v = v * 10 + u32::from(b - b'0');
        }
        self.pos = end;
        Some(v)
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.bytes.get(self.pos) == Some(&c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn eat_ci(&mut self, c: u8) -> bool {
        match self.bytes.get(self.pos) {
            Some(b) if b.eq_ignore_ascii_case(&c) => {
                self.pos += 1;
                true
            }
            _ => false,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days from 1970-01-01 to the given civil date (proleptic Gregorian).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Parses a timestamp; `None` when the text is not one AWS accepts.
pub fn parse_timestamp(text: &str) -> Option<Timestamp> {
    let mut c = Cursor {
        bytes: text.as_bytes(),
        pos: 0,
    };
    let year = i64::from(c.digits(4)?);
    if !c.eat(b'-') {
        return None;
    }
    let month = c.digits(2)?;
    if !c.eat(b'-') {
        return None;
    }
    let day = c.digits(2)?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    if !c.eat_ci(b'T') {
        return None;
    }
    let hour = c.digits(2)?;
    if !c.eat(b':') {
        return None;
    }
    let minute = c.digits(2)?;
    let mut second = 0;
    let mut nanos: u32 = 0;
    if c.eat(b':') {
        second = c.digits(2)?;
        if c.eat(b'.') {
            let mut count = 0;
            while let Some(b) = c.peek().filter(u8::is_ascii_digit) {
                if count == 9 {
                    return None;
                }
                nanos = nanos * 10 + u32::from(b - b'0');
                count += 1;
                c.pos += 1;
            }
            if count == 0 {
                return None;
            }
            nanos *= 10u32.pow(9 - count);
        }
    }
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let offset_secs: i64 = if c.eat_ci(b'Z') {
        0
    } else {
        let sign = match c.peek() {
            Some(b'+') => 1,
            Some(b'-') => -1,
            _ => return None,
        };
        c.pos += 1;
        let oh = c.digits(2)?;
        if !c.eat(b':') {
            return None;
        }
        let om = c.digits(2)?;
        let os = if c.eat(b':') { c.digits(2)? } else { 0 };
        if oh > 18 || om > 59 || os > 59 || (oh == 18 && (om > 0 || os > 0)) {
            return None;
        }
        sign * i64::from(oh * 3600 + om * 60 + os)
    };
    if c.pos != c.bytes.len() {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + i64::from(hour * 3600 + minute * 60 + second) - offset_secs;
    Some(Timestamp {
        epoch_nanos: i128::from(secs) * 1_000_000_000 + i128::from(nanos),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_and_rejected_forms() {
        let table: &[(&str, Option<i128>)] = &[
            ("1970-01-01T00:00:00Z", Some(0)),
            ("2016-08-18T17:33:00Z", Some(1_471_541_580_000_000_000)),
            ("2016-08-18T17:33Z", Some(1_471_541_580_000_000_000)),
            ("2016-08-18T17:33:00.5Z", Some(1_471_541_580_500_000_000)),
            (
                "2016-08-18T17:33:00.123456789Z",
                Some(1_471_541_580_123_456_789),
            ),
            ("2016-08-18T19:33:00+02:00", Some(1_471_541_580_000_000_000)),
            ("2016-08-18T15:33:00-02:00", Some(1_471_541_580_000_000_000)),
            ("2016-08-18t17:33:00z", Some(1_471_541_580_000_000_000)),
            ("2016-02-29T00:00:00Z", Some(1_456_704_000_000_000_000)),
            ("1969-12-31T23:59:59Z", Some(-1_000_000_000)),
            ("2016-08-18T17:33:00", None),
            ("2016-08-18 17:33:00Z", None),
            ("2016-08-18T17:33:00.1234567890Z", None),
            ("2016-08-18T17:33:00.Z", None),
            ("2015-02-29T00:00:00Z", None),
            ("2016-13-01T00:00:00Z", None),
            ("2016-08-18T24:00:00Z", None),
            ("2016-08-18T23:59:60Z", None),
            ("2016-08-18T17:33:00+0200", None),
            ("2016-08-18T17:33:00+19:00", None),
            ("2016-08-18", None),
            ("05-12-2016T21:29:29Z", None),
            ("2016-08-18T17:33:00Zjunk", None),
            ("", None),
            ("２０１６-08-18T17:33:00Z", None),
        ];
        for (text, want) in table {
            assert_eq!(
                parse_timestamp(text).map(|t| t.epoch_nanos),
                *want,
                "{text}"
            );
        }
    }
}
