//! The notification outbox: messages queued for applicants, libraries and participants.
//! Delivery (e-mail) reads from here; the API shows the queue to admins and coordinators.

pub mod outcome;
pub mod routes;
pub mod service;
