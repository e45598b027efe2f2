//! Login, token refresh and logout; access tokens (JWT) and password hashing.

pub mod dto;
pub mod password;
pub mod routes;
pub mod service;
pub mod throttle;
pub mod tokens;
