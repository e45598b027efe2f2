//! Mobility activities of a project.

pub mod dto;
pub mod routes;
pub mod service;
