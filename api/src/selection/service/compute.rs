//! The ranking of a mobility's applications, computed from scores, criteria and settings.

use super::*;

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
pub(super) fn eligible(
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
    let libraries =
        crate::organisations::service::names(db, apps.values().map(|a| a.library_id)).await?;
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
            library_name: libraries.get(&a.library_id).cloned().unwrap_or_default(),
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

/// Whether `member` has scored every submitted application they may score.
async fn scored_everything(
    db: &impl ConnectionTrait,
    c: &Computed,
    member: Uuid,
) -> ApiResult<bool> {
    let members: HashMap<Uuid, user::Model> = user::Entity::find()
        .filter(user::Column::Id.is_in(c.committee.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    Ok(!c
        .apps
        .values()
        .filter(|a| a.status == ApplicationStatus::Submitted)
        .any(|a| {
            eligible(&c.committee, &members, a, &c.conflicts).contains(&member)
                && !c
                    .scores
                    .iter()
                    .any(|s| s.application_id == a.id && s.member_id == member)
        }))
}

/// The ranking, for coordinators, and for committee members who have scored everything they can.
pub async fn ranking_for(
    db: &DatabaseConnection,
    user: &AuthUser,
    mobility_id: Uuid,
    call_id: Option<Uuid>,
) -> ApiResult<RankingDto> {
    policy::may_open_ranking(user)?;
    let c = compute(db, mobility_id, call_id).await?;
    // Only a member's own scores can hold the ranking back; work them out only for members.
    let scored_all = user.is_staff()
        || !c.committee.contains(&user.id)
        || scored_everything(db, &c, user.id).await?;
    policy::ranking_shown(user, &c.committee, scored_all)?;
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
