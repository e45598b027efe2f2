//! Idempotency keys: the first response to a `POST` sent with an `Idempotency-Key`, kept for
//! 24 hours so a retry gets it again instead of creating twice.

use crate::common::fk;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("idempotency_keys")
                .col(uuid("user_id"))
                .col(string_len("key", 255))
                .col(string_len("request_hash", 64))
                .col(string("state").check(Expr::col("state").is_in(["running", "done"])))
                .col(integer_null("response_status"))
                .col(text_null("response_headers"))
                .col(blob_null("response_body"))
                .col(timestamp_with_time_zone("created_at"))
                .primary_key(Index::create().col("user_id").col("key"))
                .foreign_key(&mut fk(
                    "fk_idempotency_user",
                    ("idempotency_keys", "user_id"),
                    ("users", "id"),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_idempotency_created")
                .table("idempotency_keys")
                .col("created_at")
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("idempotency_keys").to_owned())
            .await
    }
}
