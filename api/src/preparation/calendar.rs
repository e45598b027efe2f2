//! iCalendar (RFC 5545) feeds: the mobility as an all-day event and its meetings, in the
//! Europe/Ljubljana time zone.

use super::ics::Calendar;
use super::policy;
use crate::http::{ApiError, ApiResult, AuthUser};
use crate::participants;
use entity::enums::MeetingKind;
use entity::{meeting, mobility};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

/// A calendar and the name its file goes by.
pub struct Feed {
    pub body: String,
    pub name: String,
}

async fn meetings_of(
    db: &impl ConnectionTrait,
    mobility_id: Uuid,
) -> ApiResult<Vec<meeting::Model>> {
    Ok(meeting::Entity::find()
        .filter(meeting::Column::MobilityId.eq(mobility_id))
        .order_by_asc(meeting::Column::StartsAt)
        .order_by_asc(meeting::Column::Id)
        .all(db)
        .await?)
}

/// A mobility's calendar, for those who see its meetings (404 `mobility.not_found` for the
/// rest): the mobility and its meetings, `internal` ones only for admins and coordinators.
pub async fn mobility_feed(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    mobility_id: Uuid,
) -> ApiResult<Feed> {
    let m = super::meetings::mobility_for(db, user, mobility_id).await?;
    let mut cal = Calendar::new(&m.title);
    cal.mobility(&m);
    for x in meetings_of(db, m.id).await? {
        if policy::calendar_shows(user, x.kind) {
            cal.meeting(&x);
        }
    }
    Ok(Feed {
        body: cal.finish(),
        name: m.code,
    })
}

/// A participant's calendar, for whoever sees the participant: their mobility and its
/// meetings, `internal` meetings always left out.
pub async fn participant_feed(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    participant_id: Uuid,
) -> ApiResult<Feed> {
    let p = participants::access::visible(db, user, participant_id).await?;
    let m = mobility::Entity::find_by_id(p.mobility_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("mobility"))?;
    let mut cal = Calendar::new(&format!("{} – {}", m.title, p.full_name));
    cal.mobility(&m);
    for x in meetings_of(db, m.id).await? {
        if x.kind != MeetingKind::Internal {
            cal.meeting(&x);
        }
    }
    Ok(Feed {
        body: cal.finish(),
        name: format!("{}-{}", m.code, p.id),
    })
}
