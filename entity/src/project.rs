use crate::enums::ProjectStatus;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "projects")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub code: String,
    pub programme: String,
    pub action_type: String,
    pub title: String,
    pub title_en: Option<String>,
    pub description: Option<String>,
    pub applicant_id: Uuid,
    pub start_date: Date,
    pub end_date: Date,
    pub timezone: String,
    pub status: ProjectStatus,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::organisation::Entity",
        from = "Column::ApplicantId",
        to = "super::organisation::Column::Id"
    )]
    Applicant,
}

impl Related<super::organisation::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Applicant.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
