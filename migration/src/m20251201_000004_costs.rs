//! Travel details, costs, and the Erasmus+ unit-cost rates per call year.

use crate::common::{created_updated, fk};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("travel_details")
                .col(uuid("participant_id").primary_key())
                .col(string("name_as_in_passport"))
                .col(date("date_of_birth"))
                .col(string("phone"))
                .col(text_null("notes"))
                .col(uuid("updated_by"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk(
                    "fk_travel_participant",
                    ("travel_details", "participant_id"),
                    ("participants", "id"),
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            created_updated(
                Table::create()
                    .table("costs")
                    .col(pk_uuid("id"))
                    .col(uuid("participant_id"))
                    .col(string("kind").check(Expr::col("kind").is_in([
                        "flight",
                        "accommodation",
                        "insurance",
                        "daily_allowance",
                        "airport_transfer",
                        "local_transport",
                        "other",
                    ])))
                    .col(string_null("description"))
                    .col(big_integer("amount_cents").check(Expr::col("amount_cents").gte(0)))
                    .col(string_len("currency", 3))
                    .col(
                        string("paid_by")
                            .check(Expr::col("paid_by").is_in(["project", "employer"])),
                    )
                    .col(boolean("reimbursable"))
                    .col(date_null("paid_on"))
                    .col(uuid("created_by"))
                    // The employer's costs are never reimbursed.
                    .check(
                        Expr::col("paid_by")
                            .eq("project")
                            .or(Expr::col("reimbursable").eq(false)),
                    )
                    .foreign_key(&mut fk(
                        "fk_costs_participant",
                        ("costs", "participant_id"),
                        ("participants", "id"),
                        ForeignKeyAction::Restrict,
                    )),
            )
            .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_costs_participant")
                .table("costs")
                .col("participant_id")
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("unit_cost_rates")
                .col(integer("call_year").primary_key())
                .col(json("rates"))
                .col(uuid_null("updated_by"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["unit_cost_rates", "costs", "travel_details"] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
