//! The Erasmus+ unit-cost grant of a project beside its real spending.

pub mod policy;
pub mod rates;
pub mod routes;
pub mod service;
pub mod units;
