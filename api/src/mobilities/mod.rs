//! Mobility activities of a project.

pub mod dto;
pub mod policy;
pub mod routes;
pub mod schedule;
pub mod service;
