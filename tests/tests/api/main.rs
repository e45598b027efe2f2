//! Black-box tests of the HTTP API. Each test spawns the real application on port 0 with a
//! fresh database (SQLite, or PostgreSQL with MOBILITY_TEST_DATABASE_URL).

mod after;
mod agreement_documents;
mod agreements;
mod api_tokens;
mod applications;
mod audit;
mod auth;
mod authz;
mod browser;
mod budget;
mod calls;
mod contract;
mod conventions;
mod events;
mod hardening;
mod integration;
mod mail;
mod openapi;
mod organisations;
mod overview;
mod participants;
mod preparation;
mod privacy;
mod projects;
mod received;
mod schema;
mod seed;
mod selection;
mod shared_documents;
mod startup;
mod users;
mod webhooks;
