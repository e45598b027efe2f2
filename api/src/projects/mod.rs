//! Projects and their teams.

pub mod atom;
pub mod dto;
pub mod routes;
pub mod service;
