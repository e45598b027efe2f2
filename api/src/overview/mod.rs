//! `GET /api/v1/me/overview`: what needs the caller's attention now, for their role, in one
//! call, with the ids to act on and the names a screen shows (library, host, mobility).

pub mod dto;
mod parts;
pub mod routes;
pub mod service;
mod staff;
