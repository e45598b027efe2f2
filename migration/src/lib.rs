//! Database migrations. Every migration runs on SQLite and PostgreSQL and has a `down`.

pub use sea_orm_migration::prelude::*;

mod m20251001_000001_foundation;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(m20251001_000001_foundation::Migration)]
    }
}
