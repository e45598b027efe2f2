#[allow(unused_imports)]
use crate::enums::*;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "digital_stories")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub workshop_id: Uuid,
    pub title: String,
    pub summary: String,
    pub text: String,
    pub language: String,
    pub place: Option<String>,
    pub period: Option<String>,
    pub subjects: Json,
    pub contributors: Json,
    pub status: StoryStatus,
    pub kamra_url: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::workshop::Entity",
        from = "Column::WorkshopId",
        to = "super::workshop::Column::Id"
    )]
    Workshop,
}

impl Related<super::workshop::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Workshop.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
