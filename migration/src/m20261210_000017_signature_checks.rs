//! What the verification of each digital signature in an uploaded PDF found (signer named by
//! the certificate, verified or why not), for application documents and agreement evidence;
//! and whether an agreement's evidence is that agreement's own document, signed (its bytes
//! followed by the signatures). Rows uploaded before it have none: never verified.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: [&str; 2] = ["application_documents", "agreement_evidence"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            m.alter_table(
                Table::alter()
                    .table(table)
                    .add_column(json_null("pdf_signatures"))
                    .to_owned(),
            )
            .await?;
        }
        m.alter_table(
            Table::alter()
                .table("agreement_evidence")
                .add_column(boolean("extends_document").default(false))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("agreement_evidence")
                .drop_column("extends_document")
                .to_owned(),
        )
        .await?;
        for table in TABLES {
            m.alter_table(
                Table::alter()
                    .table(table)
                    .drop_column("pdf_signatures")
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
