//! API tokens: bearer credentials for scripts (library systems, integrations), each acting as
//! a service-account user of one role and, for a library system, one library. Shown once,
//! kept hashed, with an expiry and a last-used time; revocable; audited.

pub mod routes;
pub mod service;
