//! The selection record: committee, criteria, scores, conflicts, ranking and decision, as JSON and CSV.

use super::*;

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
            let participants = crate::participants::service::named(db, mobility_id).await?;
            Some(decision_dto(sel, &c.call, &c.mobility, &apps, participants))
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
