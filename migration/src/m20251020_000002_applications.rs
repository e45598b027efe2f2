//! The call phase: applications, their documents, signatures and status history.

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
                    .table("applications")
                    .col(pk_uuid("id"))
                    .col(uuid("call_id"))
                    .col(uuid("mobility_id"))
                    .col(uuid("library_id"))
                    .col(string("applicant_full_name"))
                    .col(string("applicant_email"))
                    .col(string("applicant_job_title"))
                    .col(string("applicant_adult_education_role"))
                    .col(integer_null("applicant_years_in_adult_education"))
                    .col(text("motivation"))
                    .col(text("expected_use"))
                    .col(text("language_skills"))
                    .col(boolean("fewer_opportunities"))
                    .col(text_null("fewer_opportunities_note"))
                    .col(string("status").check(Expr::col("status").is_in([
                        "draft",
                        "submitted",
                        "withdrawn",
                        "selected",
                        "reserve",
                        "rejected",
                    ])))
                    .col(
                        string("received_via")
                            .check(Expr::col("received_via").is_in(["api", "email"])),
                    )
                    .col(timestamp_with_time_zone_null("received_at"))
                    .col(timestamp_with_time_zone_null("submitted_at"))
                    .col(timestamp_with_time_zone_null("withdrawn_at"))
                    .col(text_null("withdrawal_reason"))
                    .col(string_len("content_sha256", 64))
                    .col(uuid("created_by"))
                    .foreign_key(&mut fk(
                        "fk_applications_call",
                        ("applications", "call_id"),
                        ("calls", "id"),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_applications_mobility",
                        ("applications", "mobility_id"),
                        ("mobilities", "id"),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_applications_library",
                        ("applications", "library_id"),
                        ("organisations", "id"),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        "fk_applications_created_by",
                        ("applications", "created_by"),
                        ("users", "id"),
                        ForeignKeyAction::Restrict,
                    )),
            )
            .to_owned(),
        )
        .await?;
        // One application per member library per mobility, withdrawn ones aside.
        m.create_index(
            Index::create()
                .name("uq_applications_library_mobility_active")
                .table("applications")
                .col("library_id")
                .col("mobility_id")
                .unique()
                .and_where(Expr::col("status").ne("withdrawn"))
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("idx_applications_call", "call_id"),
            ("idx_applications_mobility", "mobility_id"),
            ("idx_applications_applicant_email", "applicant_email"),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table("applications")
                    .col(col)
                    .to_owned(),
            )
            .await?;
        }

        m.create_table(
            Table::create()
                .table("application_documents")
                .col(pk_uuid("id"))
                .col(uuid("application_id"))
                .col(string("filename"))
                .col(string("content_type"))
                .col(big_integer("size"))
                .col(string_len("sha256", 64))
                .col(boolean("has_pdf_signature"))
                .col(string_null("pdf_signer_name"))
                .col(string_null("pdf_signing_time"))
                .col(uuid("uploaded_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "fk_documents_application",
                    ("application_documents", "application_id"),
                    ("applications", "id"),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_documents_uploaded_by",
                    ("application_documents", "uploaded_by"),
                    ("users", "id"),
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_documents_application_sha256")
                .table("application_documents")
                .col("application_id")
                .col("sha256")
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("application_signatures")
                .col(pk_uuid("id"))
                .col(uuid("application_id"))
                .col(
                    string("signer_role")
                        .check(Expr::col("signer_role").is_in(["participant", "library_director"])),
                )
                .col(string("method").check(
                    Expr::col("method").is_in(["qualified_electronic", "scanned_handwritten"]),
                ))
                .col(string("signer_name"))
                .col(string_null("signer_position"))
                .col(timestamp_with_time_zone("signed_at"))
                .col(uuid_null("document_id"))
                .col(uuid("recorded_by"))
                .col(string_len("content_sha256", 64))
                .col(string("status").check(Expr::col("status").is_in(["valid", "void"])))
                .col(timestamp_with_time_zone_null("voided_at"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "fk_signatures_application",
                    ("application_signatures", "application_id"),
                    ("applications", "id"),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_signatures_document",
                    ("application_signatures", "document_id"),
                    ("application_documents", "id"),
                    ForeignKeyAction::Restrict,
                ))
                .foreign_key(&mut fk(
                    "fk_signatures_recorded_by",
                    ("application_signatures", "recorded_by"),
                    ("users", "id"),
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_signatures_application")
                .table("application_signatures")
                .col("application_id")
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("application_status_changes")
                .col(pk_uuid("id"))
                .col(uuid("application_id"))
                .col(string_null("from_status"))
                .col(string("to_status"))
                .col(uuid_null("actor_id"))
                .col(text_null("note"))
                .col(timestamp_with_time_zone("occurred_at"))
                .foreign_key(&mut fk(
                    "fk_status_changes_application",
                    ("application_status_changes", "application_id"),
                    ("applications", "id"),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_status_changes_application")
                .table("application_status_changes")
                .col("application_id")
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "application_status_changes",
            "application_signatures",
            "application_documents",
            "applications",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
