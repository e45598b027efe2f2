//! E-mail that is really sent: the outbox gains delivery state (attempts, next attempt, last
//! error, Message-ID), a language, an attachment, whether the recipient may opt out, and a key
//! that queues a reminder once; users gain a switch for reminders.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one column at a time.
        let columns = [
            integer("attempts").default(0).to_owned(),
            timestamp_with_time_zone_null("next_attempt_at").to_owned(),
            string_len_null("last_error", 500).to_owned(),
            string_len_null("message_id", 200).to_owned(),
            string_len("language", 8).default("sl").to_owned(),
            boolean("mandatory").default(true).to_owned(),
            string_len_null("dedup_key", 200).to_owned(),
            string_len_null("request_id", 128).to_owned(),
            string_len_null("attachment_name", 200).to_owned(),
            string_len_null("attachment_type", 100).to_owned(),
            text_null("attachment").to_owned(),
        ];
        for mut c in columns {
            m.alter_table(
                Table::alter()
                    .table("notifications")
                    .add_column(&mut c)
                    .to_owned(),
            )
            .await?;
        }
        m.create_index(
            Index::create()
                .name("idx_notifications_dedup_key")
                .table("notifications")
                .col("dedup_key")
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_notifications_due")
                .table("notifications")
                .col("status")
                .col("next_attempt_at")
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("users")
                .add_column(boolean("reminders").default(true))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("users")
                .drop_column("reminders")
                .to_owned(),
        )
        .await?;
        m.drop_index(
            Index::drop()
                .name("idx_notifications_due")
                .table("notifications")
                .to_owned(),
        )
        .await?;
        m.drop_index(
            Index::drop()
                .name("idx_notifications_dedup_key")
                .table("notifications")
                .to_owned(),
        )
        .await?;
        for c in [
            "attempts",
            "next_attempt_at",
            "last_error",
            "message_id",
            "language",
            "mandatory",
            "dedup_key",
            "request_id",
            "attachment_name",
            "attachment_type",
            "attachment",
        ] {
            m.alter_table(
                Table::alter()
                    .table("notifications")
                    .drop_column(c)
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
