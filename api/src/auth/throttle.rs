//! Login throttling: failed logins are counted per account (the e-mail as typed, known or
//! not, so that the answer never tells whether an account exists) and per client address.
//! Each has a bucket of attempts that refills one attempt per interval; when a bucket is
//! empty, logins for that account or from that address get 429 with `Retry-After` until the
//! next attempt is back. A successful login refills its account's bucket, so the owner is
//! never held back for longer than one interval after an attack stops. API tokens do not log
//! in and are not throttled.

use crate::config::Settings;
use crate::http::ApiError;
use actix_web::http::StatusCode;
use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Buckets kept per kind before full ones are forgotten (bounds memory under a spray of
/// made-up e-mails).
const MAX_TRACKED: usize = 100_000;

#[derive(Debug, Clone, Copy)]
struct Limit {
    burst: u32,
    refill: Duration,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    /// Attempts left (before the refill since `at`).
    left: u32,
    at: Instant,
}

struct Buckets<K> {
    limit: Limit,
    map: Mutex<HashMap<K, Bucket>>,
}

impl<K: Hash + Eq + Clone> Buckets<K> {
    fn new(limit: Limit) -> Self {
        Self {
            limit,
            map: Mutex::new(HashMap::new()),
        }
    }

    /// The bucket as of `now`, refilled for the time since it was last touched.
    fn current(&self, b: Bucket, now: Instant) -> Bucket {
        let refill = self.limit.refill.max(Duration::from_millis(1));
        let gained = (now.saturating_duration_since(b.at).as_millis() / refill.as_millis()) as u32;
        if gained == 0 {
            return b;
        }
        let left = b.left.saturating_add(gained).min(self.limit.burst);
        let at = if left == self.limit.burst {
            now
        } else {
            b.at + refill * gained
        };
        Bucket { left, at }
    }

    /// `None` when an attempt may be made; otherwise how long until one may.
    fn wait(&self, key: &K, now: Instant) -> Option<Duration> {
        let map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        let b = self.current(*map.get(key)?, now);
        (b.left == 0).then(|| (b.at + self.limit.refill).saturating_duration_since(now))
    }

    fn fail(&self, key: K, now: Instant) {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= MAX_TRACKED && !map.contains_key(&key) {
            let full = self.limit.burst;
            let limit = self.limit;
            map.retain(|_, b| {
                let refilled = now.saturating_duration_since(b.at).as_millis()
                    / limit.refill.max(Duration::from_millis(1)).as_millis();
                (b.left as u128 + refilled) < full as u128
            });
        }
        let b = map.get(&key).map_or(
            Bucket {
                left: self.limit.burst,
                at: now,
            },
            |b| self.current(*b, now),
        );
        map.insert(
            key,
            Bucket {
                left: b.left.saturating_sub(1),
                at: b.at,
            },
        );
    }

    fn forget(&self, key: &K) {
        self.map
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
    }
}

pub struct LoginThrottle {
    accounts: Buckets<String>,
    addresses: Buckets<IpAddr>,
}

impl LoginThrottle {
    pub fn new(settings: &Settings) -> Self {
        Self {
            accounts: Buckets::new(Limit {
                burst: settings.login_attempts_per_account.max(1),
                refill: Duration::from_secs(settings.login_account_refill_seconds),
            }),
            addresses: Buckets::new(Limit {
                burst: settings.login_attempts_per_address.max(1),
                refill: Duration::from_secs(settings.login_address_refill_seconds),
            }),
        }
    }

    /// Before a login is tried: 429 `auth.too_many_attempts` with `Retry-After` when the
    /// account or the address has no attempt left.
    pub fn check(
        &self,
        email: &str,
        address: Option<IpAddr>,
        now: Instant,
    ) -> Result<(), ApiError> {
        let wait = [
            self.accounts.wait(&email.to_string(), now),
            address.and_then(|a| self.addresses.wait(&a, now)),
        ]
        .into_iter()
        .flatten()
        .max();
        match wait {
            None => Ok(()),
            Some(w) => Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "auth.too_many_attempts",
                "Too many failed logins for this account or from this address; try again after the time in Retry-After.",
            )
            .retry_after(w.as_secs_f64().ceil() as u64)),
        }
    }

    /// A failed login counts against the account and the address.
    pub fn failed(&self, email: &str, address: Option<IpAddr>, now: Instant) {
        self.accounts.fail(email.to_string(), now);
        if let Some(a) = address {
            self.addresses.fail(a, now);
        }
    }

    /// A successful login gives the account its attempts back.
    pub fn succeeded(&self, email: &str) {
        self.accounts.forget(&email.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn throttle() -> LoginThrottle {
        LoginThrottle::new(&Settings {
            login_attempts_per_account: 3,
            login_account_refill_seconds: 60,
            login_attempts_per_address: 5,
            login_address_refill_seconds: 10,
            ..Settings::default()
        })
    }

    #[test]
    fn an_account_waits_one_interval_once_its_attempts_are_spent() {
        let t = throttle();
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(t.check("ana@x.si", None, t0).is_ok());
            t.failed("ana@x.si", None, t0);
        }
        let e = t.check("ana@x.si", None, t0).unwrap_err();
        assert_eq!(e.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(e.retry_after, Some(60));
        // Other accounts are not affected; one interval later one attempt is back.
        assert!(t.check("bor@x.si", None, t0).is_ok());
        let later = t0 + Duration::from_secs(60);
        assert!(t.check("ana@x.si", None, later).is_ok());
        t.failed("ana@x.si", None, later);
        assert!(t.check("ana@x.si", None, later).is_err());
        // A success gives every attempt back.
        t.succeeded("ana@x.si");
        assert!(t.check("ana@x.si", None, later).is_ok());
    }

    #[test]
    fn an_address_is_limited_across_accounts() {
        let t = throttle();
        let ip: IpAddr = "192.0.2.7".parse().unwrap();
        let t0 = Instant::now();
        for i in 0..5 {
            t.failed(&format!("user{i}@x.si"), Some(ip), t0);
        }
        let e = t.check("new@x.si", Some(ip), t0).unwrap_err();
        assert_eq!(e.retry_after, Some(10));
        assert!(
            t.check("new@x.si", Some("192.0.2.8".parse().unwrap()), t0)
                .is_ok()
        );
        assert!(
            t.check("new@x.si", Some(ip), t0 + Duration::from_secs(10))
                .is_ok()
        );
    }
}
