//! The call phase: applications, their signed documents, the two signatures, submission.

pub mod dto;
pub mod history;
pub mod policy;
pub mod received;
pub mod routes;
pub mod service;
