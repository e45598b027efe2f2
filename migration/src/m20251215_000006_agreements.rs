//! Grant and learning agreements and the Europass Mobility record: versions, evidence, signatures.

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
                    .table("agreements")
                    .col(pk_uuid("id"))
                    .col(uuid("participant_id"))
                    .col(
                        string("kind")
                            .check(Expr::col("kind").is_in(["grant", "learning", "europass"])),
                    )
                    .col(integer("version").check(Expr::col("version").gte(1)))
                    .col(string("status").check(Expr::col("status").is_in([
                        "draft",
                        "awaiting_signatures",
                        "signed",
                        "superseded",
                    ])))
                    .col(json("content"))
                    .col(string_len("document_sha256", 64))
                    .col(uuid("created_by"))
                    .foreign_key(&mut fk(
                        "fk_agreements_participant",
                        ("agreements", "participant_id"),
                        ("participants", "id"),
                        ForeignKeyAction::Restrict,
                    )),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_agreements_version")
                .table("agreements")
                .col("participant_id")
                .col("kind")
                .col("version")
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_agreements_current")
                .table("agreements")
                .col("participant_id")
                .col("kind")
                .unique()
                .and_where(Expr::col("status").ne("superseded"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("agreement_evidence")
                .col(pk_uuid("id"))
                .col(uuid("agreement_id"))
                .col(string("filename"))
                .col(big_integer("size"))
                .col(string_len("sha256", 64))
                .col(boolean("has_pdf_signature"))
                .col(string_null("pdf_signer_name"))
                .col(uuid("uploaded_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "fk_evidence_agreement",
                    ("agreement_evidence", "agreement_id"),
                    ("agreements", "id"),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("agreement_signatures")
                .col(pk_uuid("id"))
                .col(uuid("agreement_id"))
                .col(string("party").check(Expr::col("party").is_in([
                    "zsk",
                    "participant",
                    "library",
                    "host",
                ])))
                .col(string("method").check(Expr::col("method").is_in([
                    "qualified_electronic",
                    "scanned_handwritten",
                    "in_app",
                ])))
                .col(integer("version"))
                .col(string_len("document_sha256", 64))
                .col(uuid("signer_user_id"))
                .col(string("signer_name"))
                .col(uuid_null("evidence_id"))
                .col(timestamp_with_time_zone("signed_at"))
                .foreign_key(&mut fk(
                    "fk_agr_signatures_agreement",
                    ("agreement_signatures", "agreement_id"),
                    ("agreements", "id"),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_agr_signatures_user",
                    ("agreement_signatures", "signer_user_id"),
                    ("users", "id"),
                    ForeignKeyAction::Restrict,
                ))
                .foreign_key(&mut fk(
                    "fk_agr_signatures_evidence",
                    ("agreement_signatures", "evidence_id"),
                    ("agreement_evidence", "id"),
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("uq_agreement_party")
                .table("agreement_signatures")
                .col("agreement_id")
                .col("party")
                .unique()
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["agreement_signatures", "agreement_evidence", "agreements"] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
