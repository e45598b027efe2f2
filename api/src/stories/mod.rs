//! After the mobility, digital stories for the Kamra heritage portal, made from
//! cultural-heritage workshops; contributors are named only with their recorded consent and
//! licence.
//!
//! - `policy`: who may see, write, submit and publish a story, and the list's scope;
//! - `service`: `authoring` (create, read, edit), `media` (upload and licence),
//!   `publication` (submit, publish, the Kamra package with Dublin Core);
//! - `dto` and `routes`: the bodies and the HTTP handlers.

pub mod dto;
pub mod policy;
pub mod routes;
pub mod service;
