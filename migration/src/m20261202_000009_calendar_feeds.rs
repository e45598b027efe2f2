//! Personal calendar feeds (a secret URL a calendar application subscribes to), and a revision
//! number on meetings, so a moved meeting updates the event in subscribed calendars.

use crate::common::fk;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("calendar_feeds")
                .col(pk_uuid("id"))
                .col(uuid("user_id"))
                .col(string_len("token_hash", 64).unique_key())
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("last_used_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .foreign_key(&mut fk(
                    "fk_calendar_feeds_user",
                    ("calendar_feeds", "user_id"),
                    ("users", "id"),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_calendar_feeds_user")
                .table("calendar_feeds")
                .col("user_id")
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("meetings")
                .add_column(integer("sequence").default(0))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("meetings")
                .drop_column("sequence")
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table("calendar_feeds").to_owned())
            .await
    }
}
