//! Grant and learning agreements, and the Europass Mobility record: content filled from the
//! mobility and participant, versions, a deterministic PDF, and each party's own signature.

pub mod content;
pub mod policy;
pub mod routes;
pub mod service;
