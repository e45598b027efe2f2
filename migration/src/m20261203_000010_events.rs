//! The event log (what changed, in commit order, for `GET /events` and webhooks) and a small
//! table of service-wide values (how far the log has been pruned); meetings can be cancelled.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // No foreign keys: an event outlives the object it names (`application.deleted`).
        m.create_table(
            Table::create()
                .table("events")
                .col(big_pk_auto("seq"))
                .col(uuid("id").unique_key())
                .col(string_len("event_type", 64))
                .col(timestamp_with_time_zone("occurred_at"))
                .col(string_len("object_type", 64))
                .col(uuid("object_id"))
                .col(uuid_null("project_id"))
                .col(uuid_null("library_id"))
                .col(string_len("scope", 16))
                .col(uuid_null("scope_id"))
                .col(json("data"))
                .col(string_len_null("dedup_key", 200).unique_key())
                .col(string_len_null("request_id", 128))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_events_library_seq")
                .table("events")
                .col("library_id")
                .col("seq")
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_events_occurred_at")
                .table("events")
                .col("occurred_at")
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("service_state")
                .col(string_len("key", 64).primary_key())
                .col(string("value"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("meetings")
                .add_column(timestamp_with_time_zone_null("cancelled_at"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("meetings")
                .drop_column("cancelled_at")
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table("service_state").to_owned())
            .await?;
        m.drop_table(Table::drop().table("events").to_owned()).await
    }
}
