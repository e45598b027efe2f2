//! The audit log: who changed what, when. Written in the same transaction as the change.

pub mod dto;
pub mod routes;
pub mod service;

pub use service::{Actor, record};
