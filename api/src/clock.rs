//! The time the business rules see (deadlines, submission times). Injectable, so that tests
//! never depend on today's date.

use chrono::{DateTime, NaiveDate, Utc};
use std::sync::Mutex;

/// Today's date where the project's dates are kept (Europe/Ljubljana), by `clock`.
pub fn today(clock: &dyn Clock) -> NaiveDate {
    clock
        .now()
        .with_timezone(&chrono_tz::Europe::Ljubljana)
        .date_naive()
}

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The real time.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that shows the real time until it is set, then the time it was set to.
#[derive(Default)]
pub struct ManualClock {
    fixed: Mutex<Option<DateTime<Utc>>>,
}

impl ManualClock {
    pub fn set(&self, at: DateTime<Utc>) {
        *self.fixed.lock().unwrap_or_else(|e| e.into_inner()) = Some(at);
    }
    pub fn reset(&self) {
        *self.fixed.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        self.fixed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .unwrap_or_else(Utc::now)
    }
}
