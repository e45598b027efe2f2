//! What the project and the employers paid for each participant.

pub mod routes;
pub mod service;
