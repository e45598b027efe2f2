//! SeaORM entities, one module per table, and the enums stored in them.

pub mod application;
pub mod application_document;
pub mod application_score;
pub mod application_signature;
pub mod application_status_change;
pub mod audit_log;
pub mod call;
pub mod call_committee_member;
pub mod call_mobility;
pub mod conflict_of_interest;
pub mod cost;
pub mod enums;
pub mod mobility;
pub mod mobility_selection;
pub mod mobility_visit;
pub mod notification;
pub mod organisation;
pub mod participant;
pub mod project;
pub mod project_team_member;
pub mod refresh_token;
pub mod selection_criterion;
pub mod selection_settings;
pub mod travel_details;
pub mod unit_cost_rates;
pub mod user;
