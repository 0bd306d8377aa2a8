//! UTC calendar arithmetic on milliseconds since the Unix epoch: days, months and the
//! monthly billing period. Howard Hinnant's civil-date algorithms, exact for any date.

pub const DAY_MS: i64 = 86_400_000;

/// Days since 1970-01-01 to (year, month 1-12, day 1-31).
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    (y, m, d)
}

/// (year, month 1-12, day 1-31) to days since 1970-01-01.
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The first millisecond of the UTC day of `ms`.
pub fn day_start(ms: i64) -> i64 {
    ms.div_euclid(DAY_MS) * DAY_MS
}

/// "2026-11-27" for the UTC day of `ms`.
pub fn iso_date(ms: i64) -> String {
    let (y, m, d) = civil_from_days(ms.div_euclid(DAY_MS));
    format!("{y:04}-{m:02}-{d:02}")
}

/// The first millisecond of "2026-11-27" (UTC), if it is a real date.
pub fn parse_iso_date(text: &str) -> Option<i64> {
    let mut parts = text.trim().splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || !(1970..=9999).contains(&y) {
        return None;
    }
    let days = days_from_civil(y, m, d);
    // 2026-02-30 comes back as March 2nd: not a date.
    (civil_from_days(days) == (y, m, d)).then_some(days * DAY_MS)
}

/// A monthly billing period, UTC: from the first millisecond of a month to the first of
/// the next (`end` excluded).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Period {
    pub start: i64,
    pub end: i64,
}

impl Period {
    /// The month that contains `ms`.
    pub fn containing(ms: i64) -> Period {
        let (y, m, _) = civil_from_days(ms.div_euclid(DAY_MS));
        let start = days_from_civil(y, m, 1) * DAY_MS;
        let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        Period {
            start,
            end: days_from_civil(ny, nm, 1) * DAY_MS,
        }
    }

    pub fn next(self) -> Period {
        Period::containing(self.end)
    }

    pub fn previous(self) -> Period {
        Period::containing(self.start - 1)
    }

    pub fn contains(self, ms: i64) -> bool {
        (self.start..self.end).contains(&ms)
    }

    pub fn days(self) -> i64 {
        (self.end - self.start) / DAY_MS
    }

    /// "2026-11", how a period is named in URLs and invoices.
    pub fn key(self) -> String {
        let (y, m, _) = civil_from_days(self.start.div_euclid(DAY_MS));
        format!("{y:04}-{m:02}")
    }

    /// The period named "2026-11".
    pub fn from_key(key: &str) -> Option<Period> {
        let start = parse_iso_date(&format!("{key}-01"))?;
        Some(Period::containing(start))
    }

    /// "November 2026".
    pub fn label(self) -> String {
        const MONTHS: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        let (y, m, _) = civil_from_days(self.start.div_euclid(DAY_MS));
        format!("{} {y}", MONTHS[(m - 1) as usize])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip() {
        for days in -800_000..800_000 {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn a_period_runs_to_the_last_millisecond_of_its_month() {
        let nov = parse_iso_date("2026-11-01").unwrap();
        let dec = parse_iso_date("2026-12-01").unwrap();
        let p = Period::containing(dec - 1);
        assert_eq!((p.start, p.end), (nov, dec));
        assert_eq!(Period::containing(dec).start, dec, "the first of the next");
        assert_eq!(p.next().start, dec);
        assert_eq!(p.next().previous(), p);
        assert_eq!(p.days(), 30);
        assert_eq!(
            (p.key(), p.label()),
            ("2026-11".into(), "November 2026".into())
        );
        assert_eq!(Period::from_key("2026-11"), Some(p));
        let dec31 = parse_iso_date("2026-12-31").unwrap();
        assert_eq!(
            Period::containing(dec31).end,
            parse_iso_date("2027-01-01").unwrap()
        );
        assert_eq!(
            Period::containing(parse_iso_date("2028-02-10").unwrap()).days(),
            29
        );
    }

    #[test]
    fn only_real_dates_parse() {
        assert_eq!(parse_iso_date("1970-01-01"), Some(0));
        assert_eq!(
            iso_date(parse_iso_date("2026-11-27").unwrap()),
            "2026-11-27"
        );
        for bad in ["2026-02-30", "2026-13-01", "2026-1", "x", "", "2026-00-10"] {
            assert_eq!(parse_iso_date(bad), None, "{bad}");
        }
        assert_eq!(Period::from_key("2026-13"), None);
    }
}
