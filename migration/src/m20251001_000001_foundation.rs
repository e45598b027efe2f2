//! The foundation: organisations, people, the project, its mobilities and calls, and the audit log.

use crate::common::{created_updated, fk};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // organisations
        m.create_table(
            created_updated(
                Table::create()
                    .table("organisations")
                    .col(pk_uuid("id"))
                    .col(string("name"))
                    .col(string("kind").check(Expr::col("kind").is_in([
                        "coordinator",
                        "member_library",
                        "host",
                        "partner",
                    ])))
                    .col(string_len("country", 2))
                    .col(string_null("city"))
                    .col(string_uniq("dedupe_key"))
                    .col(string_null("email"))
                    .col(string_null("website"))
                    .col(string_null("erasmus_oid"))
                    .col(string_null("director_name"))
                    .col(string_null("director_email")),
            )
            .to_owned(),
        )
        .await?;

        // users
        m.create_table(
            created_updated(
                Table::create()
                    .table("users")
                    .col(pk_uuid("id"))
                    .col(string_uniq("email"))
                    .col(string("password_hash"))
                    .col(string("full_name"))
                    .col(string("role").check(Expr::col("role").is_in([
                        "admin",
                        "coordinator",
                        "committee",
                        "accountant",
                        "library",
                        "participant",
                        "host",
                    ])))
                    .col(uuid_null("organisation_id"))
                    .col(boolean("active"))
                    .col(timestamp_with_time_zone_null("last_login_at"))
                    .foreign_key(&mut fk(
                        "fk_users_organisation",
                        ("users", "organisation_id"),
                        ("organisations", "id"),
                        ForeignKeyAction::Restrict,
                    )),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_users_organisation")
                .table("users")
                .col("organisation_id")
                .to_owned(),
        )
        .await?;

        // refresh tokens (only their SHA-256 is stored)
        m.create_table(
            Table::create()
                .table("refresh_tokens")
                .col(pk_uuid("id"))
                .col(uuid("user_id"))
                .col(uuid("family_id"))
                .col(string_uniq("token_hash"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .col(uuid_null("replaced_by"))
                .foreign_key(&mut fk(
                    "fk_refresh_tokens_user",
                    ("refresh_tokens", "user_id"),
                    ("users", "id"),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_refresh_tokens_family")
                .table("refresh_tokens")
                .col("family_id")
                .to_owned(),
        )
        .await?;

        // projects
        m.create_table(
            created_updated(
                Table::create()
                    .table("projects")
                    .col(pk_uuid("id"))
                    .col(string_uniq("code"))
                    .col(string("programme"))
                    .col(string("action_type"))
                    .col(string("title"))
                    .col(string_null("title_en"))
                    .col(text_null("description"))
                    .col(uuid("applicant_id"))
                    .col(date("start_date"))
                    .col(date("end_date"))
                    .col(string("timezone"))
                    .col(string("status").check(Expr::col("status").is_in([
                        "planned",
                        "active",
                        "completed",
                        "cancelled",
                    ])))
                    .check(Expr::col("end_date").gte(Expr::col("start_date")))
                    .foreign_key(&mut fk(
                        "fk_projects_applicant",
                        ("projects", "applicant_id"),
                        ("organisations", "id"),
                        ForeignKeyAction::Restrict,
                    )),
            )
            .to_owned(),
        )
        .await?;

        // project team members
        m.create_table(
            Table::create()
                .table("project_team_members")
                .col(pk_uuid("id"))
                .col(uuid("project_id"))
                .col(uuid("user_id"))
                .col(string("function").check(Expr::col("function").is_in([
                    "responsible_person",
                    "coordinator",
                    "accountant",
                    "committee_member",
                ])))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "fk_team_project",
                    ("project_team_members", "project_id"),
                    ("projects", "id"),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_team_user",
                    ("project_team_members", "user_id"),
                    ("users", "id"),
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_team_member_function")
                .table("project_team_members")
                .col("project_id")
                .col("user_id")
                .col("function")
                .unique()
                .to_owned(),
        )
        .await?;

        // mobilities
        m.create_table(
            created_updated(
                Table::create()
                    .table("mobilities")
                    .col(pk_uuid("id"))
                    .col(uuid("project_id"))
                    .col(string("code"))
                    .col(string("title"))
                    .col(string_null("title_en"))
                    .col(
                        string("activity_type").check(Expr::col("activity_type").is_in([
                            "job_shadowing",
                            "course",
                            "teaching_assignment",
                        ])),
                    )
                    .col(uuid("host_organisation_id"))
                    .col(string("city"))
                    .col(string_len("country", 2))
                    .col(string_null("planned_period"))
                    .col(date_null("window_start"))
                    .col(date_null("window_end"))
                    .col(date_null("start_date"))
                    .col(date_null("end_date"))
                    .col(integer("programme_days").check(Expr::col("programme_days").gte(0)))
                    .col(integer("travel_days").check(Expr::col("travel_days").gte(0)))
                    .col(integer("places").check(Expr::col("places").gt(0)))
                    .col(integer_null("distance_km"))
                    .col(boolean("green_travel"))
                    .col(string("follow_up").check(
                        Expr::col("follow_up").is_in(["dtfl_workshop", "heritage_workshop"]),
                    ))
                    .col(json("goals"))
                    .col(json("programme"))
                    .col(string("status").check(Expr::col("status").is_in([
                        "planned",
                        "confirmed",
                        "in_progress",
                        "completed",
                        "cancelled",
                    ])))
                    .foreign_key(&mut fk(
                        "fk_mobilities_project",
                        ("mobilities", "project_id"),
                        ("projects", "id"),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_mobilities_host",
                        ("mobilities", "host_organisation_id"),
                        ("organisations", "id"),
                        ForeignKeyAction::Restrict,
                    )),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_mobilities_project_code")
                .table("mobilities")
                .col("project_id")
                .col("code")
                .unique()
                .to_owned(),
        )
        .await?;

        // organisations visited during a mobility besides the host
        m.create_table(
            Table::create()
                .table("mobility_visits")
                .col(uuid("mobility_id"))
                .col(uuid("organisation_id"))
                .col(text_null("description"))
                .primary_key(Index::create().col("mobility_id").col("organisation_id"))
                .foreign_key(&mut fk(
                    "fk_visits_mobility",
                    ("mobility_visits", "mobility_id"),
                    ("mobilities", "id"),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_visits_organisation",
                    ("mobility_visits", "organisation_id"),
                    ("organisations", "id"),
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;

        // calls for applications
        m.create_table(
            created_updated(
                Table::create()
                    .table("calls")
                    .col(pk_uuid("id"))
                    .col(uuid("project_id"))
                    .col(string("title"))
                    .col(date("published_from"))
                    .col(date("deadline"))
                    .col(date_null("selection_due"))
                    .col(string_null("submission_email"))
                    .col(string_null("info_url"))
                    .col(
                        string("status")
                            .check(Expr::col("status").is_in(["draft", "open", "closed"])),
                    )
                    .col(timestamp_with_time_zone_null("published_at"))
                    .col(timestamp_with_time_zone_null("closed_at"))
                    .check(Expr::col("deadline").gte(Expr::col("published_from")))
                    .foreign_key(&mut fk(
                        "fk_calls_project",
                        ("calls", "project_id"),
                        ("projects", "id"),
                        ForeignKeyAction::Restrict,
                    )),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_calls_project_title")
                .table("calls")
                .col("project_id")
                .col("title")
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("call_mobilities")
                .col(uuid("call_id"))
                .col(uuid("mobility_id"))
                .primary_key(Index::create().col("call_id").col("mobility_id"))
                .foreign_key(&mut fk(
                    "fk_call_mobilities_call",
                    ("call_mobilities", "call_id"),
                    ("calls", "id"),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_call_mobilities_mobility",
                    ("call_mobilities", "mobility_id"),
                    ("mobilities", "id"),
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;

        // audit log: append-only, no foreign keys so that history outlives its objects
        m.create_table(
            Table::create()
                .table("audit_log")
                .col(pk_uuid("id"))
                .col(timestamp_with_time_zone("occurred_at"))
                .col(uuid_null("actor_id"))
                .col(string_null("actor_email"))
                .col(string("action"))
                .col(string("object_type"))
                .col(string_null("object_id"))
                .col(json("changed_fields"))
                .col(string_null("request_id"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_audit_object")
                .table("audit_log")
                .col("object_type")
                .col("object_id")
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_audit_actor")
                .table("audit_log")
                .col("actor_id")
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "audit_log",
            "call_mobilities",
            "calls",
            "mobility_visits",
            "mobilities",
            "project_team_members",
            "projects",
            "refresh_tokens",
            "users",
            "organisations",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
