//! A participant's sustainability record: how they travelled, whether they used local public
//! transport and local food providers, whether the mobility was planned online.

use crate::common::fk;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("sustainability_records")
                .col(pk_uuid("participant_id"))
                .col(string_len("travel_mode", 32))
                .col(boolean("local_public_transport"))
                .col(boolean("local_food"))
                .col(boolean("planned_online"))
                .col(text_null("notes"))
                .col(uuid("updated_by"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk(
                    "fk_sustainability_records_participant",
                    ("sustainability_records", "participant_id"),
                    ("participants", "id"),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("sustainability_records").to_owned())
            .await
    }
}
