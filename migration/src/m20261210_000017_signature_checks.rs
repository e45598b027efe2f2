//! What the verification of each digital signature in an uploaded PDF found (signer named by
//! the certificate, verified or why not), for application documents and agreement evidence.
//! Rows uploaded before it have none: their signatures were never verified.

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
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
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
