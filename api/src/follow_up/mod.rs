//! After the mobility: evaluation, knowledge sharing, local workshops, digital stories for
//! Kamra, new practice; and what follows from them: obligations, progress, indicators, exports.

pub mod access;
pub mod dissemination;
pub mod evaluation;
pub mod exports;
pub mod obligations;
pub mod policy;
pub mod practice;
pub mod routes;
pub mod stories;
pub mod workshops;
