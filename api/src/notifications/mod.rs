//! The notification outbox: messages queued for applicants, libraries, participants, the
//! committee and hosts, in their language ([`mail`], [`outcome`]), sent by SMTP ([`smtp`]);
//! reminders queue themselves ([`reminders`]). The API shows the queue to admins and
//! coordinators.

pub mod mail;
pub mod outcome;
pub mod reminders;
pub mod routes;
pub mod service;
pub mod smtp;
