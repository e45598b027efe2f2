//! Erasmus+ staff-mobility project management for library networks: the service as a library,
//! so that the binary and the black-box tests build the same application.

pub mod agreements;
pub mod api_tokens;
pub mod applications;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod budget;
pub mod calls;
pub mod clock;
pub mod config;
pub mod costs;
pub mod cpu;
pub mod db;
pub mod dissemination;
pub mod evaluation;
pub mod events;
pub mod fsutil;
pub mod health;
pub mod http;
pub mod jobs;
pub mod metrics;
pub mod mobilities;
pub mod money;
pub mod notifications;
pub mod obligations;
pub mod openapi;
pub mod organisations;
pub mod overview;
pub mod participants;
pub mod patches;
pub mod pdf;
pub mod pdf_signature;
pub mod practice;
pub mod preparation;
pub mod privacy;
pub mod projects;
pub mod render;
pub mod seed;
pub mod selection;
pub mod shared_documents;
pub mod startup;
pub mod state;
pub mod storage;
pub mod stories;
pub mod sustainability;
pub mod telemetry;
pub mod users;
pub mod webhooks;
pub mod workshops;
pub mod xml;

#[cfg(test)]
mod layout;

pub use config::Settings;
pub use startup::Application;
