//! After the mobility: questionnaire, report, knowledge sharing, workshops, digital stories,
//! new practice, and per-mobility obligation deadlines.

use crate::common::{created_updated, fk};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Days after return (or dates) for each obligation; null: the defaults.
        m.alter_table(
            Table::alter()
                .table("mobilities")
                .add_column(json_null("obligation_deadlines"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("participants")
                .add_column(timestamp_with_time_zone_null("returned_at"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("questionnaires")
                .col(uuid("mobility_id").primary_key())
                .col(json("questions"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk(
                    "fk_questionnaires_mobility",
                    ("questionnaires", "mobility_id"),
                    ("mobilities", "id"),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("questionnaire_responses")
                .col(uuid("participant_id").primary_key())
                .col(json("answers"))
                .col(timestamp_with_time_zone("submitted_at"))
                .foreign_key(&mut fk(
                    "fk_responses_participant",
                    ("questionnaire_responses", "participant_id"),
                    ("participants", "id"),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("participant_reports")
                .col(uuid("participant_id").primary_key())
                .col(text("goals_achieved"))
                .col(text("results"))
                .col(text("impacts"))
                .col(text("new_ideas"))
                .col(text("transfer_possibilities"))
                .col(text_null("report"))
                .col(string("status").check(Expr::col("status").is_in(["draft", "submitted"])))
                .col(timestamp_with_time_zone_null("submitted_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk(
                    "fk_reports_participant",
                    ("participant_reports", "participant_id"),
                    ("participants", "id"),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            created_updated(
                Table::create()
                    .table("dissemination_items")
                    .col(pk_uuid("id"))
                    .col(string("kind").check(Expr::col("kind").is_in([
                        "colleagues_presentation",
                        "professional_event",
                        "portal_publication",
                        "knjiznicarske_novice",
                        "library_website",
                        "social_media_post",
                    ])))
                    .col(date("date"))
                    .col(string("title"))
                    .col(string_null("url"))
                    .col(string_null("channel"))
                    .col(integer_null("audience_size"))
                    .col(string_null("evidence_sha256"))
                    .col(string_null("evidence_filename"))
                    .col(uuid("created_by")),
            )
            .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("dissemination_participants")
                .col(uuid("item_id"))
                .col(uuid("participant_id"))
                .primary_key(Index::create().col("item_id").col("participant_id"))
                .foreign_key(&mut fk(
                    "fk_dp_item",
                    ("dissemination_participants", "item_id"),
                    ("dissemination_items", "id"),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_dp_participant",
                    ("dissemination_participants", "participant_id"),
                    ("participants", "id"),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            created_updated(
                Table::create()
                    .table("workshops")
                    .col(pk_uuid("id"))
                    .col(uuid("library_id"))
                    .col(uuid("mobility_id"))
                    .col(
                        string("kind")
                            .check(Expr::col("kind").is_in(["dtfl_needs", "cultural_heritage"])),
                    )
                    .col(string("title"))
                    .col(text_null("planned_content"))
                    .col(string_null("planned_content_sha256"))
                    .col(date_null("planned_on"))
                    .col(date_null("held_on"))
                    .col(json("facilitators"))
                    .col(integer_null("attendees_count"))
                    .col(json_null("attendees_profile"))
                    .col(json_null("report"))
                    .col(
                        string("status")
                            .check(Expr::col("status").is_in(["planned", "held", "reported"])),
                    )
                    .foreign_key(&mut fk(
                        "fk_workshops_library",
                        ("workshops", "library_id"),
                        ("organisations", "id"),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_workshops_mobility",
                        ("workshops", "mobility_id"),
                        ("mobilities", "id"),
                        ForeignKeyAction::Restrict,
                    )),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_workshops_library_mobility")
                .table("workshops")
                .col("library_id")
                .col("mobility_id")
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            created_updated(
                Table::create()
                    .table("digital_stories")
                    .col(pk_uuid("id"))
                    .col(uuid("workshop_id"))
                    .col(string("title"))
                    .col(text("summary"))
                    .col(text("text"))
                    .col(string("language"))
                    .col(string_null("place"))
                    .col(string_null("period"))
                    .col(json("subjects"))
                    .col(json("contributors"))
                    .col(string("status").check(Expr::col("status").is_in([
                        "draft",
                        "submitted",
                        "published",
                    ])))
                    .col(string_null("kamra_url"))
                    .foreign_key(&mut fk(
                        "fk_stories_workshop",
                        ("digital_stories", "workshop_id"),
                        ("workshops", "id"),
                        ForeignKeyAction::Restrict,
                    )),
            )
            .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("story_media")
                .col(pk_uuid("id"))
                .col(uuid("story_id"))
                .col(string("filename"))
                .col(string("content_type"))
                .col(big_integer("size"))
                .col(string_len("sha256", 64))
                .col(string_null("caption"))
                .col(string_null("creator"))
                .col(string_null("licence"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "fk_media_story",
                    ("story_media", "story_id"),
                    ("digital_stories", "id"),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            created_updated(
                Table::create()
                    .table("practice_adoptions")
                    .col(pk_uuid("id"))
                    .col(uuid("library_id"))
                    .col(uuid("mobility_id"))
                    .col(string("method"))
                    .col(text("description"))
                    .col(json("plan"))
                    .col(
                        string("status")
                            .check(Expr::col("status").is_in(["planned", "piloted", "adopted"])),
                    )
                    .col(date_null("adopted_on"))
                    .col(text_null("first_regular_activity"))
                    .foreign_key(&mut fk(
                        "fk_adoptions_library",
                        ("practice_adoptions", "library_id"),
                        ("organisations", "id"),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_adoptions_mobility",
                        ("practice_adoptions", "mobility_id"),
                        ("mobilities", "id"),
                        ForeignKeyAction::Restrict,
                    )),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_adoptions_library_mobility")
                .table("practice_adoptions")
                .col("library_id")
                .col("mobility_id")
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "practice_adoptions",
            "story_media",
            "digital_stories",
            "workshops",
            "dissemination_participants",
            "dissemination_items",
            "participant_reports",
            "questionnaire_responses",
            "questionnaires",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        m.alter_table(
            Table::alter()
                .table("participants")
                .drop_column("returned_at")
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("mobilities")
                .drop_column("obligation_deadlines")
                .to_owned(),
        )
        .await?;
        Ok(())
    }
}
