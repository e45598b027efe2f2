//! Documents shared with a project's or a mobility's participants and hosts, in versions:
//! uploaded files or links.

use crate::common::fk;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("shared_documents")
                .col(pk_uuid("id"))
                .col(uuid("project_id"))
                .col(uuid_null("mobility_id"))
                .col(string_len("title", 300))
                .col(string_len("category", 32))
                .col(text_null("description"))
                .col(integer("current_version"))
                .col(uuid("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk(
                    "fk_shared_documents_project",
                    ("shared_documents", "project_id"),
                    ("projects", "id"),
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_shared_documents_mobility",
                    ("shared_documents", "mobility_id"),
                    ("mobilities", "id"),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_shared_documents_project_mobility")
                .table("shared_documents")
                .col("project_id")
                .col("mobility_id")
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("shared_document_versions")
                .col(pk_uuid("id"))
                .col(uuid("document_id"))
                .col(integer("version"))
                .col(text_null("url"))
                .col(string_len_null("filename", 200))
                .col(string_len_null("content_type", 100))
                .col(big_integer_null("size"))
                .col(string_len_null("sha256", 64))
                .col(text_null("note"))
                .col(uuid("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk(
                    "fk_shared_document_versions_document",
                    ("shared_document_versions", "document_id"),
                    ("shared_documents", "id"),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_shared_document_versions_document_version")
                .table("shared_document_versions")
                .col("document_id")
                .col("version")
                .unique()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("shared_document_versions").to_owned())
            .await?;
        m.drop_table(Table::drop().table("shared_documents").to_owned())
            .await
    }
}
