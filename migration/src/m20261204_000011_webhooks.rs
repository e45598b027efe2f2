//! Webhook endpoints (a URL, event types, a signing secret, how far events were handed to it)
//! and their deliveries (a durable queue and log).

use crate::common::fk;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("webhook_endpoints")
                .col(pk_uuid("id"))
                .col(uuid("owner_id"))
                .col(string_len("url", 2000))
                .col(string_len_null("description", 300))
                .col(json("event_types"))
                .col(string_len("secret", 100))
                .col(big_integer("cursor"))
                .col(boolean("active"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk(
                    "fk_webhook_endpoints_owner",
                    ("webhook_endpoints", "owner_id"),
                    ("users", "id"),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_webhook_endpoints_owner")
                .table("webhook_endpoints")
                .col("owner_id")
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("webhook_deliveries")
                .col(pk_uuid("id"))
                .col(uuid("endpoint_id"))
                .col(uuid("event_id"))
                .col(string_len("event_type", 64))
                .col(text("payload"))
                .col(string_len_null("request_id", 128))
                .col(string_len("status", 16))
                .col(integer("attempts"))
                .col(timestamp_with_time_zone_null("next_attempt_at"))
                .col(timestamp_with_time_zone_null("last_attempt_at"))
                .col(integer_null("response_status"))
                .col(string_len_null("last_error", 500))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("delivered_at"))
                .foreign_key(&mut fk(
                    "fk_webhook_deliveries_endpoint",
                    ("webhook_deliveries", "endpoint_id"),
                    ("webhook_endpoints", "id"),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_webhook_deliveries_due")
                .table("webhook_deliveries")
                .col("status")
                .col("next_attempt_at")
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_webhook_deliveries_endpoint")
                .table("webhook_deliveries")
                .col("endpoint_id")
                .col("created_at")
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("webhook_deliveries").to_owned())
            .await?;
        m.drop_table(Table::drop().table("webhook_endpoints").to_owned())
            .await
    }
}
