//! Projects and their teams.

pub mod dto;
pub mod routes;
pub mod service;
