//! Who may see, issue, change and sign agreements and the Europass record.
//!
//! Seeing follows the participant (`participants::access`), plus the project's responsible
//! person, who signs for ZSK whatever their role. Issuing, amending and changing are the
//! coordinators' (and admins'); the host writes only the skills of a Europass record. Each
//! party signs for itself. An agreement the caller may not see is 404; one they see but may not
//! change or sign is 403.

use crate::http::{ApiError, ApiResult, AuthUser};
use crate::participants;
use entity::enums::{AgreementKind, Party, Role, TeamFunction};
use entity::{agreement, mobility, participant};
use sea_orm::{ConnectionTrait, EntityTrait};
use uuid::Uuid;

/// The agreement, if the caller may see it: whoever sees its participant, and the project's
/// responsible person. Otherwise 404 `agreement.not_found`.
pub async fn visible(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    id: Uuid,
) -> ApiResult<agreement::Model> {
    let a = agreement::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("agreement"))?;
    if participants::access::visible(db, user, a.participant_id)
        .await
        .is_ok()
        || is_responsible_person(db, user, &a).await?
    {
        Ok(a)
    } else {
        Err(ApiError::not_found("agreement"))
    }
}

/// The participant and mobility an agreement belongs to.
async fn parties_of(
    db: &impl ConnectionTrait,
    a: &agreement::Model,
) -> ApiResult<(participant::Model, mobility::Model)> {
    let p = participant::Entity::find_by_id(a.participant_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("agreement"))?;
    let m = mobility::Entity::find_by_id(p.mobility_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("agreement"))?;
    Ok((p, m))
}

/// The project's responsible person signs for ZSK whatever their role.
async fn is_responsible_person(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    a: &agreement::Model,
) -> ApiResult<bool> {
    let Ok((_, m)) = parties_of(db, a).await else {
        return Ok(false);
    };
    Ok(crate::projects::service::team_members_with(
        db,
        m.project_id,
        TeamFunction::ResponsiblePerson,
    )
    .await?
    .contains(&user.id))
}

/// Coordinators and admins issue grant and learning agreements.
pub fn may_issue(user: &AuthUser) -> ApiResult<()> {
    staff_only(user, "Only coordinators issue agreements.")
}

/// Coordinators and admins amend (version n+1 with the same content).
pub fn may_amend(user: &AuthUser) -> ApiResult<()> {
    staff_only(user, "Only coordinators amend agreements.")
}

/// Coordinators and admins open the Europass record.
pub fn may_open_europass(user: &AuthUser) -> ApiResult<()> {
    staff_only(user, "A coordinator opens the Europass record.")
}

fn staff_only(user: &AuthUser, message: &str) -> ApiResult<()> {
    if user.is_staff() {
        Ok(())
    } else {
        Err(ApiError::forbidden(message.to_string()))
    }
}

/// Coordinators and admins change agreements; a user of the mobility's host writes only the
/// skills acquired of a Europass record (`only_skills`: the change names nothing else).
pub async fn may_change(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    a: &agreement::Model,
    only_skills: bool,
) -> ApiResult<()> {
    if user.is_staff()
        || (a.kind == AgreementKind::Europass && only_skills && is_host_user(db, user, a).await?)
    {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "Only coordinators change agreements (the host writes the skills of the Europass record).",
        ))
    }
}

/// A `host` user of the agreement's mobility's host organisation.
async fn is_host_user(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    a: &agreement::Model,
) -> ApiResult<bool> {
    if user.role != Role::Host {
        return Ok(false);
    }
    Ok(match parties_of(db, a).await {
        Ok((_, m)) => user.organisation_id == Some(m.host_organisation_id),
        Err(_) => false,
    })
}

/// May `user` sign for `party`? The participant themself; a `library` user of the
/// participant's library; a `host` user of the mobility's host; for ZSK coordinators, admins
/// and the project's responsible person.
pub async fn may_sign_for(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    a: &agreement::Model,
    party: Party,
) -> ApiResult<bool> {
    let (p, m) = parties_of(db, a).await?;
    Ok(match party {
        Party::Participant => {
            user.role == Role::Participant && participants::access::is_self(user, &p)
        }
        Party::Library => user.role == Role::Library && user.organisation_id == Some(p.library_id),
        Party::Host => {
            user.role == Role::Host && user.organisation_id == Some(m.host_organisation_id)
        }
        Party::Zsk => user.is_staff() || is_responsible_person(db, user, a).await?,
    })
}

/// Signing for `party`: 403 unless [`may_sign_for`].
pub async fn may_sign(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    a: &agreement::Model,
    party: Party,
) -> ApiResult<()> {
    if may_sign_for(db, user, a, party).await? {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!(
            "You may not sign for the party `{party}`."
        )))
    }
}

/// Uploading a signed copy: a party to the agreement (any of `parties`).
pub async fn may_add_evidence(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    a: &agreement::Model,
    parties: &[Party],
) -> ApiResult<()> {
    for party in parties {
        if may_sign_for(db, user, a, *party).await? {
            return Ok(());
        }
    }
    Err(ApiError::forbidden(
        "Only a party to this agreement uploads signed copies.",
    ))
}
