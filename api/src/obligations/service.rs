//! Every participant's obligations after the mobility, derived from what is recorded (never
//! typed in), with due dates from per-mobility deadlines and their defaults; a mobility's
//! progress. Who may read them: `super::policy`.

use super::dto::{
    DeadlineRule, DeadlineRules, ObligationDto, ObligationStatus, ParticipantProgress, ProgressDto,
    RecordRef,
};
use crate::clock::Clock;
use crate::http::{ApiError, ApiResult, AuthUser};
use crate::participants;
use chrono::{Duration, Utc};
use entity::enums::{
    AdoptionStatus, DisseminationKind, FollowUp, MeetingKind, ParticipantStatus, ReportStatus,
    StoryStatus, WorkshopStatus,
};
use entity::{
    digital_story, dissemination_item, dissemination_participant, meeting, meeting_attendance,
    mobility, participant, participant_report, practice_adoption, project, questionnaire_response,
    workshop,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter,
};
use std::collections::BTreeMap;
use uuid::Uuid;

/// (key, title, default deadline: Some(days after return) or None for the project's end)
fn list(track: FollowUp) -> Vec<(&'static str, &'static str, Option<i64>)> {
    let mut v = vec![
        ("questionnaire", "Satisfaction questionnaire", Some(14)),
        (
            "oral_evaluation",
            "Oral evaluation (evaluation meeting)",
            Some(30),
        ),
        (
            "report",
            "Written evaluation, summary of findings and mobility report",
            Some(30),
        ),
        (
            "colleagues_presentation",
            "Present the report to colleagues in the library",
            Some(60),
        ),
        (
            "professional_event",
            "Present the report at a professional event",
            None,
        ),
        ("portal_publication", "Publish on Knjižnice.si", None),
        (
            "knjiznicarske_novice",
            "Publish in Knjižničarske novice",
            None,
        ),
        (
            "library_website",
            "News item and report on the library's website",
            Some(30),
        ),
        (
            "social_media_posts",
            "Three posts on the library's social media during the mobility",
            Some(0),
        ),
        (
            "workshop_held",
            "Hold the workshop in the library (about 10 older adults)",
            None,
        ),
    ];
    match track {
        FollowUp::DtflWorkshop => v.extend([
            (
                "workshop_report",
                "Workshop report on the learning needs found",
                None,
            ),
            (
                "practice_plan",
                "Plan to bring DTFL into regular work",
                None,
            ),
            (
                "practice_adopted",
                "DTFL in the library's regular work",
                None,
            ),
        ]),
        FollowUp::HeritageWorkshop => v.extend([
            ("digital_story", "Digital story published on Kamra", None),
            (
                "practice_adopted",
                "A new method or good practice in the library's regular work",
                None,
            ),
        ]),
    }
    v
}

pub fn default_deadlines(track: FollowUp) -> BTreeMap<String, DeadlineRule> {
    list(track)
        .into_iter()
        .map(|(k, _, d)| {
            (
                k.to_string(),
                DeadlineRule {
                    days_after_return: d,
                    date: None,
                },
            )
        })
        .collect()
}

/// The deadlines in force for a mobility: its own where set, the defaults otherwise.
pub fn deadlines(m: &mobility::Model) -> BTreeMap<String, DeadlineRule> {
    let mut out = default_deadlines(m.follow_up);
    if let Some(own) = m
        .obligation_deadlines
        .clone()
        .and_then(|v| serde_json::from_value::<BTreeMap<String, DeadlineRule>>(v).ok())
    {
        for (k, v) in own {
            if out.contains_key(&k) {
                out.insert(k, v);
            }
        }
    }
    out
}

/// One participant's obligations, derived from what is recorded.
pub async fn compute(
    db: &impl ConnectionTrait,
    clock: &dyn Clock,
    p: &participant::Model,
) -> ApiResult<Vec<ObligationDto>> {
    let m = mobility::Entity::find_by_id(p.mobility_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::internal("participant without mobility"))?;
    let mut all = compute_all(db, clock, &m, std::slice::from_ref(p)).await?;
    Ok(all.remove(&p.id).unwrap_or_default())
}

/// The obligations of `ps`, participants of mobility `m`, by participant: every kind of record
/// is read in one query for all of them, so the cost does not grow with their number.
pub async fn compute_all(
    db: &impl ConnectionTrait,
    clock: &dyn Clock,
    m: &mobility::Model,
    ps: &[participant::Model],
) -> ApiResult<std::collections::HashMap<Uuid, Vec<ObligationDto>>> {
    use std::collections::{HashMap, HashSet};
    let proj = project::Entity::find_by_id(m.project_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::internal("mobility without project"))?;
    let today = crate::clock::today(clock);
    let rules = deadlines(m);
    let ids: Vec<Uuid> = ps.iter().map(|p| p.id).collect();
    let libraries: Vec<Uuid> = ps
        .iter()
        .map(|p| p.library_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let r = |t: &str, id: Uuid| RecordRef {
        object_type: t.into(),
        id,
    };

    let answered: HashSet<Uuid> = questionnaire_response::Entity::find()
        .filter(questionnaire_response::Column::ParticipantId.is_in(ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|q| q.participant_id)
        .collect();
    let eval_meetings: Vec<Uuid> = meeting::Entity::find()
        .filter(meeting::Column::MobilityId.eq(m.id))
        .filter(meeting::Column::Kind.eq(MeetingKind::Evaluation))
        .all(db)
        .await?
        .into_iter()
        .map(|x| x.id)
        .collect();
    let mut attended: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for a in meeting_attendance::Entity::find()
        .filter(meeting_attendance::Column::ParticipantId.is_in(ids.clone()))
        .filter(meeting_attendance::Column::MeetingId.is_in(eval_meetings))
        .filter(meeting_attendance::Column::Attended.eq(true))
        .all(db)
        .await?
    {
        attended
            .entry(a.participant_id)
            .or_default()
            .push(a.meeting_id);
    }
    let reported: HashSet<Uuid> = participant_report::Entity::find()
        .filter(participant_report::Column::ParticipantId.is_in(ids.clone()))
        .filter(participant_report::Column::Status.eq(ReportStatus::Submitted))
        .all(db)
        .await?
        .into_iter()
        .map(|x| x.participant_id)
        .collect();
    let links = dissemination_participant::Entity::find()
        .filter(dissemination_participant::Column::ParticipantId.is_in(ids.clone()))
        .all(db)
        .await?;
    let items: HashMap<Uuid, dissemination_item::Model> = dissemination_item::Entity::find()
        .filter(dissemination_item::Column::Id.is_in(links.iter().map(|l| l.item_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.id, i))
        .collect();
    let mut shared: HashMap<Uuid, Vec<&dissemination_item::Model>> = HashMap::new();
    for l in &links {
        if let Some(i) = items.get(&l.item_id) {
            shared.entry(l.participant_id).or_default().push(i);
        }
    }
    // In the order they were recorded (ids are time-ordered).
    shared.values_mut().for_each(|v| v.sort_by_key(|i| i.id));
    let workshops: HashMap<Uuid, workshop::Model> = workshop::Entity::find()
        .filter(workshop::Column::LibraryId.is_in(libraries.clone()))
        .filter(workshop::Column::MobilityId.eq(m.id))
        .all(db)
        .await?
        .into_iter()
        .map(|w| (w.library_id, w))
        .collect();
    let mut stories: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for st in digital_story::Entity::find()
        .filter(digital_story::Column::WorkshopId.is_in(workshops.values().map(|w| w.id)))
        .filter(digital_story::Column::Status.eq(StoryStatus::Published))
        .all(db)
        .await?
    {
        stories.entry(st.workshop_id).or_default().push(st.id);
    }
    stories.values_mut().for_each(|v| v.sort());
    let adoptions: HashMap<Uuid, practice_adoption::Model> = practice_adoption::Entity::find()
        .filter(practice_adoption::Column::LibraryId.is_in(libraries))
        .filter(practice_adoption::Column::MobilityId.eq(m.id))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.library_id, a))
        .collect();

    let mut out = HashMap::new();
    for p in ps {
        let returned = m.end_date.or(p
            .returned_at
            .map(|t| t.with_timezone(&chrono_tz::Europe::Ljubljana).date_naive()));
        let mut met: BTreeMap<&str, Vec<RecordRef>> = BTreeMap::new();
        if answered.contains(&p.id) {
            met.entry("questionnaire")
                .or_default()
                .push(r("questionnaire_response", p.id));
        }
        for meeting_id in attended.get(&p.id).into_iter().flatten() {
            met.entry("oral_evaluation")
                .or_default()
                .push(r("meeting", *meeting_id));
        }
        if reported.contains(&p.id) {
            met.entry("report")
                .or_default()
                .push(r("participant_report", p.id));
        }
        let mut posts = Vec::new();
        for i in shared.get(&p.id).into_iter().flatten() {
            // Sharing counts once it has happened, after the return (posts: during the days).
            let after_return = m.end_date.is_some_and(|e| i.date >= e) && i.date <= today;
            if i.kind != DisseminationKind::SocialMediaPost && !after_return {
                continue;
            }
            let key = match i.kind {
                DisseminationKind::ColleaguesPresentation => "colleagues_presentation",
                DisseminationKind::ProfessionalEvent => "professional_event",
                DisseminationKind::PortalPublication => "portal_publication",
                DisseminationKind::KnjiznicarskeNovice => "knjiznicarske_novice",
                DisseminationKind::LibraryWebsite => "library_website",
                DisseminationKind::SocialMediaPost => {
                    // Counts when dated within the mobility's own days.
                    if let (Some(s), Some(e)) = (m.start_date, m.end_date)
                        && i.date >= s
                        && i.date <= e
                    {
                        posts.push(r("dissemination", i.id));
                    }
                    continue;
                }
            };
            met.entry(key).or_default().push(r("dissemination", i.id));
        }
        if posts.len() >= 3 {
            met.insert("social_media_posts", posts);
        }
        if let Some(w) = workshops.get(&p.library_id) {
            if w.status != WorkshopStatus::Planned {
                met.entry("workshop_held")
                    .or_default()
                    .push(r("workshop", w.id));
            }
            if w.status == WorkshopStatus::Reported {
                met.entry("workshop_report")
                    .or_default()
                    .push(r("workshop", w.id));
            }
            for id in stories.get(&w.id).into_iter().flatten() {
                met.entry("digital_story")
                    .or_default()
                    .push(r("digital_story", *id));
            }
        }
        if let Some(a) = adoptions.get(&p.library_id) {
            met.entry("practice_plan")
                .or_default()
                .push(r("practice_adoption", a.id));
            if a.status == AdoptionStatus::Adopted {
                met.entry("practice_adopted")
                    .or_default()
                    .push(r("practice_adoption", a.id));
            }
        }
        let obligations = list(m.follow_up)
            .into_iter()
            .map(|(key, title, _)| {
                let rule = rules.get(key).copied().unwrap_or(DeadlineRule {
                    days_after_return: None,
                    date: None,
                });
                let due = match (rule.date, rule.days_after_return) {
                    (Some(d), _) => Some(d),
                    (None, Some(days)) => returned.map(|r| r + Duration::days(days)),
                    (None, None) => Some(proj.end_date),
                };
                let records = met.remove(key).unwrap_or_default();
                let status = if !records.is_empty() {
                    ObligationStatus::Met
                } else if due.is_some_and(|d| d < today) {
                    ObligationStatus::Overdue
                } else {
                    ObligationStatus::Pending
                };
                ObligationDto {
                    key: key.into(),
                    title: title.into(),
                    status,
                    due,
                    records,
                }
            })
            .collect();
        out.insert(p.id, obligations);
    }
    Ok(out)
}

pub async fn for_participant(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    user: &AuthUser,
    participant_id: Uuid,
) -> ApiResult<Vec<ObligationDto>> {
    let p = participants::access::visible(db, user, participant_id).await?;
    compute(db, clock, &p).await
}

pub async fn progress(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    mobility_id: Uuid,
) -> ApiResult<ProgressDto> {
    let m = mobility::Entity::find_by_id(mobility_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("mobility"))?;
    let mut ps = participant::Entity::find()
        .filter(participant::Column::MobilityId.eq(mobility_id))
        .filter(participant::Column::Status.ne(ParticipantStatus::Withdrawn))
        .all(db)
        .await?;
    ps.sort_by(|a, b| a.full_name.cmp(&b.full_name).then(a.id.cmp(&b.id)));
    let mut all = compute_all(db, clock, &m, &ps).await?;
    let mut out = Vec::new();
    for p in ps {
        let obligations = all.remove(&p.id).unwrap_or_default();
        let count =
            |s: ObligationStatus| obligations.iter().filter(|o| o.status == s).count() as u32;
        out.push(ParticipantProgress {
            participant_id: p.id,
            full_name: p.full_name.clone(),
            library_id: p.library_id,
            status: p.status,
            met: count(ObligationStatus::Met),
            pending: count(ObligationStatus::Pending),
            overdue: count(ObligationStatus::Overdue),
            obligations,
        });
    }
    Ok(ProgressDto {
        mobility_id,
        participants: out,
    })
}

/// Set a mobility's own deadlines (the others keep their defaults).
pub async fn set_deadlines(
    db: &DatabaseConnection,
    user: &AuthUser,
    mobility_id: Uuid,
    rules: DeadlineRules,
) -> ApiResult<BTreeMap<String, DeadlineRule>> {
    let rules = rules.0;
    let txn = crate::db::begin_write(db).await?;
    let m = mobility::Entity::find_by_id(mobility_id)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found("mobility"))?;
    let known = default_deadlines(m.follow_up);
    let mut errors = Vec::new();
    for (k, r) in &rules {
        if !known.contains_key(k) {
            errors.push(crate::http::FieldError::new(
                k.clone(),
                "unknown",
                format!(
                    "obligations of this track: {}",
                    known.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            ));
        } else if r.date.is_some() == r.days_after_return.is_some()
            || r.days_after_return.is_some_and(|d| !(0..=730).contains(&d))
        {
            errors.push(crate::http::FieldError::new(
                k.clone(),
                "rule",
                "give either days_after_return (0 to 730) or a date",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let mut am: mobility::ActiveModel = m.clone().into();
    am.obligation_deadlines = Set(Some(
        serde_json::to_value(&rules).map_err(ApiError::internal)?,
    ));
    am.updated_at = Set(Utc::now());
    let m = am.update(&txn).await?;
    crate::audit::record(
        &txn,
        &crate::audit::Actor::from(user),
        "update",
        "mobility",
        mobility_id,
        &["obligation_deadlines".into()],
    )
    .await?;
    txn.commit().await?;
    Ok(deadlines(&m))
}
