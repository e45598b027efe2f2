//! Selection by the committee: committee, criteria, scores, conflicts of interest, the
//! ranking, the final decision with its reserve list, and participants.

pub mod dto;
pub mod policy;
pub mod ranking;
pub mod routes;
pub mod service;
