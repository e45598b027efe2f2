//! Helpers for the `user` command line.

use entity::organisation;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

/// An organisation given by id or by exact name.
pub async fn resolve_organisation(db: &DatabaseConnection, value: &str) -> anyhow::Result<Uuid> {
    if let Ok(id) = value.parse::<Uuid>() {
        return organisation::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|o| o.id)
            .ok_or_else(|| anyhow::anyhow!("no organisation with id {id}"));
    }
    let found = organisation::Entity::find()
        .filter(organisation::Column::Name.eq(value))
        .all(db)
        .await?;
    match found.as_slice() {
        [one] => Ok(one.id),
        [] => Err(anyhow::anyhow!("no organisation named `{value}`")),
        _ => Err(anyhow::anyhow!(
            "several organisations are named `{value}`; give the id"
        )),
    }
}
