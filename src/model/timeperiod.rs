//! Whether a time is inside a registered timeperiod, as Nagios 4.4.6 decides it
//! (`base/utils.c`: `check_time_against_period`, `_get_matching_timerange`,
//! `calculate_time_from_day_of_month`, `calculate_time_from_weekday_of_month`), in UTC (the
//! zone nag2prom's Alertmanager configuration uses unless `--alertmanager-timezone` is given).
//!
//! What Nagios does, kept here with its quirks:
//! - an `exclude`d period that contains the time makes it invalid, first;
//! - then the exceptions, by type (calendar dates, month dates, days of the month, weekdays of
//!   a month, weekdays of every month) and, within a type, in the order `objects.cache` lists
//!   them (the model's order): the **first** exception whose days contain the day decides
//!   alone, its ranges replacing the weekday's; only without one does the weekday line count;
//! - a day "contains" when `midnight + 84800 >= start` (84800, not 86400, in Nagios' source)
//!   and the end is not before midnight, or the range wraps (`start > end`);
//! - a range includes its last second (`test_time <= midnight + end`), so `00:00-00:00` is the
//!   first second of the day and `09:00-17:00` includes 17:00:00;
//! - a day of the month that does not exist (`day 31` in April, the 5th Monday) makes the
//!   exception's start invalid (skipped) and its end the month's last day where Nagios says
//!   so; `mktime` normalisation of out-of-range calendar dates (`2025-02-30`) is reproduced.

use std::collections::HashMap;

use nag2prom_parsers::object::ObjectType;
use nag2prom_parsers::timeperiod::{self, ExceptionType, LineKind, TimePeriodLine};

use super::Model;

const DAY: i64 = 86_400;

/// Every registered timeperiod of a model, ready to be evaluated.
#[derive(Debug, Default)]
pub struct Calendar {
    periods: HashMap<String, Period>,
}

#[derive(Debug, Default)]
struct Period {
    /// Ranges `(start, end)` in seconds after midnight, per weekday (0 = Sunday).
    days: [Vec<(i64, i64)>; 7],
    /// Exceptions by type, in evaluation order.
    exceptions: [Vec<TimePeriodLine>; 5],
    excludes: Vec<String>,
}

impl Period {
    /// A weekday line replaces that day's ranges; an exception joins its type's list.
    fn add(&mut self, line: TimePeriodLine) {
        match (line.kind, line.kind.exception_type()) {
            (LineKind::Weekday(w), _) => self.days[usize::from(w.index()) % 7] = seconds(&line),
            (_, Some(t)) => self.exceptions[exception_index(t)].push(line),
            (_, None) => {}
        }
    }
}

impl Calendar {
    /// The timeperiods of `model`.
    pub fn of(model: &Model) -> Calendar {
        let mut periods = HashMap::new();
        for object in model.of(ObjectType::TimePeriod) {
            let Some(name) = object.text("timeperiod_name") else { continue };
            let mut period = Period::default();
            for field in &object.fields {
                if matches!(field.name, "timeperiod_name" | "alias" | "exclude" | "name" | "use") {
                    continue;
                }
                let value = field.value.to_cache_string();
                let Ok(line) = timeperiod::parse_timeperiod_line(field.name, &value) else {
                    continue;
                };
                period.add(line);
            }
            period.excludes = object.list("exclude").iter().map(|e| e.to_string()).collect();
            periods.insert(name.to_owned(), period);
        }
        Calendar { periods }
    }

    /// The names of its timeperiods.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.periods.keys().map(String::as_str)
    }

    /// Whether `time` (seconds since the epoch, UTC) is inside timeperiod `name`; `None` for
    /// an unknown name.
    pub fn contains(&self, name: &str, time: i64) -> Option<bool> {
        self.check(name, time, 0)
    }

    fn check(&self, name: &str, time: i64, depth: usize) -> Option<bool> {
        let period = self.periods.get(name)?;
        // Nagios refuses circular exclusions before it runs; stop here rather than recurse.
        if depth > 32 {
            return Some(false);
        }
        for excluded in &period.excludes {
            if self.check(excluded, time, depth + 1) == Some(true) {
                return Some(false);
            }
        }
        let midnight = time.div_euclid(DAY) * DAY;
        let ranges = matching_ranges(period, time, midnight);
        Some(ranges.iter().any(|&(s, e)| time >= midnight + s && time <= midnight + e))
    }
}

fn exception_index(t: ExceptionType) -> usize {
    match t {
        ExceptionType::CalendarDate => 0,
        ExceptionType::MonthDate => 1,
        ExceptionType::MonthDay => 2,
        ExceptionType::MonthWeekDay => 3,
        ExceptionType::WeekDay => 4,
    }
}

fn seconds(line: &TimePeriodLine) -> Vec<(i64, i64)> {
    line.ranges
        .iter()
        .map(|r| (i64::from(r.start_minute) * 60, i64::from(r.end_minute) * 60))
        .collect()
}

/// `_get_matching_timerange`: the ranges of the first exception whose days contain the day of
/// `time`, else the weekday's.
fn matching_ranges(period: &Period, time: i64, midnight: i64) -> Vec<(i64, i64)> {
    let (year, mon, _) = civil(time.div_euclid(DAY));
    let wday = weekday(time.div_euclid(DAY));
    for (index, list) in period.exceptions.iter().enumerate() {
        for line in list {
            let single_day;
            let (mut start, mut end);
            let mut end_year = year;
            match line.kind {
                LineKind::CalendarDate { start: s, end: e } => {
                    start = normalised(s.year, s.month - 1, s.day);
                    end = normalised(e.year, e.month - 1, e.day);
                    single_day = s == e;
                }
                LineKind::MonthDate { start: s, end: e } => {
                    let (sm, em) = (i32::from(s.month.index()), i32::from(e.month.index()));
                    start = day_of_month(year, sm, s.day);
                    end = day_of_month(year, em, e.day);
                    if end < start {
                        end_year += 1;
                        end = day_of_month(end_year, em, e.day);
                    }
                    single_day = false;
                }
                LineKind::MonthDay { start: s, end: e } => {
                    start = day_of_month(year, mon, s);
                    end = day_of_month(year, mon, e);
                    single_day = false;
                }
                LineKind::MonthWeekDay { start: s, end: e } => {
                    let (sm, em) = (i32::from(s.month.index()), i32::from(e.month.index()));
                    start = weekday_of_month(year, sm, wd(s.weekday), s.offset);
                    end = weekday_of_month(year, em, wd(e.weekday), e.offset);
                    if end < start {
                        end_year += 1;
                        end = weekday_of_month(end_year, em, wd(e.weekday), e.offset);
                    }
                    single_day = false;
                }
                LineKind::WeekDay { start: s, end: e } => {
                    start = weekday_of_month(year, mon, wd(s.weekday), s.offset);
                    end = weekday_of_month(year, mon, wd(e.weekday), e.offset);
                    single_day = false;
                }
                LineKind::Weekday(_) => continue,
            }
            if start == 0 {
                continue;
            }
            if end == 0 {
                // The end slipped past the month: its last day, where Nagios allows it.
                end = match line.kind {
                    LineKind::CalendarDate { .. } => continue,
                    LineKind::MonthDate { end: e, .. } if e.day < 0 => continue,
                    LineKind::MonthDate { end: e, .. } => {
                        day_of_month(end_year, i32::from(e.month.index()), -1)
                    }
                    LineKind::MonthDay { end: e, .. } if e < 0 => continue,
                    LineKind::MonthDay { .. } => day_of_month(year, mon, -1),
                    LineKind::MonthWeekDay { end: e, .. } if e.offset < 0 => continue,
                    // Nagios takes the test time's month here, not the end's.
                    LineKind::MonthWeekDay { .. } => day_of_month(end_year, mon, -1),
                    LineKind::WeekDay { end: e, .. } if e.offset < 0 => continue,
                    LineKind::WeekDay { .. } => day_of_month(year, mon, -1),
                    LineKind::Weekday(_) => continue,
                };
            }
            if line.skip_interval > 1 {
                if start > time {
                    continue;
                }
                let days = (midnight - start) / DAY;
                if days % i64::from(line.skip_interval) != 0 {
                    continue;
                }
                start = midnight;
                if index == 0 && single_day {
                    end = midnight;
                }
            }
            let wraps = start > end;
            if (midnight + 84_800 >= start && (midnight <= end || wraps))
                || (midnight <= end && wraps)
            {
                return seconds(line);
            }
        }
    }
    period.days[wday as usize].clone()
}

fn wd(w: timeperiod::Weekday) -> i64 {
    i64::from(w.index()) % 7
}

/// Days since 1970-01-01 of a proleptic Gregorian date (`month` 1-12).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `(year, month 1-12, day)` of a day number since 1970-01-01 (proleptic Gregorian).
pub fn civil_date(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// `(year, month 0-11, day)` of a day number, as `struct tm` holds them.
fn civil(days: i64) -> (i32, i32, i32) {
    let (year, month, day) = civil_date(days);
    (year as i32, (month - 1) as i32, day as i32)
}

/// The weekday of a day number since 1970-01-01, 0 = Sunday.
pub fn weekday(days: i64) -> i64 {
    (days + 4).rem_euclid(7)
}

/// `mktime` of midnight of `year`-`month0`-`mday` with out-of-range fields normalised; the
/// day number and the resulting `(year, month0, mday)`.
fn mktime(year: i32, month0: i32, mday: i32) -> (i64, (i32, i32, i32)) {
    let y = i64::from(year) + i64::from(month0).div_euclid(12);
    let m = i64::from(month0).rem_euclid(12);
    let days = days_from_civil(y, m + 1, 1) + i64::from(mday) - 1;
    (days, civil(days))
}

/// Seconds of a normalised calendar date (an out-of-range day rolls over, as `mktime` does).
fn normalised(year: i32, month0: i32, mday: i32) -> i64 {
    mktime(year, month0, mday).0 * DAY
}

/// `calculate_time_from_day_of_month`: midnight of day `monthday` of the month (negative from
/// the end), 0 when it falls outside the month.
fn day_of_month(year: i32, month0: i32, monthday: i32) -> i64 {
    if monthday > 0 {
        let (days, (_, m, _)) = mktime(year, month0, monthday);
        return if m == month0.rem_euclid(12) { days * DAY } else { 0 };
    }
    // The last day of the month, then back.
    let mut day = 32;
    let last = loop {
        day -= 1;
        let (_, date) = mktime(year, month0, day);
        if date.1 == month0.rem_euclid(12) {
            break date;
        }
    };
    let back = if monthday < -30 { -30 } else { monthday + 1 };
    let (y, m, d) = last;
    let (days, date) = mktime(y, m, d + back);
    if date.1 == month0.rem_euclid(12) { days * DAY } else { 0 }
}

/// `calculate_time_from_weekday_of_month`: midnight of the `offset`-th `weekday` (0 = Sunday)
/// of the month (negative from the end), 0 when it falls outside the month.
fn weekday_of_month(year: i32, month0: i32, weekday_index: i64, offset: i32) -> i64 {
    let (first, _) = mktime(year, month0, 1);
    let mut days = weekday_index - weekday(first);
    if days < 0 {
        days += 7;
    }
    let month = month0.rem_euclid(12);
    if offset > 0 {
        let weeks = i64::from(offset.min(5));
        days += (weeks - 1) * 7;
        let (d, (_, m, _)) = mktime(year, month0, (days + 1) as i32);
        return if m == month { d * DAY } else { 0 };
    }
    days += 35;
    let mut date;
    loop {
        days -= 7;
        let (_, normalised) = mktime(year, month0, (days + 1) as i32);
        date = normalised;
        if date.1 == month {
            break;
        }
    }
    let weeks = i64::from(offset.max(-5));
    let back = ((weeks + 1) * 7) as i32;
    let (y, m, d) = date;
    let (d2, (_, m2, _)) = mktime(y, m, d + back);
    if m2 == month { d2 * DAY } else { 0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A calendar of one timeperiod written as its directive lines.
    fn calendar(lines: &[(&str, &str)], excludes: &[&str]) -> Calendar {
        let mut period = Period::default();
        for (name, value) in lines {
            let line = timeperiod::parse_timeperiod_line(name, value).unwrap();
            period.add(line);
        }
        period.excludes = excludes.iter().map(|e| (*e).to_owned()).collect();
        let mut periods = HashMap::new();
        periods.insert("p".to_owned(), period);
        Calendar { periods }
    }

    fn at(y: i64, m: i64, d: i64, hh: i64, mm: i64) -> i64 {
        days_from_civil(y, m, d) * DAY + hh * 3600 + mm * 60
    }

    #[test]
    fn civil_dates_round_trip_and_weekdays() {
        for days in -1000..30_000 {
            let (y, m, d) = civil(days);
            assert_eq!(days_from_civil(i64::from(y), i64::from(m) + 1, i64::from(d)), days);
        }
        assert_eq!(weekday(days_from_civil(2024, 2, 29)), 4, "2024-02-29 was a Thursday");
        assert_eq!(weekday(0), 4, "1970-01-01 was a Thursday");
    }

    #[test]
    fn days_of_months_as_nagios_computes_them() {
        let day = |y, m0, d| civil(day_of_month(y, m0, d) / DAY);
        assert_eq!(day(2024, 1, -1), (2024, 1, 29), "last day of February 2024");
        assert_eq!(day(2023, 1, -1), (2023, 1, 28));
        assert_eq!(day_of_month(2024, 3, 31), 0, "no April 31");
        assert_eq!(day(2024, 4, -3), (2024, 4, 29));
        let wom = |y, m0, w, o| civil(weekday_of_month(y, m0, w, o) / DAY);
        // US holidays: Memorial Day (last Monday of May), Thanksgiving (4th Thursday of
        // November), Labor Day (1st Monday of September), 2024.
        assert_eq!(wom(2024, 4, 1, -1), (2024, 4, 27));
        assert_eq!(wom(2024, 10, 4, 4), (2024, 10, 28));
        assert_eq!(wom(2024, 8, 1, 1), (2024, 8, 2));
        assert_eq!(weekday_of_month(2024, 1, 1, 5), 0, "no fifth Monday in February 2024");
        assert_eq!(wom(2024, 1, 4, 5), (2024, 1, 29), "but a fifth Thursday");
    }

    #[test]
    fn exceptions_replace_the_weekday_and_ranges_include_their_end() {
        let c = calendar(
            &[
                ("monday", "09:00-17:00"),
                ("monday -1 may", "00:00-00:00"),
                ("day 1", "10:00-11:00"),
            ],
            &[],
        );
        let p = |t| c.contains("p", t).unwrap();
        // Monday 2024-05-20: the weekday schedule, 17:00:00 included, 17:00:01 not.
        assert!(p(at(2024, 5, 20, 9, 0)) && p(at(2024, 5, 20, 17, 0)));
        assert!(!p(at(2024, 5, 20, 17, 0) + 1) && !p(at(2024, 5, 20, 8, 59)));
        // Memorial Day 2024-05-27: the exception's empty range holds only its first second.
        assert!(p(at(2024, 5, 27, 0, 0)) && !p(at(2024, 5, 27, 0, 0) + 1));
        assert!(!p(at(2024, 5, 27, 10, 0)));
        // Monday 2024-07-01: `day 1` decides alone (the weekday's 09:00-17:00 does not count).
        assert!(p(at(2024, 7, 1, 10, 30)) && !p(at(2024, 7, 1, 12, 0)));
        // Tuesday: nothing.
        assert!(!p(at(2024, 5, 21, 12, 0)));
    }

    /// Nagios' own assertions (t-tap/test_timeperiods.c, 4.4.6) on `sunday_only` of
    /// t-tap/smallconfig/minimal.cfg, for the times its TZ=Europe/London run puts after the
    /// clock change, where London is UTC.
    #[test]
    fn nagios_own_test_timeperiods_assertions_hold() {
        let c = calendar(&[("sunday", "00:00-01:15,03:15-22:00")], &[]);
        for (time, valid, what) in [
            (1_256_440_500, true, "Sun Oct 25 03:15:00 2009 - true"),
            (1_256_500_000, true, "Sun Oct 25 19:46:40 2009 - true"),
            (1_256_508_000, true, "Sun Oct 25 22:00:00 2009 - true"),
            (1_256_508_001, false, "Sun Oct 25 22:00:01 2009 - false"),
            (1_256_513_000, false, "Sun Oct 25 23:23:20 2009 - false"),
        ] {
            assert_eq!(c.contains("p", time), Some(valid), "{what}");
        }
    }

    #[test]
    fn skips_wrapping_ranges_and_excludes() {
        let c = calendar(&[("2024-01-01 / 3", "00:00-24:00")], &[]);
        let p = |t| c.contains("p", t).unwrap();
        assert!(p(at(2024, 1, 1, 12, 0)) && !p(at(2024, 1, 2, 12, 0)) && p(at(2024, 1, 4, 12, 0)));
        assert!(!p(at(2023, 12, 31, 12, 0)), "before the skip start");
        // `november 25 - january 5` wraps the year end. Nagios moves the end to next year's
        // January 5 and compares from this year's November 25, so the January days are never
        // inside (in January the start is still this year's November): only Nov 25 - Dec 31.
        let c = calendar(&[("november 25 - january 5", "00:00-24:00")], &[]);
        let p = |t| c.contains("p", t).unwrap();
        assert!(p(at(2024, 11, 25, 0, 0)) && p(at(2024, 12, 31, 12, 0)));
        assert!(
            !p(at(2024, 1, 3, 12, 0)) && !p(at(2025, 1, 3, 12, 0)) && !p(at(2024, 7, 1, 12, 0))
        );
        // An excluded period that holds the time wins.
        let mut c = calendar(&[("monday", "00:00-24:00")], &["lunch"]);
        let lunch = calendar(&[("monday", "12:00-13:00")], &[]);
        let mut periods = std::mem::take(&mut c.periods);
        periods.insert("lunch".to_owned(), lunch.periods.into_values().next().unwrap());
        let c = Calendar { periods };
        assert_eq!(c.contains("p", at(2024, 5, 20, 12, 30)), Some(false));
        assert_eq!(c.contains("p", at(2024, 5, 20, 14, 0)), Some(true));
        assert_eq!(c.contains("nope", 0), None);
    }
}
