//! Calls for applications: draft, open, closed.

pub mod dto;
pub mod policy;
pub mod routes;
pub mod service;
