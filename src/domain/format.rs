//! Numbers and times as people read them: "10,000", "Nov 27, 2026", "2026-11-27 05:01 UTC".

use super::calendar::{DAY_MS, civil_from_days};

/// 10000 -> "10,000".
pub fn thousands(n: i64) -> String {
    let digits = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// A date for people: "Nov 27, 2026" (UTC), from milliseconds since the epoch.
pub fn format_date(ms: i64) -> String {
    let (y, m, d) = civil_from_days(ms.div_euclid(DAY_MS));
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!("{} {d}, {y}", MONTHS[(m - 1) as usize])
}

/// The exact time, for a tooltip: "2026-11-27 05:01 UTC".
pub fn format_timestamp(ms: i64) -> String {
    let (y, m, d) = civil_from_days(ms.div_euclid(DAY_MS));
    let minutes = ms.rem_euclid(DAY_MS) / 60_000;
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        minutes / 60,
        minutes % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_formatted_for_people() {
        assert_eq!(format_date(0), "Jan 1, 1970");
        assert_eq!(format_date(1_795_755_661_000), "Nov 27, 2026");
        assert_eq!(format_timestamp(1_795_755_661_000), "2026-11-27 05:01 UTC");
        assert_eq!(format_date(951_782_400_000), "Feb 29, 2000");
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(10_000), "10,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(-1_000), "-1,000");
    }
}
