//! After the mobility, local workshops for older adults: one per participating library per
//! mobility, its kind following the mobility's track (DTFL learning needs or cultural
//! heritage). Attendees are counted, never named.
//!
//! - `policy`: who may see, plan, change and report a workshop, and the list's scope;
//! - `service`: planning, changing, reporting, the plan document, and re-checking the library's
//!   participants' obligations ([`service::refresh_library`]);
//! - `dto` and `routes`: the bodies and the HTTP handlers.

pub mod dto;
pub mod policy;
pub mod routes;
pub mod service;
