//! Organisations: the coordinator, member libraries, hosts and partners; CSV import.
//!
//! `scope`: whose library's records (workshops, digital stories, new practice) a caller may
//! see and change, shared by those capabilities' policies.

pub mod dto;
pub mod policy;
pub mod routes;
pub mod scope;
pub mod service;
