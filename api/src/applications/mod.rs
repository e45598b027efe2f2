//! The call phase: applications, their signed documents, the two signatures, submission.

pub mod dto;
pub mod policy;
pub mod routes;
pub mod service;
