//! After the mobility, new practice: the method a library brings into its regular work (DTFL,
//! or a good practice from Lithuania), its plan, and its adoption (planned, piloted, adopted).
//!
//! - `policy`: who may see, record and move forward a library's practice, and the list's scope;
//! - `service`: recording, listing and changing adoptions;
//! - `dto` and `routes`: the bodies and the HTTP handlers.

pub mod dto;
pub mod policy;
pub mod routes;
pub mod service;
