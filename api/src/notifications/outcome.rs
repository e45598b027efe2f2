//! The selection outcome, told to the applicant and to their library.

use super::service::{self as notifications, Message};
use crate::http::ApiResult;
use entity::enums::Role;
use entity::{application, mobility, organisation, user};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

/// Where a library's messages go: its e-mail, else its director's, else its users'.
pub async fn library_recipients(
    db: &impl ConnectionTrait,
    library_id: Uuid,
) -> ApiResult<Vec<(String, Option<Uuid>)>> {
    let org = organisation::Entity::find_by_id(library_id).one(db).await?;
    if let Some(e) = org.and_then(|o| o.email.or(o.director_email)) {
        return Ok(vec![(e, None)]);
    }
    Ok(user::Entity::find()
        .filter(user::Column::OrganisationId.eq(library_id))
        .filter(user::Column::Role.eq(Role::Library))
        .filter(user::Column::Active.eq(true))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.email, Some(u.id)))
        .collect())
}

pub async fn notify_outcome(
    db: &impl ConnectionTrait,
    app: &application::Model,
    mob: &mobility::Model,
    kind: &str,
    text: String,
) -> ApiResult<()> {
    let subject = format!("Izbor udeležencev: {} ({})", mob.title, mob.code);
    let applicant_user = user::Entity::find()
        .filter(user::Column::Email.eq(app.applicant_email.clone()))
        .one(db)
        .await?
        .map(|u| u.id);
    notifications::queue(
        db,
        Message {
            recipient_email: &app.applicant_email,
            recipient_user_id: applicant_user,
            kind,
            subject: subject.clone(),
            body: format!("Spoštovani, {}\n\n{text}", app.applicant_full_name),
            object_type: "application",
            object_id: app.id,
        },
    )
    .await?;
    for (email, uid) in library_recipients(db, app.library_id).await? {
        if email.eq_ignore_ascii_case(&app.applicant_email) {
            continue;
        }
        notifications::queue(
            db,
            Message {
                recipient_email: &email,
                recipient_user_id: uid,
                kind,
                subject: subject.clone(),
                body: format!("Prijava: {}\n\n{text}", app.applicant_full_name),
                object_type: "application",
                object_id: app.id,
            },
        )
        .await?;
    }
    Ok(())
}
