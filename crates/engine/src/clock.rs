//! Virtual time: milliseconds since the Unix epoch, moved only by the engine.

/// 2025-01-01T00:00:00Z, the default start of the virtual clock.
pub const DEFAULT_EPOCH_MILLIS: i64 = 1_735_689_600_000;

/// The last instant a JS `Date` can show (8.64e15 ms, in the year 275760). The clock and every
/// timer stay within it, so that each timestamp the engine hands out can be shown.
pub const MAX_MILLIS: i64 = 8_640_000_000_000_000;

/// AWS's maximum run time of a Standard execution, one year: past it the execution times out.
pub const MAX_EXECUTION_MILLIS: i64 = 365 * 86_400_000;

/// AWS's bound on Wait's `Seconds`, a task's `TimeoutSeconds`/`HeartbeatSeconds` and a
/// retrier's `IntervalSeconds`, also when a path or an expression supplies the value.
pub const MAX_SECONDS: i64 = 99_999_999;

/// AWS's bound on a retrier's `MaxDelaySeconds`. A back-off without `MaxDelaySeconds` grows
/// without end (`BackoffRate` 2 doubles it each attempt); it stops here, which is already longer
/// than an execution may run.
pub const MAX_RETRY_DELAY_SECONDS: f64 = 31_622_400.0;

/// The instant `millis` after `now`, never past what a JS `Date` can show.
pub fn later(now: i64, millis: i64) -> i64 {
    now.saturating_add(millis.max(0)).min(MAX_MILLIS)
}

/// A retry's back-off in whole milliseconds: `interval × rate^attempts`, at most
/// `max_delay` (or [`MAX_RETRY_DELAY_SECONDS`]); `jitter` (in `[0, 1)`) scales it when the
/// retrier asks for full jitter. Huge rates and attempt counts give the bound, never an overflow.
pub fn retry_delay_millis(
    interval: f64,
    rate: f64,
    attempts: u32,
    max_delay: Option<f64>,
    jitter: Option<f64>,
) -> i64 {
    let cap = max_delay.map_or(MAX_RETRY_DELAY_SECONDS, |m| m.min(MAX_RETRY_DELAY_SECONDS));
    let mut delay = interval * rate.powi(attempts.min(i32::MAX as u32) as i32);
    if delay.is_nan() {
        delay = 0.0;
    }
    delay = delay.min(cap);
    if let Some(j) = jitter {
        delay *= j;
    }
    (delay.max(0.0) * 1000.0).round() as i64
}

/// Formats virtual milliseconds as AWS prints timestamps in context objects and API answers
/// (`2025-01-01T00:00:00.000Z`).
pub fn iso8601(millis: i64) -> String {
    let secs = millis.div_euclid(1000);
    let ms = millis.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    if !(0..=9999).contains(&y) {
        return format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{ms:03}Z",
            rem / 3600,
            (rem % 3600) / 60,
            rem % 60
        );
    }
    // Timestamps are written for every context object and history read: digits by hand,
    // without the formatting machinery.
    let mut out = [0u8; 24];
    let mut put = |at: usize, value: i64, width: usize| {
        let mut v = value;
        for i in (0..width).rev() {
            out[at + i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(0, y, 4);
    put(5, m as i64, 2);
    put(8, d as i64, 2);
    put(11, rem / 3600, 2);
    put(14, (rem % 3600) / 60, 2);
    put(17, rem % 60, 2);
    put(20, ms, 3);
    for (at, c) in [
        (4, b'-'),
        (7, b'-'),
        (10, b'T'),
        (13, b':'),
        (16, b':'),
        (19, b'.'),
        (23, b'Z'),
    ] {
        out[at] = c;
    }
    out.iter().map(|&b| b as char).collect()
}

/// Howard Hinnant's days-to-civil conversion (proleptic Gregorian calendar).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Parses an ISO-8601 extended timestamp with a zone (`2016-03-14T01:59:00Z`,
/// `2016-03-14T01:59:00.123+02:00`), as AWS requires for Wait's Timestamp. `None` when invalid.
pub fn parse_iso8601(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20 {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = s.get(r)?;
        if t.bytes().all(|c| c.is_ascii_digit()) {
            t.parse().ok()
        } else {
            None
        }
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if b[4] != b'-'
        || b[7] != b'-'
        || !(b[10] == b'T' || b[10] == b't')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    let mut i = 19;
    let mut frac_ms = 0i64;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return None;
        }
        let digits = &s[start..i.min(start + 3)];
        frac_ms = digits.parse::<i64>().ok()? * 10i64.pow(3 - digits.len() as u32);
    }
    let offset_min = match b.get(i)? {
        b'Z' | b'z' if i + 1 == b.len() => 0,
        c @ (b'+' | b'-') if b.len() == i + 6 && b[i + 3] == b':' => {
            let oh = num(i + 1..i + 3)?;
            let om = num(i + 4..i + 6)?;
            let sign = if *c == b'+' { 1 } else { -1 };
            sign * (oh * 60 + om)
        }
        _ => return None,
    };
    let days = days_from_civil(y, mo as u32, d as u32);
    Some(((days * 86_400 + h * 3600 + mi * 60 + se) - offset_min * 60) * 1000 + frac_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_round_trip() {
        assert_eq!(iso8601(DEFAULT_EPOCH_MILLIS), "2025-01-01T00:00:00.000Z");
        assert_eq!(iso8601(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            parse_iso8601("2025-01-01T00:00:00Z"),
            Some(DEFAULT_EPOCH_MILLIS)
        );
        assert_eq!(
            parse_iso8601("2025-01-01T02:00:00.5+02:00"),
            Some(DEFAULT_EPOCH_MILLIS + 500)
        );
        assert_eq!(
            parse_iso8601("2024-02-29T12:34:56.789Z")
                .map(iso8601)
                .as_deref(),
            Some("2024-02-29T12:34:56.789Z")
        );
        assert_eq!(iso8601(-1), "1969-12-31T23:59:59.999Z");
        assert_eq!(iso8601(253_402_300_799_999), "9999-12-31T23:59:59.999Z");
        // Beyond four-digit years the general formatter takes over.
        assert_eq!(iso8601(253_402_300_800_000), "10000-01-01T00:00:00.000Z");
        for bad in [
            "",
            "2025-01-01",
            "2025-13-01T00:00:00Z",
            "2025-01-01T00:00:00",
            "x025-01-01T00:00:00Z",
        ] {
            assert_eq!(parse_iso8601(bad), None, "{bad}");
        }
    }

    #[test]
    fn timers_stay_within_a_js_date() {
        assert_eq!(
            later(DEFAULT_EPOCH_MILLIS, 1000),
            DEFAULT_EPOCH_MILLIS + 1000
        );
        assert_eq!(later(MAX_MILLIS - 5, i64::MAX), MAX_MILLIS);
        assert_eq!(later(DEFAULT_EPOCH_MILLIS, -7), DEFAULT_EPOCH_MILLIS);
        assert!(iso8601(MAX_MILLIS).starts_with("275760-09-13"));
    }

    #[test]
    fn retry_back_off_is_bounded() {
        assert_eq!(retry_delay_millis(1.0, 2.0, 3, None, None), 8_000);
        assert_eq!(retry_delay_millis(3.0, 2.0, 10, Some(5.0), None), 5_000);
        assert_eq!(retry_delay_millis(2.0, 1.5, 1, None, Some(0.5)), 1_500);
        // BackoffRate 2 after 10,000 attempts, or 1e300 after one: the bound, not year 285,428,806
        // nor a wrapped-around zero.
        let cap = (MAX_RETRY_DELAY_SECONDS * 1000.0) as i64;
        assert_eq!(retry_delay_millis(1.0, 2.0, 10_000, None, None), cap);
        assert_eq!(retry_delay_millis(1.0, 1e300, 2, None, None), cap);
        assert_eq!(retry_delay_millis(1.0, 1e300, 2, Some(60.0), None), 60_000);
        assert_eq!(retry_delay_millis(0.0, f64::INFINITY, 1, None, None), 0);
    }
}
