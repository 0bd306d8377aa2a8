//! Usage limits: a monthly spend cap for the organization and for each workspace (never
//! above the organization's), a workspace's temporary raise, the thresholds at which
//! people are alerted, and the budget planner's projection. Spend is counted in
//! millionths of a minor unit (`MICROS_PER_MINOR`): prices are per million tokens, so one
//! completion's cost is exact and many small ones add up without rounding.

use super::{Catalogue, Money, Unit};
use crate::domain::Error;
use crate::domain::calendar::{DAY_MS, Period, iso_date};
use serde::{Deserialize, Serialize};

pub const MICROS_PER_MINOR: i64 = 1_000_000;
/// The highest cap: 10^12 minor units (its micros still fit an i64 many times over).
pub const MAX_CAP: i64 = 1_000_000_000_000;
/// Highest rate limits a workspace may have.
pub const MAX_REQUESTS_PER_MINUTE: i64 = 1_000_000;
pub const MAX_TOKENS_PER_MINUTE: i64 = 1_000_000_000;
/// How far ahead a temporary raise may run.
pub const MAX_RAISE_DAYS: i64 = 366;
pub const DEFAULT_THRESHOLDS: [i64; 3] = [50, 80, 100];
const MAX_THRESHOLDS: usize = 5;

/// Micro-units of `m`.
pub fn micros(m: Money) -> i64 {
    m.0.saturating_mul(MICROS_PER_MINOR)
}

/// Whole minor units of `micros` (a part of a cent counts as a cent spent).
pub fn minor(micros: i64) -> Money {
    Money(micros.div_euclid(MICROS_PER_MINOR) + i64::from(micros.rem_euclid(MICROS_PER_MINOR) > 0))
}

/// A workspace's cap raised for a while: `cap` applies until `until` (excluded).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Raise {
    pub cap: Money,
    pub until: i64,
}

/// What a workspace may spend and how fast it may send requests; `None`: no limit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceLimits {
    pub monthly_cap: Option<Money>,
    pub raise: Option<Raise>,
    pub requests_per_minute: Option<i64>,
    pub tokens_per_minute: Option<i64>,
}

impl WorkspaceLimits {
    /// The cap in force at `now`: a raise until it runs out, then the monthly cap.
    pub fn cap_at(&self, now: i64) -> Option<Money> {
        match self.raise {
            Some(r) if now < r.until => Some(r.cap),
            _ => self.monthly_cap,
        }
    }

    /// The raise still running at `now`.
    pub fn raise_at(&self, now: i64) -> Option<Raise> {
        self.raise.filter(|r| now < r.until)
    }
}

/// The organization's cap and the alert thresholds (percent of a cap), ascending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgLimits {
    pub monthly_cap: Option<Money>,
    pub thresholds: Vec<i64>,
}

impl Default for OrgLimits {
    fn default() -> Self {
        OrgLimits {
            monthly_cap: None,
            thresholds: DEFAULT_THRESHOLDS.to_vec(),
        }
    }
}

/// An optional amount from a form: blank is no limit.
pub fn parse_cap(field: &str, text: &str) -> Result<Option<Money>, Error> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match Money::parse(text) {
        Some(m) if (1..=MAX_CAP).contains(&m.0) => Ok(Some(m)),
        Some(_) => Err(Error::invalid(
            field,
            "enter an amount above zero, or leave it blank for no limit",
        )),
        None => Err(Error::invalid(
            field,
            "enter an amount such as 250 or 99.50",
        )),
    }
}

/// An optional whole number from a form, 1 to `max`: blank is no limit.
pub fn parse_rate(field: &str, text: &str, max: i64) -> Result<Option<i64>, Error> {
    let text = text.trim().replace(',', "");
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<i64>() {
        Ok(n) if (1..=max).contains(&n) => Ok(Some(n)),
        _ => Err(Error::invalid(
            field,
            format!("a whole number from 1 to {max}, or blank for no limit"),
        )),
    }
}

/// "50, 80, 100": one to five different percentages from 1 to 100.
pub fn parse_thresholds(text: &str) -> Result<Vec<i64>, Error> {
    let bad = || {
        Error::invalid(
            "thresholds",
            "one to five percentages from 1 to 100, separated by commas, such as 50, 80, 100",
        )
    };
    let mut values = text
        .split(',')
        .map(|p| p.trim().trim_end_matches('%').trim().parse::<i64>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| bad())?;
    values.sort_unstable();
    values.dedup();
    if values.is_empty()
        || values.len() > MAX_THRESHOLDS
        || values.iter().any(|v| !(1..=100).contains(v))
    {
        return Err(bad());
    }
    Ok(values)
}

/// A workspace's cap (or raise) may not be above the organization's: the error names the
/// workspace.
pub fn check_under_org(
    field: &str,
    workspace: &str,
    cap: Option<Money>,
    org_cap: Option<Money>,
    currency: &str,
) -> Result<(), Error> {
    match (cap, org_cap) {
        (Some(cap), Some(org)) if cap > org => Err(Error::invalid(
            field,
            format!(
                "{workspace}'s limit can't be above the organization's ({})",
                org.format(currency)
            ),
        )),
        _ => Ok(()),
    }
}

/// Checks a temporary raise: above the monthly cap it raises, and ending after `now` and
/// within `MAX_RAISE_DAYS`.
pub fn check_raise(raise: Raise, monthly_cap: Option<Money>, now: i64) -> Result<(), Error> {
    let Some(monthly) = monthly_cap else {
        return Err(Error::invalid(
            "raise_cap",
            "set a monthly limit first: a temporary raise lifts it for a while",
        ));
    };
    if raise.cap <= monthly {
        return Err(Error::invalid(
            "raise_cap",
            "a raise must be above the monthly limit",
        ));
    }
    if raise.until <= now || raise.until > now + MAX_RAISE_DAYS * DAY_MS {
        return Err(Error::invalid(
            "raise_until",
            format!("a date after today and within {MAX_RAISE_DAYS} days"),
        ));
    }
    Ok(())
}

/// Which cap stopped a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CapScope {
    Workspace,
    Organization,
}

impl CapScope {
    pub fn as_str(self) -> &'static str {
        match self {
            CapScope::Workspace => "workspace",
            CapScope::Organization => "organization",
        }
    }
}

/// A cap that is reached: requests that cost money are refused until `until` (the next
/// period, or sooner if someone raises it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimitReached {
    pub scope: CapScope,
    pub cap: Money,
    pub until: i64,
}

impl LimitReached {
    fn whose(&self) -> &'static str {
        match self.scope {
            CapScope::Workspace => "This workspace's",
            CapScope::Organization => "The organization's",
        }
    }

    /// What the banner says after "Monthly limit reached." (no amount: that is for Admin
    /// and Billing eyes, on the Limits page).
    pub fn banner(&self) -> String {
        let until = iso_date(self.until);
        match self.scope {
            CapScope::Workspace => {
                format!("Keys get 429 until {until} or until an Admin raises the limit.")
            }
            CapScope::Organization => format!(
                "The organization's limit applies to all its workspaces: keys get 429 until {until} or until an Admin raises it."
            ),
        }
    }

    /// What the API says (no amount, as the banner).
    pub fn message(&self) -> String {
        format!(
            "{} monthly spend limit is reached. Keys get 429 until {} or until an Admin raises the limit.",
            self.whose(),
            iso_date(self.until)
        )
    }
}

/// Whether `used` (spent and held, micros) has reached `cap`.
pub fn at_cap(cap: Option<Money>, used: i64) -> bool {
    cap.is_some_and(|cap| used >= micros(cap))
}

/// The tokens a chat completion may use, as (prompt, output): its prompt from the
/// request's size (a token is at least about four bytes of JSON) and the output it may
/// produce (`max_tokens`, or `DEFAULT_OUTPUT_TOKENS`). Rate limits count these when a
/// request is admitted, as the consoles this one is measured against do.
pub fn completion_tokens(request_bytes: usize, max_output_tokens: Option<i64>) -> (i64, i64) {
    const DEFAULT_OUTPUT_TOKENS: i64 = 1_000;
    let input = (request_bytes as i64 / 4).max(1);
    let output = max_output_tokens
        .unwrap_or(DEFAULT_OUTPUT_TOKENS)
        .clamp(1, 1_000_000);
    (input, output)
}

/// What a chat completion may cost at most (micros), held while it runs: its
/// `completion_tokens` at the model's prices.
pub fn completion_estimate(catalogue: &Catalogue, model: &str, at: i64, tokens: (i64, i64)) -> i64 {
    usage_micros(catalogue, model, at, [tokens.0, tokens.1, 0])
}

/// A workspace's rate limits and its current one-minute window, as a request left it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateWindow {
    pub requests_per_minute: Option<i64>,
    pub tokens_per_minute: Option<i64>,
    pub requests: i64,
    pub tokens: i64,
    /// When the window ends (the next minute).
    pub resets_at: i64,
}

pub const MINUTE_MS: i64 = 60_000;

/// The first millisecond of the minute of `now`.
pub fn minute_of(now: i64) -> i64 {
    now.div_euclid(MINUTE_MS) * MINUTE_MS
}

/// Which rate limit refused a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RateKind {
    Requests,
    Tokens,
}

impl RateWindow {
    /// The window of the minute starting at `minute`, with the workspace's (requests,
    /// tokens) limits and counts.
    pub fn of_minute(minute: i64, limits: (Option<i64>, Option<i64>), counts: (i64, i64)) -> Self {
        RateWindow {
            requests_per_minute: limits.0,
            tokens_per_minute: limits.1,
            requests: counts.0,
            tokens: counts.1,
            resets_at: minute + MINUTE_MS,
        }
    }

    pub fn requests_left(&self) -> Option<i64> {
        self.requests_per_minute.map(|l| (l - self.requests).max(0))
    }

    pub fn tokens_left(&self) -> Option<i64> {
        self.tokens_per_minute.map(|l| (l - self.tokens).max(0))
    }

    /// Whole seconds until the window resets, at least one.
    pub fn retry_after_secs(&self, now: i64) -> i64 {
        ((self.resets_at - now + 999) / 1000).max(1)
    }

    /// What a refused request is told.
    pub fn message(&self, kind: RateKind, now: i64) -> String {
        let (what, limit) = match kind {
            RateKind::Requests => ("requests", self.requests_per_minute),
            RateKind::Tokens => ("tokens", self.tokens_per_minute),
        };
        format!(
            "This workspace's rate limit of {} {what} per minute is reached. Try again in {} s.",
            limit.unwrap_or_default(),
            self.retry_after_secs(now)
        )
    }
}

/// The cost in micros of tokens of a model on a day (its base model's prices for a
/// fine-tuned one; nothing for a model without a price).
pub fn usage_micros(catalogue: &Catalogue, model: &str, at: i64, tokens: [i64; 3]) -> i64 {
    let model = Catalogue::priced_model(model);
    Unit::ALL
        .into_iter()
        .zip(tokens)
        .map(|(unit, quantity)| {
            catalogue
                .price_at(model, unit, at)
                .map_or(0, |p| quantity.saturating_mul(p.per_million))
        })
        .fold(0i64, i64::saturating_add)
}

/// Month-end spend at the rate so far (at least one day counts as elapsed, so a first
/// hour's spend is not stretched over the month).
pub fn projection(spent: Money, period: Period, now: i64) -> Money {
    let elapsed = (now - period.start).clamp(DAY_MS, period.end - period.start);
    let total = period.end - period.start;
    Money((i128::from(spent.0) * i128::from(total) / i128::from(elapsed)) as i64)
}

/// The thresholds `spent` has reached of `cap`, in percent.
pub fn thresholds_reached(thresholds: &[i64], cap: Money, spent_micros: i64) -> Vec<i64> {
    if cap.0 <= 0 {
        return Vec::new();
    }
    thresholds
        .iter()
        .copied()
        .filter(|t| i128::from(spent_micros) * 100 >= i128::from(micros(cap)) * i128::from(*t))
        .collect()
}

/// One line of the budget planner: a workspace or the organization this period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpendLine {
    pub id: String,
    pub name: String,
    pub spent: Money,
    pub projected: Money,
    /// The cap in force now.
    pub cap: Option<Money>,
    pub limits: WorkspaceLimits,
}

/// An alert emailed when spend reached a threshold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentAlert {
    pub scope_name: String,
    pub threshold: i64,
    pub cap: Money,
    pub sent_at: i64,
}

/// Admin Settings -> Limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimitsPage {
    pub currency: String,
    pub period: Period,
    pub now: i64,
    pub org: OrgLimits,
    pub org_line: SpendLine,
    pub workspaces: Vec<SpendLine>,
    pub warnings: Vec<String>,
    pub alerts: Vec<SentAlert>,
    pub can_manage: bool,
}

/// The planner's warnings: workspace caps that add up past the organization's, and
/// projections that cross a cap.
pub fn planner_warnings(
    org_cap: Option<Money>,
    org: &SpendLine,
    workspaces: &[SpendLine],
    currency: &str,
) -> Vec<String> {
    let mut warnings = Vec::new();
    let capped: Money = workspaces.iter().filter_map(|w| w.cap).sum();
    if let Some(org_cap) = org_cap
        && capped > org_cap
    {
        warnings.push(format!(
            "The workspace limits add up to {}, more than the organization's {}: the organization's limit may stop workspaces before they reach their own.",
            capped.format(currency),
            org_cap.format(currency)
        ));
    }
    for line in std::iter::once(org).chain(workspaces) {
        if let Some(cap) = line.cap
            && line.projected > cap
            && line.spent < cap
        {
            warnings.push(format!(
                "At this rate {} reaches its limit of {} before the month ends (projected {}).",
                line.name,
                cap.format(currency),
                line.projected.format(currency)
            ));
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::parse_iso_date;

    fn day(text: &str) -> i64 {
        parse_iso_date(text).unwrap()
    }

    #[test]
    fn a_raise_applies_until_its_date_then_the_monthly_cap_again() {
        let limits = WorkspaceLimits {
            monthly_cap: Some(Money(10_000)),
            raise: Some(Raise {
                cap: Money(50_000),
                until: day("2026-11-20"),
            }),
            ..WorkspaceLimits::default()
        };
        assert_eq!(limits.cap_at(day("2026-11-20") - 1), Some(Money(50_000)));
        assert_eq!(limits.cap_at(day("2026-11-20")), Some(Money(10_000)));
        assert_eq!(WorkspaceLimits::default().cap_at(0), None);
    }

    #[test]
    fn caps_parse_and_name_their_field() {
        assert_eq!(parse_cap("monthly_cap", " ").unwrap(), None);
        assert_eq!(
            parse_cap("monthly_cap", "250").unwrap(),
            Some(Money(25_000))
        );
        for bad in ["0", "-3", "ten", "1.001"] {
            let Err(Error::Invalid(errors)) = parse_cap("monthly_cap", bad) else {
                panic!("{bad} accepted");
            };
            assert_eq!(errors[0].field, "monthly_cap");
        }
        assert_eq!(parse_rate("rpm", "1,200", 5_000).unwrap(), Some(1_200));
        assert!(parse_rate("rpm", "0", 5_000).is_err());
        assert!(parse_rate("rpm", "5001", 5_000).is_err());
    }

    #[test]
    fn thresholds_are_one_to_five_percentages() {
        assert_eq!(
            parse_thresholds("80, 50%, 100, 50").unwrap(),
            vec![50, 80, 100]
        );
        for bad in ["", "0", "101", "1,2,3,4,5,6", "half"] {
            assert!(parse_thresholds(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_workspace_cap_above_the_organizations_names_the_workspace() {
        let Err(Error::Invalid(errors)) = check_under_org(
            "monthly_cap",
            "Research",
            Some(Money(20_000)),
            Some(Money(10_000)),
            "USD",
        ) else {
            panic!("accepted");
        };
        assert_eq!(
            errors[0].message,
            "Research's limit can't be above the organization's ($100.00)"
        );
        assert!(check_under_org("c", "R", Some(Money(10_000)), Some(Money(10_000)), "USD").is_ok());
        assert!(check_under_org("c", "R", Some(Money(10_000)), None, "USD").is_ok());
    }

    #[test]
    fn a_raise_must_lift_an_existing_cap_for_a_while() {
        let now = day("2026-11-10");
        let raise = |cap, until| Raise {
            cap: Money(cap),
            until,
        };
        assert!(check_raise(raise(200, day("2026-11-12")), Some(Money(100)), now).is_ok());
        assert!(check_raise(raise(200, day("2026-11-12")), None, now).is_err());
        assert!(check_raise(raise(100, day("2026-11-12")), Some(Money(100)), now).is_err());
        assert!(check_raise(raise(200, now), Some(Money(100)), now).is_err());
        assert!(check_raise(raise(200, day("2028-01-01")), Some(Money(100)), now).is_err());
    }

    #[test]
    fn minor_units_round_a_part_of_a_cent_up() {
        assert_eq!(minor(0), Money(0));
        assert_eq!(minor(1), Money(1));
        assert_eq!(minor(MICROS_PER_MINOR), Money(1));
        assert_eq!(minor(MICROS_PER_MINOR + 1), Money(2));
        assert!(at_cap(Some(Money(1)), 1_000_000));
        assert!(!at_cap(Some(Money(1)), 999_999));
        assert!(!at_cap(None, i64::MAX));
    }

    #[test]
    fn the_projection_stretches_the_rate_so_far_over_the_month() {
        let period = Period::containing(day("2026-11-01"));
        // Ten days of thirty: three times the spend.
        assert_eq!(
            projection(Money(1_000), period, day("2026-11-11")),
            Money(3_000)
        );
        // The first hours count as a day.
        assert_eq!(
            projection(Money(100), period, day("2026-11-01") + 1),
            Money(3_000)
        );
        assert_eq!(projection(Money(100), period, period.end + 5), Money(100));
    }

    #[test]
    fn thresholds_reached_are_exact_to_the_micro() {
        let cap = Money(100);
        let half = micros(cap) / 2;
        assert_eq!(
            thresholds_reached(&[50, 80, 100], cap, half - 1),
            Vec::<i64>::new()
        );
        assert_eq!(thresholds_reached(&[50, 80, 100], cap, half), vec![50]);
        assert_eq!(
            thresholds_reached(&[50, 80, 100], cap, micros(cap) * 2),
            vec![50, 80, 100]
        );
    }

    #[test]
    fn the_estimate_prices_prompt_and_output_and_usage_prices_tokens() {
        let c = Catalogue::builtin(5);
        // mistral-small-latest: 10 per million in, 30 per million out.
        let tokens = completion_tokens(400, Some(50));
        assert_eq!(tokens, (100, 50));
        assert_eq!(completion_tokens(2, None), (1, 1_000));
        assert_eq!(
            completion_estimate(&c, "mistral-small-latest", 0, tokens),
            100 * 10 + 50 * 30
        );
        assert_eq!(completion_estimate(&c, "no-such-model", 0, tokens), 0);
        assert_eq!(
            usage_micros(&c, "mistral-small-latest", 0, [1_000, 2_000, 0]),
            1_000 * 10 + 2_000 * 30
        );
    }

    #[test]
    fn a_rate_window_counts_down_and_says_when_it_resets() {
        let w = RateWindow {
            requests_per_minute: Some(10),
            tokens_per_minute: None,
            requests: 12,
            tokens: 500,
            resets_at: 120_000,
        };
        assert_eq!((w.requests_left(), w.tokens_left()), (Some(0), None));
        assert_eq!(w.retry_after_secs(60_001), 60);
        assert_eq!(w.retry_after_secs(119_999), 1);
        assert_eq!(minute_of(119_999), 60_000);
        assert_eq!(
            w.message(RateKind::Requests, 90_000),
            "This workspace's rate limit of 10 requests per minute is reached. Try again in 30 s."
        );
    }

    #[test]
    fn the_planner_warns_of_caps_past_the_organizations_and_projections_past_a_cap() {
        let line = |name: &str, spent, projected, cap| SpendLine {
            id: name.into(),
            name: name.into(),
            spent: Money(spent),
            projected: Money(projected),
            cap,
            limits: WorkspaceLimits::default(),
        };
        let org = line("Acme", 500, 1_500, Some(Money(2_000)));
        let workspaces = [
            line("A", 400, 1_200, Some(Money(1_000))),
            line("B", 100, 300, Some(Money(1_500))),
        ];
        let warnings = planner_warnings(Some(Money(2_000)), &org, &workspaces, "USD");
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings[0].contains("add up to $25.00"));
        assert!(warnings[1].starts_with("At this rate A reaches"));
    }

    #[test]
    fn a_reached_limit_says_which_and_until_when() {
        let reached = LimitReached {
            scope: CapScope::Workspace,
            cap: Money(1_000),
            until: day("2026-12-01"),
        };
        assert_eq!(
            reached.message(),
            "This workspace's monthly spend limit is reached. Keys get 429 until 2026-12-01 or until an Admin raises the limit."
        );
    }
}
