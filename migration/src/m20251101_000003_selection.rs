//! Selection by the committee: committee, criteria, scores, conflicts, decisions, participants,
//! and the notification outbox.

use crate::common::fk;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // How many applicants a mobility keeps in reserve after the selection.
        m.alter_table(
            Table::alter()
                .table("mobilities")
                .add_column(
                    integer("reserve_places")
                        .default(3)
                        .check(Expr::col("reserve_places").gte(0)),
                )
                .to_owned(),
        )
        .await?;
        // The outcome an applicant sees: rank in the final ranking, place on the reserve list.
        m.alter_table(
            Table::alter()
                .table("applications")
                .add_column(integer_null("selection_rank"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("applications")
                .add_column(integer_null("reserve_rank"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("call_committee_members")
                .col(uuid("call_id"))
                .col(uuid("user_id"))
                .col(timestamp_with_time_zone("created_at"))
                .primary_key(Index::create().col("call_id").col("user_id"))
                .foreign_key(&mut fk(
                    "fk_committee_call",
                    ("call_committee_members", "call_id"),
                    ("calls", "id"),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_committee_user",
                    ("call_committee_members", "user_id"),
                    ("users", "id"),
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("selection_criteria")
                .col(pk_uuid("id"))
                .col(uuid("call_id"))
                .col(string("key"))
                .col(string("title"))
                .col(integer("max_points").check(Expr::col("max_points").gt(0)))
                .col(integer("weight").check(Expr::col("weight").gt(0)))
                .col(integer("position"))
                .foreign_key(&mut fk(
                    "fk_criteria_call",
                    ("selection_criteria", "call_id"),
                    ("calls", "id"),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_criteria_call_key")
                .table("selection_criteria")
                .col("call_id")
                .col("key")
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("selection_settings")
                .col(uuid("call_id").primary_key())
                .col(integer_null("quorum"))
                .col(
                    integer("fewer_opportunities_bonus")
                        .check(Expr::col("fewer_opportunities_bonus").gte(0)),
                )
                .col(boolean("fewer_opportunities_first_in_ties"))
                .foreign_key(&mut fk(
                    "fk_settings_call",
                    ("selection_settings", "call_id"),
                    ("calls", "id"),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("application_scores")
                .col(pk_uuid("id"))
                .col(uuid("application_id"))
                .col(uuid("member_id"))
                .col(json("scores"))
                .col(text_null("comment"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk(
                    "fk_scores_application",
                    ("application_scores", "application_id"),
                    ("applications", "id"),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_scores_member",
                    ("application_scores", "member_id"),
                    ("users", "id"),
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_scores_application_member")
                .table("application_scores")
                .col("application_id")
                .col("member_id")
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("conflicts_of_interest")
                .col(uuid("application_id"))
                .col(uuid("member_id"))
                .col(text_null("reason"))
                .col(timestamp_with_time_zone("declared_at"))
                .primary_key(Index::create().col("application_id").col("member_id"))
                .foreign_key(&mut fk(
                    "fk_conflicts_application",
                    ("conflicts_of_interest", "application_id"),
                    ("applications", "id"),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_conflicts_member",
                    ("conflicts_of_interest", "member_id"),
                    ("users", "id"),
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("mobility_selections")
                .col(uuid("mobility_id").primary_key())
                .col(uuid("call_id"))
                .col(uuid("finalised_by"))
                .col(timestamp_with_time_zone("finalised_at"))
                .col(text("justification"))
                .col(boolean("after_selection_due"))
                .foreign_key(&mut fk(
                    "fk_selections_mobility",
                    ("mobility_selections", "mobility_id"),
                    ("mobilities", "id"),
                    ForeignKeyAction::Restrict,
                ))
                .foreign_key(&mut fk(
                    "fk_selections_call",
                    ("mobility_selections", "call_id"),
                    ("calls", "id"),
                    ForeignKeyAction::Restrict,
                ))
                .foreign_key(&mut fk(
                    "fk_selections_user",
                    ("mobility_selections", "finalised_by"),
                    ("users", "id"),
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("participants")
                .col(pk_uuid("id"))
                .col(uuid("mobility_id"))
                .col(uuid_uniq("application_id"))
                .col(uuid("library_id"))
                .col(uuid_null("user_id"))
                .col(string("full_name"))
                .col(string("email"))
                .col(string("status").check(Expr::col("status").is_in([
                    "selected",
                    "contracted",
                    "prepared",
                    "travelled",
                    "completed",
                    "withdrawn",
                ])))
                .col(integer_null("reserve_rank"))
                .col(timestamp_with_time_zone_null("withdrawn_at"))
                .col(text_null("withdrawal_reason"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk(
                    "fk_participants_mobility",
                    ("participants", "mobility_id"),
                    ("mobilities", "id"),
                    ForeignKeyAction::Restrict,
                ))
                .foreign_key(&mut fk(
                    "fk_participants_application",
                    ("participants", "application_id"),
                    ("applications", "id"),
                    ForeignKeyAction::Restrict,
                ))
                .foreign_key(&mut fk(
                    "fk_participants_library",
                    ("participants", "library_id"),
                    ("organisations", "id"),
                    ForeignKeyAction::Restrict,
                ))
                .foreign_key(&mut fk(
                    "fk_participants_user",
                    ("participants", "user_id"),
                    ("users", "id"),
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_participants_mobility")
                .table("participants")
                .col("mobility_id")
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("notifications")
                .col(pk_uuid("id"))
                .col(string("recipient_email"))
                .col(uuid_null("recipient_user_id"))
                .col(string("kind"))
                .col(string("subject"))
                .col(text("body"))
                .col(string_null("object_type"))
                .col(string_null("object_id"))
                .col(
                    string("status").check(Expr::col("status").is_in(["queued", "sent", "failed"])),
                )
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("sent_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_notifications_status")
                .table("notifications")
                .col("status")
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "notifications",
            "participants",
            "mobility_selections",
            "conflicts_of_interest",
            "application_scores",
            "selection_settings",
            "selection_criteria",
            "call_committee_members",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        m.alter_table(
            Table::alter()
                .table("applications")
                .drop_column("reserve_rank")
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("applications")
                .drop_column("selection_rank")
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("mobilities")
                .drop_column("reserve_places")
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
