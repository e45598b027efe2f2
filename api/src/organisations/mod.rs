//! Organisations: the coordinator, member libraries, hosts and partners; CSV import.

pub mod dto;
pub mod routes;
pub mod service;
