//! Selection: the rules and the database work.

use super::dto::*;
use super::ranking::{self, Candidate, Criterion, Rules};
use crate::applications::history::record_status;
use crate::applications::service::after_deadline;
use crate::audit::{self, Actor};
use crate::clock::Clock;
use crate::db::begin_write;
use crate::http::{ApiError, ApiResult, AuthUser, FieldError};
use crate::notifications::outcome::notify_outcome;
use crate::participants::lifecycle;
use chrono::Utc;
use chrono_tz::Tz;
use entity::enums::{ApplicationStatus, CallStatus, Role, TeamFunction};
use entity::{
    application, application_score, call, call_committee_member, call_mobility,
    conflict_of_interest, mobility, mobility_selection, project_team_member, selection_criterion,
    selection_settings, user,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::{BTreeMap, HashMap, HashSet};
use uuid::Uuid;

/// The criteria a call starts with until a coordinator sets its own.
pub fn default_criteria() -> Vec<CriterionDto> {
    let c = |key: &str, title: &str, max_points, weight| CriterionDto {
        key: key.into(),
        title: title.into(),
        max_points,
        weight,
    };
    vec![
        c(
            "motivation",
            "Motivation and fit with the mobility's goals",
            10,
            3,
        ),
        c(
            "relevance",
            "Relevance of the applicant's work in adult education",
            10,
            2,
        ),
        c("transfer", "Plan to use and pass on what is learned", 10, 3),
        c("language", "Language skills for the programme", 5, 1),
    ]
}

pub fn default_settings() -> SelectionSettingsDto {
    SelectionSettingsDto {
        quorum: None,
        fewer_opportunities_bonus: 0,
        fewer_opportunities_first_in_ties: true,
    }
}

async fn get_call(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<call::Model> {
    call::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("call"))
}

async fn project_tz(db: &impl ConnectionTrait, project_id: Uuid) -> ApiResult<Tz> {
    crate::projects::service::timezone(db, project_id).await
}

/// Whether any score exists for the call's applications: criteria and settings are then fixed.
async fn scoring_started(db: &impl ConnectionTrait, call_id: Uuid) -> ApiResult<bool> {
    let ids: Vec<Uuid> = application::Entity::find()
        .filter(application::Column::CallId.eq(call_id))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect();
    if ids.is_empty() {
        return Ok(false);
    }
    Ok(application_score::Entity::find()
        .filter(application_score::Column::ApplicationId.is_in(ids))
        .count(db)
        .await?
        > 0)
}

fn criteria_locked() -> ApiError {
    ApiError::conflict(
        "selection.criteria_locked",
        "Scoring has started: the criteria and settings can no longer change.",
    )
}

async fn any_final(db: &impl ConnectionTrait, call_id: Uuid) -> ApiResult<bool> {
    Ok(mobility_selection::Entity::find()
        .filter(mobility_selection::Column::CallId.eq(call_id))
        .count(db)
        .await?
        > 0)
}

// ---------------------------------------------------------------- committee

pub async fn committee(
    db: &impl ConnectionTrait,
    call_id: Uuid,
) -> ApiResult<Vec<CommitteeMemberDto>> {
    get_call(db, call_id).await?;
    let ids: Vec<Uuid> = call_committee_member::Entity::find()
        .filter(call_committee_member::Column::CallId.eq(call_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    let mut users = user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .order_by_asc(user::Column::FullName)
        .all(db)
        .await?;
    users.sort_by(|a, b| a.full_name.cmp(&b.full_name).then(a.id.cmp(&b.id)));
    Ok(users
        .into_iter()
        .map(|u| CommitteeMemberDto {
            user_id: u.id,
            full_name: u.full_name,
            email: u.email,
            organisation_id: u.organisation_id,
        })
        .collect())
}

async fn committee_ids(db: &impl ConnectionTrait, call_id: Uuid) -> ApiResult<Vec<Uuid>> {
    Ok(call_committee_member::Entity::find()
        .filter(call_committee_member::Column::CallId.eq(call_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect())
}

pub async fn set_committee(
    db: &DatabaseConnection,
    actor: &Actor,
    call_id: Uuid,
    user_ids: Vec<Uuid>,
) -> ApiResult<Vec<CommitteeMemberDto>> {
    let txn = begin_write(db).await?;
    let call = get_call(&txn, call_id).await?;
    if any_final(&txn, call_id).await? {
        return Err(ApiError::conflict(
            "selection.final",
            "A selection of this call is final; its committee can no longer change.",
        ));
    }
    let team: HashSet<Uuid> = project_team_member::Entity::find()
        .filter(project_team_member::Column::ProjectId.eq(call.project_id))
        .filter(project_team_member::Column::Function.eq(TeamFunction::CommitteeMember))
        .all(&txn)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    let mut unique: Vec<Uuid> = user_ids.clone();
    unique.sort();
    unique.dedup();
    let mut errors = Vec::new();
    for (i, id) in user_ids.iter().enumerate() {
        match user::Entity::find_by_id(*id).one(&txn).await? {
            // Team members must also be able to read submitted applications to score them.
            Some(u) if u.active && (u.role == Role::Committee || (team.contains(&u.id) && matches!(u.role, Role::Coordinator | Role::Admin))) => {}
            Some(_) => errors.push(FieldError::new(
                format!("user_ids[{i}]"),
                "not_committee",
                "must be an active user of role committee, or a coordinator or admin in the project team with the function committee_member",
            )),
            None => errors.push(FieldError::new(format!("user_ids[{i}]"), "not_found", "no such user")),
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    call_committee_member::Entity::delete_many()
        .filter(call_committee_member::Column::CallId.eq(call_id))
        .exec(&txn)
        .await?;
    let now = Utc::now();
    for id in &unique {
        call_committee_member::ActiveModel {
            call_id: Set(call_id),
            user_id: Set(*id),
            created_at: Set(now),
        }
        .insert(&txn)
        .await?;
    }
    audit::record(
        &txn,
        actor,
        "update",
        "call",
        call_id,
        &["committee".into()],
    )
    .await?;
    let out = committee(&txn, call_id).await?;
    txn.commit().await?;
    Ok(out)
}

// ---------------------------------------------------------------- criteria and settings

pub async fn criteria(db: &impl ConnectionTrait, call_id: Uuid) -> ApiResult<Vec<CriterionDto>> {
    get_call(db, call_id).await?;
    let rows = selection_criterion::Entity::find()
        .filter(selection_criterion::Column::CallId.eq(call_id))
        .order_by_asc(selection_criterion::Column::Position)
        .all(db)
        .await?;
    if rows.is_empty() {
        return Ok(default_criteria());
    }
    Ok(rows
        .into_iter()
        .map(|r| CriterionDto {
            key: r.key,
            title: r.title,
            max_points: r.max_points,
            weight: r.weight,
        })
        .collect())
}

pub async fn set_criteria(
    db: &DatabaseConnection,
    actor: &Actor,
    call_id: Uuid,
    list: Vec<CriterionDto>,
) -> ApiResult<Vec<CriterionDto>> {
    let mut errors = Vec::new();
    if list.is_empty() || list.len() > 20 {
        errors.push(FieldError::new(
            "criteria",
            "length",
            "between 1 and 20 criteria",
        ));
    }
    let mut seen = HashSet::new();
    for (i, c) in list.iter().enumerate() {
        if let Err(e) = validator::Validate::validate(c) {
            for fe in ApiError::from(e).errors {
                errors.push(FieldError::new(
                    format!("criteria[{i}].{}", fe.field),
                    fe.code,
                    fe.message,
                ));
            }
        }
        if !seen.insert(c.key.clone()) {
            errors.push(FieldError::new(
                format!("criteria[{i}].key"),
                "duplicate",
                "keys must be unique",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let txn = begin_write(db).await?;
    get_call(&txn, call_id).await?;
    if scoring_started(&txn, call_id).await? {
        return Err(criteria_locked());
    }
    selection_criterion::Entity::delete_many()
        .filter(selection_criterion::Column::CallId.eq(call_id))
        .exec(&txn)
        .await?;
    for (i, c) in list.iter().enumerate() {
        selection_criterion::ActiveModel {
            id: Set(Uuid::now_v7()),
            call_id: Set(call_id),
            key: Set(c.key.clone()),
            title: Set(c.title.trim().to_string()),
            max_points: Set(c.max_points),
            weight: Set(c.weight),
            position: Set(i as i32),
        }
        .insert(&txn)
        .await?;
    }
    audit::record(&txn, actor, "update", "call", call_id, &["criteria".into()]).await?;
    let out = criteria(&txn, call_id).await?;
    txn.commit().await?;
    Ok(out)
}

pub async fn settings(db: &impl ConnectionTrait, call_id: Uuid) -> ApiResult<SelectionSettingsDto> {
    get_call(db, call_id).await?;
    Ok(
        match selection_settings::Entity::find_by_id(call_id)
            .one(db)
            .await?
        {
            Some(s) => SelectionSettingsDto {
                quorum: s.quorum,
                fewer_opportunities_bonus: s.fewer_opportunities_bonus,
                fewer_opportunities_first_in_ties: s.fewer_opportunities_first_in_ties,
            },
            None => default_settings(),
        },
    )
}

pub async fn set_settings(
    db: &DatabaseConnection,
    actor: &Actor,
    call_id: Uuid,
    s: SelectionSettingsDto,
) -> ApiResult<SelectionSettingsDto> {
    let txn = begin_write(db).await?;
    get_call(&txn, call_id).await?;
    if scoring_started(&txn, call_id).await? {
        return Err(criteria_locked());
    }
    selection_settings::Entity::delete_by_id(call_id)
        .exec(&txn)
        .await?;
    selection_settings::ActiveModel {
        call_id: Set(call_id),
        quorum: Set(s.quorum),
        fewer_opportunities_bonus: Set(s.fewer_opportunities_bonus),
        fewer_opportunities_first_in_ties: Set(s.fewer_opportunities_first_in_ties),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "update",
        "call",
        call_id,
        &["selection_settings".into()],
    )
    .await?;
    txn.commit().await?;
    Ok(s)
}

// ---------------------------------------------------------------- scoring

/// Everything about an application that scoring needs.
struct ScoringContext {
    app: application::Model,
    call: call::Model,
    tz: Tz,
}

async fn scoring_context(db: &impl ConnectionTrait, app_id: Uuid) -> ApiResult<ScoringContext> {
    let app = application::Entity::find_by_id(app_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("application"))?;
    let call = get_call(db, app.call_id).await?;
    let tz = project_tz(db, call.project_id).await?;
    Ok(ScoringContext { app, call, tz })
}

async fn is_final(db: &impl ConnectionTrait, mobility_id: Uuid) -> ApiResult<bool> {
    Ok(mobility_selection::Entity::find_by_id(mobility_id)
        .one(db)
        .await?
        .is_some())
}

/// A committee member may score or declare on this application; returns 404 for applications
/// the member may not see at all.
async fn check_member(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    ctx: &ScoringContext,
) -> ApiResult<()> {
    let visible = crate::applications::policy::can_see(user, &ctx.app);
    if !visible {
        return Err(ApiError::not_found("application"));
    }
    if !committee_ids(db, ctx.call.id).await?.contains(&user.id) {
        return Err(ApiError::new(
            actix_web::http::StatusCode::FORBIDDEN,
            "selection.not_committee_member",
            "Only members of this call's committee score its applications.",
        ));
    }
    Ok(())
}

fn conflict_error() -> ApiError {
    ApiError::new(
        actix_web::http::StatusCode::FORBIDDEN,
        "selection.conflict_of_interest",
        "You have a conflict of interest with this application (your own library, or declared).",
    )
}

async fn declared(db: &impl ConnectionTrait, app_id: Uuid, member: Uuid) -> ApiResult<bool> {
    Ok(conflict_of_interest::Entity::find_by_id((app_id, member))
        .one(db)
        .await?
        .is_some())
}

fn score_dto(s: application_score::Model) -> ScoreDto {
    ScoreDto {
        application_id: s.application_id,
        member_id: s.member_id,
        scores: serde_json::from_value(s.scores).unwrap_or_default(),
        comment: s.comment,
        updated_at: s.updated_at,
    }
}

pub async fn put_score(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    user: &AuthUser,
    app_id: Uuid,
    r: ScoreRequest,
) -> ApiResult<(ScoreDto, bool)> {
    let txn = begin_write(db).await?;
    let ctx = scoring_context(&txn, app_id).await?;
    check_member(&txn, user, &ctx).await?;
    if !after_deadline(ctx.call.deadline, ctx.tz, clock.now()) {
        return Err(ApiError::conflict(
            "selection.scoring_not_open",
            "Scoring opens after the call's deadline.",
        ));
    }
    if is_final(&txn, ctx.app.mobility_id).await? {
        return Err(ApiError::conflict(
            "selection.final",
            "The selection for this mobility is final.",
        ));
    }
    if ctx.app.status != ApplicationStatus::Submitted {
        return Err(ApiError::conflict(
            "selection.not_submitted",
            "Only submitted applications are scored.",
        ));
    }
    if user.organisation_id == Some(ctx.app.library_id) || declared(&txn, app_id, user.id).await? {
        return Err(conflict_error());
    }
    let crit = criteria(&txn, ctx.call.id).await?;
    let mut errors = Vec::new();
    for c in &crit {
        match r.scores.get(&c.key) {
            None => errors.push(FieldError::new(
                format!("scores.{}", c.key),
                "required",
                "is required",
            )),
            Some(p) if *p < 0 || *p > c.max_points => errors.push(FieldError::new(
                format!("scores.{}", c.key),
                "range",
                format!("must be between 0 and {}", c.max_points),
            )),
            _ => {}
        }
    }
    for key in r.scores.keys() {
        if !crit.iter().any(|c| &c.key == key) {
            errors.push(FieldError::new(
                format!("scores.{key}"),
                "unknown",
                "not a criterion of this call",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let now = Utc::now();
    let existing = application_score::Entity::find()
        .filter(application_score::Column::ApplicationId.eq(app_id))
        .filter(application_score::Column::MemberId.eq(user.id))
        .one(&txn)
        .await?;
    let comment = r
        .comment
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty());
    let (saved, created) = match existing {
        Some(e) => {
            let mut am: application_score::ActiveModel = e.into();
            am.scores = Set(serde_json::json!(r.scores));
            am.comment = Set(comment);
            am.updated_at = Set(now);
            (am.update(&txn).await?, false)
        }
        None => (
            application_score::ActiveModel {
                id: Set(Uuid::now_v7()),
                application_id: Set(app_id),
                member_id: Set(user.id),
                scores: Set(serde_json::json!(r.scores)),
                comment: Set(comment),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?,
            true,
        ),
    };
    audit::record(
        &txn,
        &Actor::from(user),
        if created { "score" } else { "rescore" },
        "application",
        app_id,
        &["scores".into()],
    )
    .await?;
    txn.commit().await?;
    Ok((score_dto(saved), created))
}

pub async fn my_score(
    db: &DatabaseConnection,
    user: &AuthUser,
    app_id: Uuid,
) -> ApiResult<ScoreDto> {
    let ctx = scoring_context(db, app_id).await?;
    check_member(db, user, &ctx).await?;
    application_score::Entity::find()
        .filter(application_score::Column::ApplicationId.eq(app_id))
        .filter(application_score::Column::MemberId.eq(user.id))
        .one(db)
        .await?
        .map(score_dto)
        .ok_or_else(|| ApiError::not_found("score"))
}

/// A member declares a conflict: their score (if any) is removed, and they leave this
/// application's quorum.
pub async fn declare_conflict(
    db: &DatabaseConnection,
    user: &AuthUser,
    app_id: Uuid,
    reason: Option<String>,
) -> ApiResult<(ConflictDto, bool)> {
    let txn = begin_write(db).await?;
    let ctx = scoring_context(&txn, app_id).await?;
    check_member(&txn, user, &ctx).await?;
    if is_final(&txn, ctx.app.mobility_id).await? {
        return Err(ApiError::conflict(
            "selection.final",
            "The selection for this mobility is final.",
        ));
    }
    if let Some(c) = conflict_of_interest::Entity::find_by_id((app_id, user.id))
        .one(&txn)
        .await?
    {
        return Ok((
            ConflictDto {
                application_id: c.application_id,
                member_id: c.member_id,
                reason: c.reason,
                declared_at: c.declared_at,
            },
            false,
        ));
    }
    let c = conflict_of_interest::ActiveModel {
        application_id: Set(app_id),
        member_id: Set(user.id),
        reason: Set(reason
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty())),
        declared_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    application_score::Entity::delete_many()
        .filter(application_score::Column::ApplicationId.eq(app_id))
        .filter(application_score::Column::MemberId.eq(user.id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        &Actor::from(user),
        "declare_conflict",
        "application",
        app_id,
        &["conflicts".into()],
    )
    .await?;
    txn.commit().await?;
    Ok((
        ConflictDto {
            application_id: c.application_id,
            member_id: c.member_id,
            reason: c.reason,
            declared_at: c.declared_at,
        },
        true,
    ))
}

// ---------------------------------------------------------------- ranking

/// The call whose applications are ranked for a mobility.
pub async fn call_for_mobility(
    db: &impl ConnectionTrait,
    mobility_id: Uuid,
    call_id: Option<Uuid>,
) -> ApiResult<call::Model> {
    let links: Vec<Uuid> = call_mobility::Entity::find()
        .filter(call_mobility::Column::MobilityId.eq(mobility_id))
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.call_id)
        .collect();
    let calls: Vec<call::Model> = call::Entity::find()
        .filter(call::Column::Id.is_in(links))
        .filter(call::Column::Status.ne(CallStatus::Draft))
        .all(db)
        .await?;
    match call_id {
        Some(id) => calls.into_iter().find(|c| c.id == id).ok_or_else(|| {
            ApiError::invalid_field(
                "call_id",
                "not_found",
                "no published call of this mobility has this id",
            )
        }),
        None => match calls.len() {
            0 => Err(ApiError::unprocessable(
                "selection.no_call",
                "No published call covers this mobility.",
            )),
            1 => Ok(calls.into_iter().next().expect("one call")),
            _ => Err(ApiError::invalid_field(
                "call_id",
                "required",
                "several calls cover this mobility: name one",
            )),
        },
    }
}

pub struct Computed {
    pub call: call::Model,
    pub mobility: mobility::Model,
    pub tz: Tz,
    pub committee: Vec<Uuid>,
    pub criteria: Vec<CriterionDto>,
    pub settings: SelectionSettingsDto,
    pub apps: HashMap<Uuid, application::Model>,
    pub scores: Vec<application_score::Model>,
    pub conflicts: Vec<conflict_of_interest::Model>,
    /// In rank order.
    pub ranking: Vec<RankingEntry>,
    pub complete: bool,
    pub final_decision: Option<mobility_selection::Model>,
}

/// Members who may score an application: the committee less those whose library it is and
/// those who declared a conflict.
fn eligible(
    committee: &[Uuid],
    members: &HashMap<Uuid, user::Model>,
    app: &application::Model,
    conflicts: &[conflict_of_interest::Model],
) -> Vec<Uuid> {
    committee
        .iter()
        .copied()
        .filter(|m| members.get(m).and_then(|u| u.organisation_id) != Some(app.library_id))
        .filter(|m| {
            !conflicts
                .iter()
                .any(|c| c.application_id == app.id && c.member_id == *m)
        })
        .collect()
}

pub async fn compute(
    db: &impl ConnectionTrait,
    mobility_id: Uuid,
    call_id: Option<Uuid>,
) -> ApiResult<Computed> {
    let mobility = mobility::Entity::find_by_id(mobility_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("mobility"))?;
    let call = call_for_mobility(db, mobility_id, call_id).await?;
    let tz = project_tz(db, call.project_id).await?;
    let committee = committee_ids(db, call.id).await?;
    let members: HashMap<Uuid, user::Model> = user::Entity::find()
        .filter(user::Column::Id.is_in(committee.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let criteria_list = criteria(db, call.id).await?;
    let settings_v = settings(db, call.id).await?;
    let final_decision = mobility_selection::Entity::find_by_id(mobility_id)
        .one(db)
        .await?;
    let ranked_statuses: Vec<ApplicationStatus> = if final_decision.is_some() {
        vec![
            ApplicationStatus::Selected,
            ApplicationStatus::Reserve,
            ApplicationStatus::Rejected,
            ApplicationStatus::Withdrawn,
        ]
    } else {
        vec![ApplicationStatus::Submitted]
    };
    let mut apps_list = application::Entity::find()
        .filter(application::Column::CallId.eq(call.id))
        .filter(application::Column::MobilityId.eq(mobility_id))
        .filter(application::Column::Status.is_in(ranked_statuses))
        .all(db)
        .await?;
    if final_decision.is_some() {
        // After the decision the ranking is the one decided on: those that had a rank.
        apps_list.retain(|a| a.selection_rank.is_some());
    }
    let ids: Vec<Uuid> = apps_list.iter().map(|a| a.id).collect();
    let scores = application_score::Entity::find()
        .filter(application_score::Column::ApplicationId.is_in(ids.clone()))
        .order_by_asc(application_score::Column::ApplicationId)
        .order_by_asc(application_score::Column::MemberId)
        .all(db)
        .await?;
    let conflicts = conflict_of_interest::Entity::find()
        .filter(conflict_of_interest::Column::ApplicationId.is_in(ids))
        .order_by_asc(conflict_of_interest::Column::DeclaredAt)
        .all(db)
        .await?;
    let crit: Vec<Criterion> = criteria_list
        .iter()
        .map(|c| Criterion {
            key: c.key.clone(),
            max_points: c.max_points,
            weight: c.weight,
        })
        .collect();
    let rules = Rules {
        fewer_opportunities_bonus: settings_v.fewer_opportunities_bonus,
        fewer_opportunities_first_in_ties: settings_v.fewer_opportunities_first_in_ties,
    };
    let mut quorum: HashMap<Uuid, u32> = HashMap::new();
    let candidates: Vec<Candidate> = apps_list
        .iter()
        .map(|a| {
            let elig = eligible(&committee, &members, a, &conflicts);
            let required = match settings_v.quorum {
                Some(q) => (q as usize).min(elig.len()),
                None => elig.len(),
            } as u32;
            quorum.insert(a.id, required);
            Candidate {
                application_id: a.id,
                fewer_opportunities: a.fewer_opportunities,
                submitted_at: a.submitted_at,
                scores: scores
                    .iter()
                    .filter(|s| s.application_id == a.id && elig.contains(&s.member_id))
                    .map(|s| {
                        serde_json::from_value::<HashMap<String, i32>>(s.scores.clone())
                            .unwrap_or_default()
                    })
                    .collect(),
            }
        })
        .collect();
    let ranked = ranking::rank(&crit, rules, &candidates);
    let apps: HashMap<Uuid, application::Model> =
        apps_list.into_iter().map(|a| (a.id, a)).collect();
    let mut complete = !committee.is_empty();
    let mut entries = Vec::new();
    for r in ranked {
        let a = &apps[&r.application_id];
        let q = quorum[&r.application_id];
        if r.score_count < q {
            complete = false;
        }
        entries.push(RankingEntry {
            rank: if final_decision.is_some() {
                a.selection_rank.unwrap_or(0) as u32
            } else {
                r.rank
            },
            application_id: a.id,
            library_id: a.library_id,
            applicant_full_name: a.applicant_full_name.clone(),
            fewer_opportunities: a.fewer_opportunities,
            submitted_at: a.submitted_at,
            averages: r
                .averages
                .into_iter()
                .map(|(key, average)| CriterionAverage { key, average })
                .collect(),
            weighted_total: r.weighted_total,
            bonus: r.bonus,
            score_count: r.score_count,
            quorum: q,
            status: a.status,
        });
    }
    if final_decision.is_some() {
        entries.sort_by_key(|e| e.rank);
    }
    Ok(Computed {
        call,
        mobility,
        tz,
        committee,
        criteria: criteria_list,
        settings: settings_v,
        apps,
        scores,
        conflicts,
        ranking: entries,
        complete,
        final_decision,
    })
}

/// The ranking, for coordinators, and for committee members who have scored everything they can.
pub async fn ranking_for(
    db: &DatabaseConnection,
    user: &AuthUser,
    mobility_id: Uuid,
    call_id: Option<Uuid>,
) -> ApiResult<RankingDto> {
    if !matches!(user.role, Role::Admin | Role::Coordinator | Role::Committee) {
        return Err(ApiError::forbidden(
            "The ranking is for the committee and the coordinators.",
        ));
    }
    let c = compute(db, mobility_id, call_id).await?;
    if !user.is_staff() {
        if !c.committee.contains(&user.id) {
            return Err(ApiError::new(
                actix_web::http::StatusCode::FORBIDDEN,
                "selection.not_committee_member",
                "Only members of this call's committee see its ranking.",
            ));
        }
        let members: HashMap<Uuid, user::Model> = user::Entity::find()
            .filter(user::Column::Id.is_in(c.committee.clone()))
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect();
        let missing = c
            .apps
            .values()
            .filter(|a| a.status == ApplicationStatus::Submitted)
            .any(|a| {
                eligible(&c.committee, &members, a, &c.conflicts).contains(&user.id)
                    && !c
                        .scores
                        .iter()
                        .any(|s| s.application_id == a.id && s.member_id == user.id)
            });
        if missing {
            return Err(ApiError::new(
                actix_web::http::StatusCode::FORBIDDEN,
                "selection.scoring_incomplete",
                "Score every application you can score first; then the ranking is shown.",
            ));
        }
    }
    Ok(RankingDto {
        mobility_id,
        call_id: c.call.id,
        places: c.mobility.places,
        reserve_places: c.mobility.reserve_places,
        complete: c.complete,
        finalised: c.final_decision.is_some(),
        entries: c.ranking,
    })
}

// ---------------------------------------------------------------- decision

async fn set_outcome(
    db: &impl ConnectionTrait,
    app: &application::Model,
    status: ApplicationStatus,
    rank: u32,
    reserve_rank: Option<i32>,
) -> ApiResult<()> {
    let mut am: application::ActiveModel = app.clone().into();
    am.status = Set(status);
    am.selection_rank = Set(Some(rank as i32));
    am.reserve_rank = Set(reserve_rank);
    am.updated_at = Set(Utc::now());
    am.update(db).await?;
    Ok(())
}

fn decision_dto(
    sel: &mobility_selection::Model,
    call: &call::Model,
    mob: &mobility::Model,
    apps: &[application::Model],
) -> DecisionDto {
    // The decision as made: by rank, the first `places` selected, the next `reserve_places`
    // in reserve, the rest rejected (later withdrawals and promotions do not rewrite it).
    let mut ranked: Vec<&application::Model> =
        apps.iter().filter(|a| a.selection_rank.is_some()).collect();
    ranked.sort_by_key(|a| a.selection_rank);
    let places = mob.places.max(0) as usize;
    let reserves = mob.reserve_places.max(0) as usize;
    let ids = |from: usize, to: usize| {
        ranked
            .iter()
            .skip(from)
            .take(to.saturating_sub(from))
            .map(|a| a.id)
            .collect::<Vec<_>>()
    };
    DecisionDto {
        mobility_id: sel.mobility_id,
        call_id: sel.call_id,
        finalised_by: sel.finalised_by,
        finalised_at: sel.finalised_at,
        justification: sel.justification.clone(),
        after_selection_due: sel.after_selection_due,
        selection_due: call.selection_due,
        selected: ids(0, places),
        reserve: ids(places, places + reserves),
        rejected: ids(places + reserves, ranked.len()),
    }
}

/// Finalise the selection of a mobility in one transaction: selected, reserve, rejected,
/// participants, notifications, the decision record.
pub async fn finalise(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    user: &AuthUser,
    mobility_id: Uuid,
    call_id: Option<Uuid>,
    justification: String,
) -> ApiResult<DecisionDto> {
    let actor = Actor::from(user);
    let txn = begin_write(db).await?;
    // Serialise decisions on this mobility (PostgreSQL row lock; SQLite holds the write lock).
    mobility::Entity::find_by_id(mobility_id)
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found("mobility"))?;
    if is_final(&txn, mobility_id).await? {
        return Err(ApiError::conflict(
            "selection.already_final",
            "The selection for this mobility is already final.",
        ));
    }
    let c = compute(&txn, mobility_id, call_id).await?;
    let now = clock.now();
    if !after_deadline(c.call.deadline, c.tz, now) {
        return Err(ApiError::conflict(
            "selection.scoring_not_open",
            "The selection can be made only after the call's deadline.",
        ));
    }
    if c.committee.is_empty() {
        return Err(ApiError::conflict(
            "selection.no_committee",
            "The call has no committee.",
        ));
    }
    if !c.complete {
        let missing = c
            .ranking
            .iter()
            .filter(|e| e.score_count < e.quorum)
            .count();
        return Err(ApiError::conflict(
            "selection.incomplete",
            format!("{missing} submitted application(s) lack their quorum of scores."),
        ));
    }
    let places = c.mobility.places.max(0) as usize;
    let reserves = c.mobility.reserve_places.max(0) as usize;
    let mut final_apps = Vec::new();
    for (i, e) in c.ranking.iter().enumerate() {
        let app = &c.apps[&e.application_id];
        let (status, reserve_rank, kind, text) = if i < places {
            (
                ApplicationStatus::Selected,
                None,
                "selection.selected",
                format!(
                    "vaša prijava je bila izbrana za mobilnost {}. Uvrstitev: {}.",
                    c.mobility.title, e.rank
                ),
            )
        } else if i < places + reserves {
            let r = (i - places + 1) as i32;
            (
                ApplicationStatus::Reserve,
                Some(r),
                "selection.reserve",
                format!(
                    "vaša prijava je na rezervnem seznamu za mobilnost {} kot {}. rezerva.",
                    c.mobility.title, r
                ),
            )
        } else {
            (
                ApplicationStatus::Rejected,
                None,
                "selection.rejected",
                format!(
                    "vaša prijava za mobilnost {} žal ni bila izbrana. Uvrstitev: {}.",
                    c.mobility.title, e.rank
                ),
            )
        };
        set_outcome(&txn, app, status, e.rank, reserve_rank).await?;
        record_status(
            &txn,
            app.id,
            Some(app.status),
            status,
            &actor,
            Some(format!("rank {}", e.rank)),
            Utc::now(),
        )
        .await?;
        if status == ApplicationStatus::Selected {
            lifecycle::create(&txn, &actor, app, None).await?;
        }
        notify_outcome(&txn, app, &c.mobility, kind, text).await?;
        let mut done = app.clone();
        done.status = status;
        done.selection_rank = Some(e.rank as i32);
        done.reserve_rank = reserve_rank;
        final_apps.push(done);
    }
    let after_due = c
        .call
        .selection_due
        .is_some_and(|due| now.with_timezone(&c.tz).date_naive() > due);
    let sel = mobility_selection::ActiveModel {
        mobility_id: Set(mobility_id),
        call_id: Set(c.call.id),
        finalised_by: Set(user.id),
        finalised_at: Set(now),
        justification: Set(justification.trim().to_string()),
        after_selection_due: Set(after_due),
    }
    .insert(&txn)
    .await
    .map_err(|e| match ApiError::from(e) {
        err if err.code == "resource.duplicate" => ApiError::conflict(
            "selection.already_final",
            "The selection for this mobility is already final.",
        ),
        err => err,
    })?;
    audit::record(
        &txn,
        &actor,
        "finalise_selection",
        "mobility",
        mobility_id,
        &["selection".into(), "justification".into()],
    )
    .await?;
    txn.commit().await?;
    Ok(decision_dto(&sel, &c.call, &c.mobility, &final_apps))
}

// ---------------------------------------------------------------- the record

pub async fn record(
    db: &DatabaseConnection,
    mobility_id: Uuid,
    call_id: Option<Uuid>,
) -> ApiResult<SelectionRecord> {
    let c = compute(db, mobility_id, call_id).await?;
    let members = committee(db, c.call.id).await?;
    let names: HashMap<Uuid, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(c.scores.iter().map(|s| s.member_id).collect::<Vec<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.full_name))
        .collect();
    let decision = match &c.final_decision {
        Some(sel) => {
            let apps: Vec<application::Model> = application::Entity::find()
                .filter(application::Column::CallId.eq(c.call.id))
                .filter(application::Column::MobilityId.eq(mobility_id))
                .filter(application::Column::SelectionRank.is_not_null())
                .all(db)
                .await?;
            Some(decision_dto(sel, &c.call, &c.mobility, &apps))
        }
        None => None,
    };
    Ok(SelectionRecord {
        mobility_id,
        mobility_code: c.mobility.code.clone(),
        call_id: c.call.id,
        call_title: c.call.title.clone(),
        deadline: c.call.deadline,
        selection_due: c.call.selection_due,
        committee: members,
        criteria: c.criteria.clone(),
        settings: c.settings.clone(),
        scores: c
            .scores
            .iter()
            .map(|s| RecordScore {
                application_id: s.application_id,
                member_id: s.member_id,
                member_name: names.get(&s.member_id).cloned().unwrap_or_default(),
                scores: serde_json::from_value::<BTreeMap<String, i32>>(s.scores.clone())
                    .unwrap_or_default(),
                comment: s.comment.clone(),
                updated_at: s.updated_at,
            })
            .collect(),
        conflicts: c
            .conflicts
            .iter()
            .map(|x| ConflictDto {
                application_id: x.application_id,
                member_id: x.member_id,
                reason: x.reason.clone(),
                declared_at: x.declared_at,
            })
            .collect(),
        ranking: c.ranking,
        decision,
    })
}

/// The record as CSV: one row per score, with the application's rank and outcome.
pub fn record_csv(
    r: &SelectionRecord,
    delimiter: crate::http::csv::Delimiter,
) -> ApiResult<Vec<u8>> {
    let mut w = crate::http::csv::writer(delimiter);
    {
        let mut header: Vec<String> = [
            "rank",
            "application_id",
            "applicant",
            "fewer_opportunities",
            "weighted_total",
            "status",
            "member",
            "member_id",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        header.extend(
            r.criteria
                .iter()
                .map(|c| format!("{} (max {}, weight {})", c.key, c.max_points, c.weight)),
        );
        header.push("comment".into());
        w.write_record(&header).map_err(ApiError::internal)?;
        for e in &r.ranking {
            let scores: Vec<&RecordScore> = r
                .scores
                .iter()
                .filter(|s| s.application_id == e.application_id)
                .collect();
            let base = vec![
                e.rank.to_string(),
                e.application_id.to_string(),
                e.applicant_full_name.clone(),
                if e.fewer_opportunities {
                    "yes".into()
                } else {
                    "no".into()
                },
                format!("{:.2}", e.weighted_total),
                e.status.to_string(),
            ];
            if scores.is_empty() {
                let mut row = base.clone();
                row.extend(["".to_string(), "".to_string()]);
                row.extend(r.criteria.iter().map(|_| String::new()));
                row.push(String::new());
                w.write_record(&row).map_err(ApiError::internal)?;
            }
            for s in scores {
                let mut row = base.clone();
                row.push(s.member_name.clone());
                row.push(s.member_id.to_string());
                row.extend(r.criteria.iter().map(|c| {
                    s.scores
                        .get(&c.key)
                        .map(|p| p.to_string())
                        .unwrap_or_default()
                }));
                row.push(s.comment.clone().unwrap_or_default());
                w.write_record(&row).map_err(ApiError::internal)?;
            }
        }
    }
    w.into_inner().map_err(ApiError::internal)
}
