//! SeaORM entities, one module per table, and the enums stored in them.

pub mod application;
pub mod application_document;
pub mod application_signature;
pub mod application_status_change;
pub mod audit_log;
pub mod call;
pub mod call_mobility;
pub mod enums;
pub mod mobility;
pub mod mobility_visit;
pub mod organisation;
pub mod project;
pub mod project_team_member;
pub mod refresh_token;
pub mod user;
