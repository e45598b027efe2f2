//! Projects and their teams.

pub mod atom;
pub mod dto;
pub mod partners;
pub mod routes;
pub mod service;
