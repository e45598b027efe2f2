//! Shared documents: what the coordinators share with a project's or one mobility's
//! participants and hosts (the DTFL handbook, the programme, presentations, templates), as
//! uploaded files or links, in versions.

pub mod dto;
pub mod routes;
pub mod service;
