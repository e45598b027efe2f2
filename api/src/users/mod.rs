//! People who use the system, their roles and their organisation.

pub mod cli;
pub mod dto;
pub mod policy;
pub mod routes;
pub mod service;
