//! What the project and the employers paid for each participant.

pub mod dto;
pub mod policy;
pub mod routes;
pub mod service;
