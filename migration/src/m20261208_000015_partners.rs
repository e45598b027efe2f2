//! Partner organisations linked to a project with their role (e.g. the Centre for
//! International Cooperation of the Ljubljana City Library as a cooperation partner).

use crate::common::fk;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("project_partners")
                .col(pk_uuid("id"))
                .col(uuid("project_id"))
                .col(uuid("organisation_id"))
                .col(string_len("role", 32))
                .col(text_null("description"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "fk_project_partners_project",
                    ("project_partners", "project_id"),
                    ("projects", "id"),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_project_partners_organisation",
                    ("project_partners", "organisation_id"),
                    ("organisations", "id"),
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_project_partners_project_organisation")
                .table("project_partners")
                .col("project_id")
                .col("organisation_id")
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("project_partners").to_owned())
            .await
    }
}
