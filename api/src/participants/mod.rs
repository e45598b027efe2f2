//! Participants: the people selected for a mobility, from selection to the last obligation.
//!
//! - `access`: who sees a participant and who is the participant (one scope for single reads
//!   and lists);
//! - `lifecycle`: every change of a participant's status, and the only caller of the
//!   preparation checklist;
//! - `service` and `routes`: reading, linking a user account, withdrawal, the return.

pub mod access;
pub mod dto;
pub mod lifecycle;
pub mod routes;
pub mod service;
