//! After the mobility, its evaluation: the satisfaction questionnaire and its aggregates, the
//! participant's report and summary of findings, and the mobility's evaluation (the material
//! for the mobility report).
//!
//! - `policy`: who may set, read and answer the questionnaire, and read, write and submit a
//!   report;
//! - `service`: the questionnaire, the answers (`responses`), the report (`reports`), the
//!   mobility's evaluation (`summary`);
//! - `dto` and `routes`: the bodies and the HTTP handlers.

pub mod dto;
pub mod policy;
pub mod routes;
pub mod service;
