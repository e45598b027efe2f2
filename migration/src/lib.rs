//! Database migrations. Every migration runs on SQLite and PostgreSQL and has a `down`.

pub use sea_orm_migration::prelude::*;

mod common;
mod m20251001_000001_foundation;
mod m20251020_000002_applications;
mod m20251101_000003_selection;
mod m20251201_000004_costs;
mod m20251210_000005_preparation;
mod m20251215_000006_agreements;
mod m20260101_000007_after_mobility;
mod m20261201_000008_idempotency;
mod m20261202_000009_calendar_feeds;
mod m20261203_000010_events;
mod m20261204_000011_webhooks;
mod m20261205_000012_api_tokens;
mod m20261206_000013_mail;
mod m20261207_000014_process_rules;
mod m20261208_000015_partners;
mod m20261209_000016_sustainability;
mod m20261210_000017_signature_checks;
mod m20261211_000018_shared_documents;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20251001_000001_foundation::Migration),
            Box::new(m20251020_000002_applications::Migration),
            Box::new(m20251101_000003_selection::Migration),
            Box::new(m20251201_000004_costs::Migration),
            Box::new(m20251210_000005_preparation::Migration),
            Box::new(m20251215_000006_agreements::Migration),
            Box::new(m20260101_000007_after_mobility::Migration),
            Box::new(m20261201_000008_idempotency::Migration),
            Box::new(m20261202_000009_calendar_feeds::Migration),
            Box::new(m20261203_000010_events::Migration),
            Box::new(m20261204_000011_webhooks::Migration),
            Box::new(m20261205_000012_api_tokens::Migration),
            Box::new(m20261206_000013_mail::Migration),
            Box::new(m20261207_000014_process_rules::Migration),
            Box::new(m20261208_000015_partners::Migration),
            Box::new(m20261209_000016_sustainability::Migration),
            Box::new(m20261210_000017_signature_checks::Migration),
            Box::new(m20261211_000018_shared_documents::Migration),
        ]
    }
}
