//! Preparation: meetings with attendance, and each participant's preparation tasks.

use crate::common::{created_updated, fk};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            created_updated(
                Table::create()
                    .table("meetings")
                    .col(pk_uuid("id"))
                    .col(uuid("mobility_id"))
                    .col(string("kind").check(Expr::col("kind").is_in([
                        "coordinator_preparation",
                        "host_preparation",
                        "evaluation",
                        "internal",
                    ])))
                    .col(string("title"))
                    .col(timestamp_with_time_zone("starts_at"))
                    .col(integer("duration_minutes").check(Expr::col("duration_minutes").gt(0)))
                    .col(string_null("online_link"))
                    .col(text_null("notes"))
                    .col(uuid("created_by"))
                    .foreign_key(&mut fk(
                        "fk_meetings_mobility",
                        ("meetings", "mobility_id"),
                        ("mobilities", "id"),
                        ForeignKeyAction::Cascade,
                    )),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_meetings_mobility")
                .table("meetings")
                .col("mobility_id")
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("meeting_attendance")
                .col(uuid("meeting_id"))
                .col(uuid("participant_id"))
                .col(boolean("attended"))
                .col(uuid("recorded_by"))
                .col(timestamp_with_time_zone("recorded_at"))
                .primary_key(Index::create().col("meeting_id").col("participant_id"))
                .foreign_key(&mut fk(
                    "fk_attendance_meeting",
                    ("meeting_attendance", "meeting_id"),
                    ("meetings", "id"),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_attendance_participant",
                    ("meeting_attendance", "participant_id"),
                    ("participants", "id"),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("preparation_tasks")
                .col(pk_uuid("id"))
                .col(uuid("participant_id"))
                .col(string("key"))
                .col(string("title"))
                .col(boolean("automatic"))
                .col(integer("position"))
                .col(timestamp_with_time_zone_null("done_at"))
                .col(uuid_null("done_by"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk(
                    "fk_tasks_participant",
                    ("preparation_tasks", "participant_id"),
                    ("participants", "id"),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_tasks_participant_key")
                .table("preparation_tasks")
                .col("participant_id")
                .col("key")
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["preparation_tasks", "meeting_attendance", "meetings"] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
