//! Webhooks: endpoints that receive the events their owner may see, as signed HTTP requests
//! (Standard Webhooks), from a durable queue with retries and a delivery log.

pub mod address;
pub mod delivery;
pub mod dto;
pub mod policy;
pub mod routes;
pub mod service;
pub mod signing;
