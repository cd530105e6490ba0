//! `alertmanager.yml` from the Nagios contacts, timeperiods, parents and dependencies
//! (issue 14; docs/alertmanager.md).
//!
//! - One receiver per contact, named after it: `email` → `email_configs`; no email → a
//!   receiver without integrations (the contact's null receiver, reported, with its pager and
//!   the names — never the arguments — of its notification commands as webhook stubs to fill
//!   in).
//! - One route per (contact, notification period), matching the `nagios_contacts` label the
//!   rules carry (`,a,b,`: the contacts Nagios notifies, resolved at convert time) with
//!   `continue: true`, so an alert reaches each of its contacts exactly once.
//! - `time_intervals` from timeperiods, as `active_time_intervals` of the period's routes;
//!   exact `exclude`s as `mute_time_intervals`; what Alertmanager cannot express is widened
//!   (notify rather than miss) and reported.
//! - `inhibit_rules`: host down → its services, parent down → its children, service and
//!   host dependencies (grouped: one rule per master/dependent service pair, not per host).

use std::collections::{BTreeMap, BTreeSet};

use nag2prom_parsers::object::ObjectType;
use nag2prom_parsers::timeperiod::{self, LineKind, TimePeriodLine};

use serde::Serialize;

use crate::model::{Model, Object};
use crate::translate::promql::regex_escape;
use crate::translate::service_level::{self, GroupMembers};

/// The receiver of alerts nobody is notified for (`nagios_notify="false"`, no contacts).
pub const NULL_RECEIVER: &str = "nagios-null";

/// `repeat_interval` for `notification_interval 0` (Nagios notifies once): one year.
pub const ONCE: &str = "8760h";

/// The whole file.
#[derive(Debug, Serialize)]
pub struct Config {
    /// SMTP defaults the email receivers need.
    pub global: Global,
    /// The routing tree.
    pub route: Route,
    /// Receivers, one per contact, plus [`NULL_RECEIVER`].
    pub receivers: Vec<Receiver>,
    /// Inhibition rules.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub inhibit_rules: Vec<InhibitRule>,
    /// Time intervals, one per timeperiod with at least one expressible entry.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub time_intervals: Vec<TimeInterval>,
}

/// `global:`.
#[derive(Debug, Serialize)]
pub struct Global {
    /// Placeholder smarthost (loopback), to be set to the site's relay.
    pub smtp_smarthost: String,
    /// Sender address.
    pub smtp_from: String,
    /// Off by default: a loopback relay rarely speaks TLS.
    pub smtp_require_tls: bool,
}

/// A route.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Route {
    /// Receiver name.
    pub receiver: String,
    /// Grouping labels (root only; children inherit).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub group_by: Vec<String>,
    /// Matchers (ANDed).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub matchers: Vec<String>,
    /// Keep matching siblings.
    #[serde(rename = "continue", skip_serializing_if = "std::ops::Not::not")]
    pub continue_: bool,
    /// `group_wait`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_wait: Option<String>,
    /// `group_interval`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_interval: Option<String>,
    /// `repeat_interval`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repeat_interval: Option<String>,
    /// Time intervals outside which the route is muted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub active_time_intervals: Vec<String>,
    /// Time intervals during which the route is muted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mute_time_intervals: Vec<String>,
    /// Child routes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<Route>,
}

/// A receiver.
#[derive(Debug, Serialize)]
pub struct Receiver {
    /// Its name (the contact's name).
    pub name: String,
    /// Email integrations.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub email_configs: Vec<EmailConfig>,
}

/// An `email_configs` entry.
#[derive(Debug, Serialize)]
pub struct EmailConfig {
    /// The contact's `email`.
    pub to: String,
    /// The contact's notification options include `r`.
    pub send_resolved: bool,
}

/// An inhibition rule.
#[derive(Debug, Serialize)]
pub struct InhibitRule {
    /// The muting alert.
    pub source_matchers: Vec<String>,
    /// The muted alerts.
    pub target_matchers: Vec<String>,
    /// Labels both must share.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub equal: Vec<String>,
}

/// A named time interval.
#[derive(Debug, Serialize)]
pub struct TimeInterval {
    /// The timeperiod's name.
    pub name: String,
    /// Entries (ORed).
    pub time_intervals: Vec<Interval>,
}

/// One entry: every non-empty field must match.
#[derive(Debug, Default, Clone, PartialEq, Serialize)]
pub struct Interval {
    /// Time ranges.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub times: Vec<Times>,
    /// Weekdays.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub weekdays: Vec<String>,
    /// Days of the month (`1:15`, `-1`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub days_of_month: Vec<String>,
    /// Months (`1:3`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub months: Vec<String>,
    /// Years.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub years: Vec<String>,
    /// IANA time zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

impl Interval {
    /// Whether `time` (seconds since the epoch) is inside this entry, as Alertmanager's
    /// `timeinterval.ContainsTime` decides, in UTC (`None` for another `location`): every
    /// given field must match; `times` end exclusive; negative days of the month count from
    /// its end, clamped to the month. Used to check the translation against
    /// [`crate::model::timeperiod`].
    pub fn contains(&self, time: i64) -> Option<bool> {
        if self.location.as_deref().is_some_and(|l| l != "UTC") {
            return None;
        }
        let days = time.div_euclid(86_400);
        let minute = time.rem_euclid(86_400) / 60;
        let (year, month, day) = crate::model::timeperiod::civil_date(days);
        let weekday = crate::model::timeperiod::weekday(days);
        let in_times = self.times.is_empty()
            || self.times.iter().any(|t| {
                let (s, e) = (hhmm_minutes(&t.start_time), hhmm_minutes(&t.end_time));
                s <= minute && minute < e
            });
        let in_weekdays = self.weekdays.is_empty()
            || self.weekdays.iter().any(|w| {
                let (a, b) = span(w, weekday_number);
                (a..=b).contains(&weekday)
            });
        let month_days = days_in_month(year, month);
        let in_days = self.days_of_month.is_empty()
            || self.days_of_month.iter().any(|d| {
                let (a, b) = span(d, |x| x.parse::<i64>().ok());
                let resolve = |n: i64| if n < 0 { month_days + n + 1 } else { n };
                let (begin, end) = (resolve(a), resolve(b));
                if begin > month_days {
                    return false;
                }
                let clamp = |n: i64| n.clamp(-month_days, month_days);
                (clamp(begin)..=clamp(end)).contains(&day)
            });
        let in_months = self.months.is_empty()
            || self.months.iter().any(|m| {
                let (a, b) = span(m, |x| x.parse::<i64>().ok());
                (a..=b).contains(&month)
            });
        let in_years = self.years.is_empty()
            || self.years.iter().any(|y| {
                let (a, b) = span(y, |x| x.parse::<i64>().ok());
                (a..=b).contains(&year)
            });
        Some(in_times && in_weekdays && in_days && in_months && in_years)
    }
}

/// `A` or `A:B` read with `read`; an unreadable side never matches.
fn span(text: &str, read: impl Fn(&str) -> Option<i64>) -> (i64, i64) {
    let (a, b) = text.split_once(':').unwrap_or((text, text));
    match (read(a.trim()), read(b.trim())) {
        (Some(a), Some(b)) => (a, b),
        _ => (1, 0),
    }
}

fn weekday_number(name: &str) -> Option<i64> {
    ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]
        .iter()
        .position(|w| *w == name)
        .map(|i| i as i64)
}

fn hhmm_minutes(text: &str) -> i64 {
    let (h, m) = text.split_once(':').unwrap_or((text, "0"));
    h.parse::<i64>().unwrap_or(0) * 60 + m.parse::<i64>().unwrap_or(0)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A time range, start inclusive, end exclusive.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Times {
    /// `HH:MM`.
    pub start_time: String,
    /// `HH:MM` (`24:00` allowed).
    pub end_time: String,
}

/// What was generated, and what was approximated or left out.
#[derive(Debug, Default)]
pub struct Output {
    /// The configuration.
    pub config: Option<Config>,
    /// Report lines (approximations, stubs, things not carried over).
    pub notes: Vec<String>,
}

/// A timeperiod translated: its entries, and whether they are exactly Nagios' set.
struct Period {
    entries: Vec<Interval>,
    exact: bool,
    excludes: Vec<String>,
}

fn hhmm(minute: u16) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

fn times(line: &TimePeriodLine) -> Vec<Times> {
    line.ranges
        .iter()
        .filter(|r| r.start_minute < r.end_minute && r.end_minute <= 1440)
        .map(|r| Times { start_time: hhmm(r.start_minute), end_time: hhmm(r.end_minute) })
        .collect()
}

fn weekday_name(w: timeperiod::Weekday) -> String {
    w.as_str().to_owned()
}

/// A day range within one year as entries (months 1..=12, days signed as Nagios writes).
fn month_day_entries(m1: u8, d1: i32, m2: u8, d2: i32, base: &Interval) -> Vec<Interval> {
    let with = |months: String, days: Option<String>| {
        let mut e = base.clone();
        e.months = vec![months];
        e.days_of_month = days.into_iter().collect();
        e
    };
    let day = |d: i32| d.clamp(-31, 31);
    // Alertmanager refuses a positive start with a negative end (`30:-1`); 31 is clamped to
    // the month's length, so `d:31` is `d:-1` exactly (and widens `d:-2` … by a day or two).
    let (d2, d1) = (if d1 > 0 && d2 < 0 { 31 } else { d2 }, d1);
    if m1 == m2 && (d1 <= d2 || d1 < 0 || d2 < 0) {
        let days = if d1 == d2 { day(d1).to_string() } else { format!("{}:{}", day(d1), day(d2)) };
        return vec![with(m1.to_string(), Some(days))];
    }
    if m1 < m2 {
        let mut out = vec![with(m1.to_string(), Some(format!("{}:31", day(d1))))];
        if m2 > m1 + 1 {
            let middle =
                if m2 == m1 + 2 { (m1 + 1).to_string() } else { format!("{}:{}", m1 + 1, m2 - 1) };
            out.push(with(middle, None));
        }
        out.push(with(m2.to_string(), Some(format!("1:{}", day(d2)))));
        return out;
    }
    // Wraps around the year end: two halves.
    let mut out = month_day_entries(m1, d1, 12, 31, base);
    out.extend(month_day_entries(1, 1, m2, d2, base));
    out
}

/// Translate one timeperiod's lines; `notes` gets what was widened.
fn period(object: &Object, location: Option<&str>, notes: &mut Vec<String>) -> Period {
    let name = object.text("timeperiod_name").unwrap_or("");
    let mut entries = Vec::new();
    let mut exact = true;
    let mut has_weekdays = false;
    let mut exceptions = Vec::new();
    for field in &object.fields {
        if matches!(field.name, "timeperiod_name" | "alias" | "exclude" | "name") {
            continue;
        }
        let value = field.value.to_cache_string();
        let Ok(line) = timeperiod::parse_timeperiod_line(field.name, &value) else { continue };
        if let LineKind::Weekday(w) = line.kind {
            let t = times(&line);
            if !t.is_empty() {
                has_weekdays = true;
                entries.push(Interval {
                    times: t,
                    weekdays: vec![weekday_name(w)],
                    location: location.map(str::to_owned),
                    ..Interval::default()
                });
            }
        } else {
            exceptions.push(line);
        }
    }
    for line in exceptions {
        let text = line.date_text();
        let t = times(&line);
        if t.is_empty() {
            if has_weekdays {
                exact = false;
                notes.push(format!("timeperiod {name}: `{text}` removes a day from the weekly schedule; Alertmanager time intervals cannot subtract, so the day stays active (widened)"));
            }
            continue;
        }
        if has_weekdays {
            exact = false;
            notes.push(format!("timeperiod {name}: `{text}` replaces the weekly schedule on its days in Nagios; Alertmanager adds it to the schedule instead (widened)"));
        }
        let base =
            Interval { times: t, location: location.map(str::to_owned), ..Interval::default() };
        let mut line = line;
        if line.skip_interval > 1 {
            exact = false;
            notes.push(format!(
                "timeperiod {name}: `{text}` skips days (`/ {}`); every day of the range is active, and, as Nagios keeps matching every {}th day after the range's end (its start moves to each such day and passes the end: `_get_matching_timerange`), so is the rest of the month (days of a month, weekdays of every month), of the year (named months) or every later year (calendar dates) (widened)",
                line.skip_interval, line.skip_interval
            ));
            match line.kind {
                LineKind::CalendarDate { start, .. } => {
                    let mut b = base.clone();
                    b.years = vec![format!("{}:9999", start.year)];
                    entries.push(b);
                    continue;
                }
                LineKind::WeekDay { .. } => {
                    entries.push(base.clone());
                    continue;
                }
                LineKind::MonthDate { start, .. } => {
                    let end = timeperiod::MonthDate { month: timeperiod::Month::December, day: 31 };
                    line.kind = LineKind::MonthDate { start, end };
                }
                LineKind::MonthDay { start, .. } => {
                    // 31 is the month's last day in Alertmanager (clamped).
                    line.kind = LineKind::MonthDay { start, end: if start < 0 { -1 } else { 31 } };
                }
                LineKind::MonthWeekDay { start, .. } => {
                    let mut b = base.clone();
                    b.months = vec![format!("{}:12", start.month.index() + 1)];
                    entries.push(b);
                    continue;
                }
                LineKind::Weekday(_) => {}
            }
        }
        match line.kind {
            LineKind::Weekday(_) => {}
            LineKind::CalendarDate { start, end } => {
                let (Ok(m1), Ok(m2)) = (u8::try_from(start.month), u8::try_from(end.month)) else {
                    continue;
                };
                if start.year == end.year {
                    let mut b = base.clone();
                    b.years = vec![start.year.to_string()];
                    entries.extend(month_day_entries(m1, start.day, m2, end.day, &b));
                } else {
                    exact = false;
                    notes.push(format!("timeperiod {name}: `{text}` spans years; the whole years {}–{} are active (widened)", start.year, end.year));
                    let mut b = base.clone();
                    b.years = vec![format!("{}:{}", start.year, end.year)];
                    entries.push(b);
                }
            }
            LineKind::MonthDate { start, end } => {
                entries.extend(month_day_entries(
                    start.month.index() + 1,
                    start.day,
                    end.month.index() + 1,
                    end.day,
                    &base,
                ));
            }
            LineKind::MonthDay { start, end } => {
                let mut b = base.clone();
                b.days_of_month =
                    vec![if start == end { start.to_string() } else { format!("{start}:{end}") }];
                entries.push(b);
            }
            LineKind::MonthWeekDay { start, end } => {
                exact = false;
                notes.push(format!("timeperiod {name}: `{text}` (N-th weekday of a month) has no Alertmanager form; every such weekday of the month is active (widened)"));
                let mut b = base.clone();
                let (m1, m2) = (start.month.index() + 1, end.month.index() + 1);
                b.months = vec![if m1 == m2 { m1.to_string() } else { format!("{m1}:{m2}") }];
                if start == end {
                    b.weekdays = vec![weekday_name(start.weekday)];
                }
                entries.push(b);
            }
            LineKind::WeekDay { start, end } => {
                exact = false;
                notes.push(format!("timeperiod {name}: `{text}` (N-th weekday of every month) has no Alertmanager form; every such weekday is active (widened)"));
                let mut b = base.clone();
                if start.weekday == end.weekday {
                    b.weekdays = vec![weekday_name(start.weekday)];
                }
                entries.push(b);
            }
        }
    }
    let excludes = object.list("exclude").iter().map(|e| e.to_string()).collect();
    Period { entries, exact, excludes }
}

/// The time outside a weekly time interval (entries of weekdays and time ranges only), as
/// entries; `None` when an entry names days of the month, months, years or another location
/// (its complement is not computed: the caller widens). Empty for a period that covers the
/// whole week.
fn weekly_complement(entries: &[Interval]) -> Option<Vec<Interval>> {
    const DAY: usize = 24 * 60;
    let location = entries.first().and_then(|e| e.location.clone());
    let mut covered = vec![[false; DAY]; 7];
    for e in entries {
        if !e.days_of_month.is_empty()
            || !e.months.is_empty()
            || !e.years.is_empty()
            || e.location != location
        {
            return None;
        }
        let days: Vec<usize> = if e.weekdays.is_empty() {
            (0..7).collect()
        } else {
            let mut days = Vec::new();
            for w in &e.weekdays {
                let (a, b) = span(w, weekday_number);
                if a > b {
                    return None;
                }
                days.extend((a..=b).filter_map(|d| usize::try_from(d).ok()));
            }
            days
        };
        for d in days {
            let day = covered.get_mut(d)?;
            if e.times.is_empty() {
                day.fill(true);
            }
            for t in &e.times {
                let start = usize::try_from(hhmm_minutes(&t.start_time)).ok()?.min(DAY);
                let end = usize::try_from(hhmm_minutes(&t.end_time)).ok()?.min(DAY);
                day[start..end.max(start)].fill(true);
            }
        }
    }
    // The uncovered minutes of each weekday as ranges; weekdays with the same ranges share
    // one entry, in week order.
    type Ranges = Vec<(usize, usize)>;
    let mut by_ranges: Vec<(Ranges, Vec<usize>)> = Vec::new();
    for (d, day) in covered.iter().enumerate() {
        let mut ranges = Vec::new();
        let mut m = 0;
        while m < DAY {
            if day[m] {
                m += 1;
                continue;
            }
            let start = m;
            while m < DAY && !day[m] {
                m += 1;
            }
            ranges.push((start, m));
        }
        if ranges.is_empty() {
            continue;
        }
        match by_ranges.iter_mut().find(|(r, _)| *r == ranges) {
            Some((_, days)) => days.push(d),
            None => by_ranges.push((ranges, vec![d])),
        }
    }
    const NAMES: [&str; 7] =
        ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
    Some(
        by_ranges
            .into_iter()
            .map(|(ranges, days)| Interval {
                times: if ranges == [(0, DAY)] {
                    Vec::new()
                } else {
                    ranges
                        .iter()
                        .map(|&(a, b)| Times {
                            start_time: hhmm(a as u16),
                            end_time: hhmm(b as u16),
                        })
                        .collect()
                },
                weekdays: days.iter().map(|&d| NAMES[d].to_owned()).collect(),
                location: location.clone(),
                ..Interval::default()
            })
            .collect(),
    )
}

/// Which of an object's alert states a contact's own notification options let through.
#[derive(Debug, Clone, PartialEq)]
enum States {
    /// Every one: no matcher.
    All,
    /// Only these (`nagios_state` values, as a regex alternation).
    Some(String),
    /// Only UNREACHABLE for hosts: every host alert, since the native host alert is DOWN
    /// for both (widened, reported).
    Widened,
    /// None: the contact gets no route for this side.
    None,
}

/// The states a contact's `service_notification_options` notify (`w`, `u`, `c`, `a`; `n` or
/// unset: none, as Nagios 4 defaults a contact's options).
fn service_states(options: &str) -> States {
    let s = service_level::Severities::of_service(options);
    let names: Vec<&str> =
        [(s.warning, "WARNING"), (s.unknown, "UNKNOWN"), (s.critical, "CRITICAL")]
            .into_iter()
            .filter_map(|(on, n)| on.then_some(n))
            .collect();
    match names.len() {
        0 => States::None,
        3 => States::All,
        _ => States::Some(names.join("|")),
    }
}

/// The states a contact's `host_notification_options` notify (`d`, `u`, `a`; `n` or unset:
/// none).
fn host_states(options: &str) -> States {
    let s = service_level::Severities::of_host(options);
    match (s.critical, s.unknown) {
        (true, true) => States::All,
        (true, false) => States::Some("DOWN".to_owned()),
        (false, true) => States::Widened,
        (false, false) => States::None,
    }
}

/// What a contact's own period and options add to its routes for host or service alerts.
#[derive(Debug, PartialEq)]
struct Side {
    /// The time interval outside the contact's period.
    mute: Option<String>,
    /// The states it is notified of.
    states: States,
}

impl Side {
    fn apply(&self, route: &mut Route) {
        route.mute_time_intervals.extend(self.mute.clone());
        if let States::Some(names) = &self.states {
            route.matchers.push(format!("nagios_state=~\"{names}\""));
        }
    }
}

/// The name of the time interval outside timeperiod `name`, muting a contact's routes.
pub fn outside(name: &str) -> String {
    format!("nag2prom-outside-{name}")
}

/// The `exclude`s of timeperiod `name` Alertmanager mutes exactly (an exact timeperiod with
/// entries and no excludes of its own), and a note for each other one (not muted: widened).
fn mutes(periods: &BTreeMap<String, Period>, name: &str, p: &Period) -> (Vec<String>, Vec<String>) {
    let (mut muted, mut notes) = (Vec::new(), Vec::new());
    for e in &p.excludes {
        match periods.get(e) {
            Some(x) if x.exact && x.excludes.is_empty() && !x.entries.is_empty() => {
                muted.push(e.clone());
            }
            Some(_) => notes.push(format!("timeperiod {name}: `exclude {e}` is not exact in Alertmanager (approximated or nested); it is not muted (widened)")),
            None => notes.push(format!("timeperiod {name}: `exclude {e}` names an unknown timeperiod; ignored")),
        }
    }
    (muted, notes)
}

/// A timeperiod as the routes using it are active in Alertmanager: its time interval's
/// entries (none: always active), the timeperiods muted for its `exclude`s, and whether that
/// is only an approximation of Nagios (always a wider one: notify rather than miss).
#[derive(Debug, Clone)]
pub struct PeriodTranslation {
    /// The timeperiod's name (its time interval's).
    pub name: String,
    /// The entries (ORed); empty when Alertmanager can express none of it.
    pub intervals: Vec<Interval>,
    /// The timeperiods whose time intervals mute its routes.
    pub mutes: Vec<String>,
    /// Reported as approximated (widened).
    pub approximated: bool,
    /// The time outside it, muting the routes of a contact whose own notification period it
    /// is; `None` where Alertmanager cannot express that (the contact's routes are widened).
    pub outside: Option<Vec<Interval>>,
}

/// The time outside `p` as entries, when it is exact, excludes nothing and is weekly.
fn outside_of(p: &Period) -> Option<Vec<Interval>> {
    if !p.exact || !p.excludes.is_empty() || p.entries.is_empty() {
        return None;
    }
    weekly_complement(&p.entries)
}

/// Every timeperiod of `model` as [`build`] translates it, used by routes or not (what the
/// fidelity test evaluates against [`crate::model::timeperiod`]).
pub fn timeperiods(model: &Model, location: Option<&str>) -> Vec<PeriodTranslation> {
    let mut notes = Vec::new();
    let mut periods = BTreeMap::new();
    for tp in model.of(ObjectType::TimePeriod) {
        let Some(name) = tp.text("timeperiod_name") else { continue };
        periods.insert(name.to_owned(), period(tp, location, &mut notes));
    }
    periods
        .iter()
        .map(|(name, p)| {
            let (mutes, why) = mutes(&periods, name, p);
            PeriodTranslation {
                name: name.clone(),
                intervals: p.entries.clone(),
                mutes,
                approximated: !p.exact || p.entries.is_empty() || !why.is_empty(),
                outside: outside_of(p),
            }
        })
        .collect()
}

/// Escape a value for a double-quoted matcher.
fn quoted(value: &str) -> String {
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `label="value"`.
pub fn eq(label: &str, value: &str) -> String {
    format!("{label}={}", quoted(value))
}

/// `label=~".*,NAME,.*"`: the comma-list label contains `name`.
pub fn contains(label: &str, name: &str) -> String {
    format!("{label}=~{}", quoted(&format!(".*,{},.*", regex_escape(name))))
}

fn alternatives(names: &BTreeSet<String>) -> String {
    names.iter().map(|n| regex_escape(n)).collect::<Vec<_>>().join("|")
}

/// `notification_interval` × `interval_length` as a duration ([`ONCE`] for 0).
fn repeat(minutes: f64, interval_length: f64) -> String {
    let secs = minutes * interval_length;
    if !secs.is_finite() || secs <= 0.0 {
        return ONCE.to_owned();
    }
    service_level::duration(secs.round() as u64)
}

/// What a service or host sends to routing: its contacts, period and repeat.
struct Notified<'m> {
    contacts: Vec<&'m str>,
    period: &'m str,
    interval: f64,
}

fn notified<'m>(
    o: &'m Object,
    host: bool,
    members: &'m GroupMembers,
    escalations: &service_level::Escalations<'m>,
) -> Option<Notified<'m>> {
    let opts = service_level::options(o, "notification_options");
    let sev = if host {
        service_level::Severities::of_host(&opts)
    } else {
        service_level::Severities::of_service(&opts)
    };
    let enabled = service_level::number(o, "notifications_enabled").unwrap_or(1.0) != 0.0;
    if !enabled || sev.none() {
        return None;
    }
    Some(Notified {
        contacts: if host {
            service_level::routed_host_contacts(o, members, escalations)
        } else {
            service_level::routed_contacts(o, members, escalations)
        },
        period: o.text("notification_period").unwrap_or(""),
        interval: service_level::number(o, "notification_interval").unwrap_or(60.0),
    })
}

/// The contacts Nagios notifies for a service's (or host's) first notification, from the
/// model: empty when it never notifies.
pub fn expected_contacts<'m>(
    o: &'m Object,
    host: bool,
    members: &'m GroupMembers,
    escalations: &service_level::Escalations<'m>,
) -> Vec<&'m str> {
    notified(o, host, members, escalations).map(|n| n.contacts).unwrap_or_default()
}

/// Build `alertmanager.yml` from `model`.
pub fn build(model: &Model, interval_length: f64, location: Option<&str>, from: &str) -> Output {
    let mut notes = Vec::new();
    let members = crate::translate::group_members(model);
    let escalations = service_level::Escalations::of(model);
    // Timeperiods.
    let mut periods = BTreeMap::new();
    for tp in model.of(ObjectType::TimePeriod) {
        let Some(name) = tp.text("timeperiod_name") else { continue };
        periods.insert(name.to_owned(), period(tp, location, &mut notes));
    }
    // (contact, period) → smallest notification interval.
    let mut buckets: BTreeMap<(&str, &str), f64> = BTreeMap::new();
    for (ty, host) in [(ObjectType::Host, true), (ObjectType::Service, false)] {
        for o in model.of(ty) {
            let Some(n) = notified(o, host, &members, &escalations) else { continue };
            for c in &n.contacts {
                let slot = buckets.entry((c, n.period)).or_insert(f64::INFINITY);
                let i = if n.interval <= 0.0 { f64::INFINITY } else { n.interval };
                *slot = slot.min(i);
            }
        }
    }
    // Contacts' own notification periods and options: Nagios notifies a contact only inside
    // both the object's notification_period and the contact's (host_ or
    // service_notification_period), and only for the states its own options name. A route is
    // active inside the object's period; outside the contact's it is muted by the period's
    // complement, when Alertmanager can express it (a weekly period); states the contact's
    // options leave out are kept off by a `nagios_state` matcher. Where the contact's host
    // and service sides differ, its routes are split by `service`.
    let mut complements: BTreeMap<String, Vec<Interval>> = BTreeMap::new();
    let mut sides: BTreeMap<&str, (Side, Side)> = BTreeMap::new();
    for c in model.of(ObjectType::Contact) {
        let Some(name) = c.text("contact_name") else { continue };
        let mut outside_of = |field: &str| -> Option<String> {
            let own = c.text(field).filter(|p| !p.is_empty())?;
            let p = periods.get(own)?;
            match outside_of(p) {
                Some(c) if c.is_empty() => None,
                Some(c) => {
                    complements.insert(outside(own), c);
                    Some(outside(own))
                }
                None => {
                    notes.push(format!("contact {name}: its {field} `{own}` is not a weekly timeperiod Alertmanager can complement; it does not mute the contact's routes (widened)"));
                    None
                }
            }
        };
        // `host_notifications_enabled 0` / `service_notifications_enabled 0`: none of that side.
        let enabled = |field: &str| service_level::number(c, field).unwrap_or(1.0) != 0.0;
        let host = Side {
            mute: outside_of("host_notification_period"),
            states: if enabled("host_notifications_enabled") {
                host_states(&service_level::options(c, "host_notification_options"))
            } else {
                States::None
            },
        };
        let service = Side {
            mute: outside_of("service_notification_period"),
            states: if enabled("service_notifications_enabled") {
                service_states(&service_level::options(c, "service_notification_options"))
            } else {
                States::None
            },
        };
        if host.states == States::None && service.states == States::None {
            notes.push(format!("contact {name}: its notification options (unset: none) or *_notifications_enabled 0 notify it of nothing; it gets no routes"));
        } else if host.states == States::Widened {
            notes.push(format!("contact {name}: its host_notification_options notify UNREACHABLE but not DOWN; a native host alert cannot tell them apart, so it is notified of both (widened)"));
        }
        sides.insert(name, (host, service));
    }
    let mut used_periods = BTreeSet::new();
    let mut routes = vec![Route {
        receiver: NULL_RECEIVER.to_owned(),
        matchers: vec![eq("nagios_notify", "false")],
        ..Route::default()
    }];
    for ((contact, period), interval) in &buckets {
        let mut route = Route {
            receiver: (*contact).to_owned(),
            matchers: vec![
                contains("nagios_contacts", contact),
                eq("nagios_notification_period", period),
            ],
            continue_: true,
            repeat_interval: Some(if interval.is_finite() {
                repeat(*interval, interval_length)
            } else {
                ONCE.to_owned()
            }),
            ..Route::default()
        };
        if let Some(p) = periods.get(*period) {
            if p.entries.is_empty() {
                notes.push(format!("timeperiod {period} has no time Alertmanager can express; routes using it are always active (widened)"));
            } else {
                used_periods.insert((*period).to_owned());
                route.active_time_intervals.push((*period).to_owned());
            }
            let (muted, why) = mutes(&periods, period, p);
            for e in muted {
                used_periods.insert(e.clone());
                route.mute_time_intervals.push(e);
            }
            notes.extend(why);
        } else if !period.is_empty() {
            notes.push(format!(
                "notification_period {period} is not a known timeperiod; its routes are always active"
            ));
        }
        // A contact without a definition (Nagios refuses the config) keeps the plain route.
        let Some((host, service)) = sides.get(contact) else {
            routes.push(route);
            continue;
        };
        if host == service {
            if host.states == States::None {
                continue;
            }
            host.apply(&mut route);
            routes.push(route);
            continue;
        }
        // Host alerts carry no `service` label; service alerts always do.
        if service.states != States::None {
            let mut for_services = route.clone();
            for_services.matchers.push("service=~\".+\"".to_owned());
            service.apply(&mut for_services);
            if host.states != States::None {
                route.matchers.push(eq("service", ""));
                host.apply(&mut route);
                routes.push(route);
            }
            routes.push(for_services);
        } else {
            route.matchers.push(eq("service", ""));
            host.apply(&mut route);
            routes.push(route);
        }
    }
    // Receivers.
    let mut receivers =
        vec![Receiver { name: NULL_RECEIVER.to_owned(), email_configs: Vec::new() }];
    for c in model.of(ObjectType::Contact) {
        let Some(name) = c.text("contact_name") else { continue };
        let resolved = service_level::options(c, "service_notification_options")
            .split(',')
            .any(|o| o.trim() == "r" || o.trim() == "a");
        let email = c.text("email").filter(|e| !e.trim().is_empty());
        if c.text("pager").is_some_and(|p| !p.trim().is_empty()) {
            notes.push(format!("contact {name}: has a pager; add a receiver integration for it (e.g. a webhook_configs to your SMS gateway) to receiver `{name}`"));
        }
        let commands: BTreeSet<String> =
            ["service_notification_commands", "host_notification_commands"]
                .iter()
                .flat_map(|f| c.list(f).iter())
                .map(|cmd| nag2prom_parsers::command::command_name(cmd).to_owned())
                .filter(|cmd| !cmd.contains("email"))
                .collect();
        for cmd in commands {
            notes.push(format!("contact {name}: notification command `{cmd}` is not translated (webhook stub: replace it with a webhook_configs entry in receiver `{name}`)"));
        }
        if email.is_none() {
            notes.push(format!("contact {name}: no email address; receiver `{name}` has no integration (a null receiver) until one is added"));
        }
        receivers.push(Receiver {
            name: name.to_owned(),
            email_configs: email
                .map(|e| EmailConfig { to: e.trim().to_owned(), send_resolved: resolved })
                .into_iter()
                .collect(),
        });
    }
    // Inhibitions.
    let host_down = vec![eq("alertname", "NagiosHostDown")];
    let mut inhibit_rules = vec![InhibitRule {
        source_matchers: host_down.clone(),
        target_matchers: vec!["service=~\".+\"".to_owned()],
        equal: vec!["host".to_owned()],
    }];
    let mut children: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for h in model.of(ObjectType::Host) {
        let Some(name) = h.text("host_name") else { continue };
        for p in h.list("parents") {
            children.entry(p).or_default().insert(name.to_owned());
        }
    }
    for (parent, kids) in &children {
        inhibit_rules.push(InhibitRule {
            source_matchers: vec![eq("alertname", "NagiosHostDown"), eq("host", parent)],
            target_matchers: vec![format!("host=~{}", quoted(&alternatives(kids)))],
            equal: Vec::new(),
        });
    }
    // Dependencies, grouped: one rule per (master service, dependent service, severities)
    // for those within one host (`equal: [host]`, the hosts listed), and per master for
    // those across hosts. One rule per expanded dependency made 30,000 rules at 10,000
    // hosts, each evaluated by Alertmanager for every alert.
    let mut same_host: BTreeMap<(String, String, String), BTreeSet<String>> = BTreeMap::new();
    let mut cross_host: BTreeMap<(String, String, String, String), BTreeSet<String>> =
        BTreeMap::new();
    for d in model.of(ObjectType::ServiceDependency) {
        let criteria = service_level::options(d, "notification_failure_options");
        let mut sev = BTreeSet::new();
        for o in criteria.split(',').map(str::trim) {
            match o {
                "w" | "u" => {
                    sev.insert("warning");
                }
                "c" => {
                    sev.insert("critical");
                }
                "" | "n" => {}
                other => notes.push(format!(
                    "servicedependency: notification failure criterion `{other}` has no alert to inhibit from; ignored"
                )),
            }
        }
        if sev.is_empty() {
            continue;
        }
        let first = |f: &str| {
            d.list(f).first().map(|t| t.to_string()).or_else(|| d.text(f).map(str::to_owned))
        };
        let (Some(mh), Some(ms), Some(dh), Some(ds)) = (
            first("host_name"),
            first("service_description"),
            first("dependent_host_name"),
            first("dependent_service_description"),
        ) else {
            continue;
        };
        let sev = sev.into_iter().collect::<Vec<_>>().join("|");
        if mh == dh {
            same_host.entry((ms, ds, sev)).or_default().insert(mh);
        } else {
            cross_host.entry((mh, ms, ds, sev)).or_default().insert(dh);
        }
    }
    for ((ms, ds, sev), hosts) in &same_host {
        inhibit_rules.push(InhibitRule {
            source_matchers: vec![
                format!("host=~{}", quoted(&alternatives(hosts))),
                eq("service", ms),
                format!("severity=~{}", quoted(sev)),
            ],
            target_matchers: vec![eq("service", ds)],
            equal: vec!["host".to_owned()],
        });
    }
    for ((mh, ms, ds, sev), hosts) in &cross_host {
        inhibit_rules.push(InhibitRule {
            source_matchers: vec![
                eq("host", mh),
                eq("service", ms),
                format!("severity=~{}", quoted(sev)),
            ],
            target_matchers: vec![
                format!("host=~{}", quoted(&alternatives(hosts))),
                eq("service", ds),
            ],
            equal: Vec::new(),
        });
    }
    // Host dependencies: the master's NagiosHostDown mutes every alert of the dependents
    // when the criteria name `d`. The alert fires for a host that fails its check whether
    // Nagios would call it DOWN or UNREACHABLE, so `u` alone cannot be told apart.
    let mut host_deps: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for d in model.of(ObjectType::HostDependency) {
        let criteria = service_level::options(d, "notification_failure_options");
        let criteria: BTreeSet<&str> = criteria.split(',').map(str::trim).collect();
        let first = |f: &str| {
            d.list(f).first().map(|t| t.to_string()).or_else(|| d.text(f).map(str::to_owned))
        };
        let (Some(mh), Some(dh)) = (first("host_name"), first("dependent_host_name")) else {
            continue;
        };
        if criteria.contains("d") {
            if !criteria.contains("u") {
                notes.push(format!("hostdependency {mh} → {dh}: criteria without `u` also mute while {mh} is UNREACHABLE (the host alert does not tell DOWN from UNREACHABLE)"));
            }
            host_deps.entry(mh).or_default().insert(dh);
        } else if criteria.contains("u") {
            notes.push(format!("hostdependency {mh} → {dh}: `u` without `d` is not translated (the host alert does not tell DOWN from UNREACHABLE); its notifications are not muted"));
        }
    }
    for (master, dependents) in &host_deps {
        inhibit_rules.push(InhibitRule {
            source_matchers: vec![eq("alertname", "NagiosHostDown"), eq("host", master)],
            target_matchers: vec![format!("host=~{}", quoted(&alternatives(dependents)))],
            equal: Vec::new(),
        });
    }
    let (mut escalated, mut partly) = (0, 0);
    let firsts = model
        .of(ObjectType::Service)
        .map(|o| escalations.first(o, &members))
        .chain(model.of(ObjectType::Host).map(|o| escalations.first_for_host(o, &members)));
    for first in firsts {
        match first {
            service_level::FirstNotification::Own => {}
            service_level::FirstNotification::Escalated(_) => escalated += 1,
            service_level::FirstNotification::Partly(_) => partly += 1,
        }
    }
    if escalated > 0 {
        notes.push(format!("{escalated} services and hosts have escalations valid from their first notification in every state and whenever they notify: their routes notify the escalations' contacts, as Nagios does, instead of their own"));
    }
    if partly > 0 {
        notes.push(format!("{partly} services and hosts have escalations valid for their first notification only in some states, in another escalation_period or up to a last_notification: Alertmanager cannot tell when, so their routes notify the escalations' contacts and those Nagios notifies otherwise (more people than Nagios at times)"));
    }
    let later = model.of(ObjectType::ServiceEscalation).count()
        + model.of(ObjectType::HostEscalation).count();
    if later > 0 {
        notes.push(format!("{later} escalation objects in all: what those starting after the first notification add is not translated (Alertmanager counts no notifications); their contacts are not routed for later notifications"));
    }
    let time_intervals = periods
        .iter()
        .filter(|(n, _)| used_periods.contains(*n))
        .map(|(n, p)| TimeInterval { name: n.clone(), time_intervals: p.entries.clone() })
        .chain(
            complements
                .into_iter()
                .map(|(name, time_intervals)| TimeInterval { name, time_intervals }),
        )
        .collect();
    if location.is_none() {
        notes.push("time intervals are evaluated in UTC (no location): set `location` to the Nagios server's time zone".to_owned());
    }
    notes.sort();
    notes.dedup();
    let config = Config {
        global: Global {
            smtp_smarthost: "127.0.0.1:25".to_owned(),
            smtp_from: from.to_owned(),
            smtp_require_tls: false,
        },
        route: Route {
            receiver: NULL_RECEIVER.to_owned(),
            group_by: ["alertname", "host", "service"].iter().map(|s| (*s).to_owned()).collect(),
            group_wait: Some("30s".to_owned()),
            group_interval: Some("5m".to_owned()),
            repeat_interval: Some("4h".to_owned()),
            routes,
            ..Route::default()
        },
        receivers,
        inhibit_rules,
        time_intervals,
    };
    Output { config: Some(config), notes }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(entries: &[Interval]) -> Vec<(String, String)> {
        entries.iter().map(|e| (e.months.join(","), e.days_of_month.join(","))).collect()
    }

    #[test]
    fn day_ranges_split_by_month_and_year_end() {
        let base = Interval::default();
        let s = |a: &str, b: &str| (a.to_owned(), b.to_owned());
        assert_eq!(spans(&month_day_entries(12, 25, 12, 25, &base)), vec![s("12", "25")]);
        assert_eq!(
            spans(&month_day_entries(1, 30, 3, 2, &base)),
            vec![s("1", "30:31"), s("2", ""), s("3", "1:2")]
        );
        assert_eq!(
            spans(&month_day_entries(11, 20, 1, 5, &base)),
            vec![s("11", "20:31"), s("12", "1:31"), s("1", "1:5")]
        );
        // Alertmanager refuses `30:-1`; `-1` alone and `-3:-1` stay.
        assert_eq!(spans(&month_day_entries(5, 30, 5, -1, &base)), vec![s("5", "30:31")]);
        assert_eq!(spans(&month_day_entries(5, -3, 5, -1, &base)), vec![s("5", "-3:-1")]);
    }

    fn entry(weekdays: &[&str], times: &[(&str, &str)]) -> Interval {
        Interval {
            weekdays: weekdays.iter().map(|w| (*w).to_owned()).collect(),
            times: times
                .iter()
                .map(|(a, b)| Times { start_time: (*a).to_owned(), end_time: (*b).to_owned() })
                .collect(),
            ..Interval::default()
        }
    }

    #[test]
    fn a_weekly_complement_holds_exactly_the_minutes_outside() {
        let any =
            |entries: &[Interval], t: i64| entries.iter().any(|e| e.contains(t) == Some(true));
        let periods = [
            vec![entry(&["monday:friday"], &[("09:00", "17:00")])],
            vec![
                entry(
                    &["monday", "tuesday", "wednesday", "thursday", "friday"],
                    &[("00:00", "09:00"), ("17:00", "24:00")],
                ),
                entry(&["saturday", "sunday"], &[]),
            ],
            vec![entry(&["sunday"], &[("22:30", "23:15")]), entry(&[], &[("00:00", "00:01")])],
            vec![entry(&["tuesday"], &[("08:00", "12:00"), ("10:00", "14:00")])],
        ];
        // 1970-01-04 was a Sunday; two weeks from it, every minute.
        let sunday = 3 * 86_400;
        for entries in &periods {
            let outside = weekly_complement(entries).expect("weekly");
            for minute in 0..(14 * 24 * 60) {
                let t = sunday + minute * 60;
                assert_ne!(any(entries, t), any(&outside, t), "{entries:?} at minute {minute}");
            }
        }
        assert_eq!(weekly_complement(&[entry(&[], &[])]), Some(Vec::new()));
        let all_week = [entry(&["sunday:saturday"], &[("00:00", "24:00")])];
        assert_eq!(weekly_complement(&all_week), Some(Vec::new()));
        let dated = Interval { days_of_month: vec!["1".to_owned()], ..Interval::default() };
        assert_eq!(weekly_complement(&[dated]), None);
    }

    #[test]
    fn matchers_escape_regex_and_quotes() {
        assert_eq!(contains("nagios_contacts", "a.b+c"), r#"nagios_contacts=~".*,a\\.b\\+c,.*""#);
        assert_eq!(eq("host", "x\"y"), r#"host="x\"y""#);
        assert_eq!(repeat(0.0, 60.0), ONCE);
        assert_eq!(repeat(30.0, 60.0), "30m");
    }
}
