//! After the mobility, what follows from it: every participant's obligations (derived from
//! what is recorded, never typed in) and their deadlines, a mobility's progress, the project's
//! indicators against its targets, and the CSV exports for the final report.
//!
//! - `policy`: who may read the obligations, progress, indicators and exports;
//! - `service`: the obligations, their deadlines and a mobility's progress (the participant
//!   lifecycle asks it whether a participant has `completed`);
//! - `exports`: the indicators and the CSV exports;
//! - `dto` and `routes`: the bodies and the HTTP handlers.

pub mod dto;
pub mod exports;
pub mod policy;
pub mod routes;
pub mod service;
