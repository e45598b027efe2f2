//! The event log: every state change a client cares about, written in the same transaction as
//! the change, read back in commit order by cursor (`GET /api/v1/events`) and delivered to
//! webhooks.

pub mod policy;
pub mod routes;
pub mod service;
pub mod types;

pub use service::{Event, Scope};
pub use types::EventType;
