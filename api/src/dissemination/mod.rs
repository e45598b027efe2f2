//! After the mobility, knowledge sharing: presentations, publications and posts, with their
//! evidence. One item may belong to several participants (a joint article counts for each).
//!
//! - `policy`: who may see, record and change an item, and a participant's list;
//! - `service`: recording, listing, changing and deleting items, and their evidence;
//! - `dto` and `routes`: the bodies and the HTTP handlers.

pub mod dto;
pub mod policy;
pub mod routes;
pub mod service;
