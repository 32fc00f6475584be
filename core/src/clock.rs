//! Where "now" comes from. Injectable, so that tests and replays of old traffic are exact.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

/// A source of the current time in whole seconds since the Unix epoch (a `NumericDate`).
pub trait Clock: Send + Sync {
    /// The current time, in seconds since 1970-01-01T00:00:00Z.
    fn now(&self) -> i64;
}

/// The system's wall clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            // A clock set before 1970: every token looks "not yet valid", which fails closed.
            Err(_) => 0,
        }
    }
}

/// A clock stopped at one instant; for tests, known-answer vectors and replaying old traffic.
///
/// ```
/// use hxjwt::{Clock, FixedClock};
/// assert_eq!(FixedClock(1_767_225_600).now(), 1_767_225_600);
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct FixedClock(pub i64);

impl Clock for FixedClock {
    fn now(&self) -> i64 {
        self.0
    }
}

impl fmt::Debug for FixedClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FixedClock({})", self.0)
    }
}

impl<F: Fn() -> i64 + Send + Sync> Clock for F {
    fn now(&self) -> i64 {
        self()
    }
}
