//! The participants' answers to the questionnaire, and their aggregates.

use super::*;

/// Whether the mobility is over for this participant: they came back, or it has ended.
pub async fn mobility_over(
    db: &impl ConnectionTrait,
    clock: &dyn Clock,
    p: &participant::Model,
) -> ApiResult<bool> {
    if p.returned_at.is_some() {
        return Ok(true);
    }
    let m = mobility::Entity::find_by_id(p.mobility_id).one(db).await?;
    let today = crate::clock::today(clock);
    Ok(m.and_then(|m| m.end_date).is_some_and(|end| today > end))
}

pub async fn respond(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    user: &AuthUser,
    participant_id: Uuid,
    r: ResponseRequest,
) -> ApiResult<questionnaire_response::Model> {
    let txn = begin_write(db).await?;
    let p = participants::access::visible(&txn, user, participant_id).await?;
    policy::may_answer(user, &p)?;
    if p.status == ParticipantStatus::Withdrawn || !mobility_over(&txn, clock, &p).await? {
        return Err(ApiError::conflict(
            "questionnaire.not_open",
            "The questionnaire opens when the mobility has ended.",
        ));
    }
    if questionnaire_response::Entity::find_by_id(p.id)
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(ApiError::conflict(
            "questionnaire.already_answered",
            "There is one response per participant, and it is in.",
        ));
    }
    let qs = questions(&txn, p.mobility_id).await?;
    let mut errors = Vec::new();
    for q in &qs {
        let field = format!("answers.{}", q.key);
        match (q.kind, r.answers.get(&q.key)) {
            (_, None) => errors.push(FieldError::new(field, "required", "is required")),
            (QuestionKind::Scale, Some(v)) if !v.as_i64().is_some_and(|n| (1..=5).contains(&n)) => {
                errors.push(FieldError::new(
                    field,
                    "range",
                    "a whole number from 1 to 5",
                ))
            }
            (QuestionKind::SingleChoice, Some(v))
                if !v.as_str().is_some_and(|s| q.options.iter().any(|o| o == s)) =>
            {
                errors.push(FieldError::new(
                    field,
                    "choice",
                    format!("one of: {}", q.options.join(", ")),
                ))
            }
            (QuestionKind::FreeText, Some(v)) if !v.is_string() => {
                errors.push(FieldError::new(field, "text", "a text"))
            }
            _ => {}
        }
    }
    for k in r.answers.keys() {
        if !qs.iter().any(|q| &q.key == k) {
            errors.push(FieldError::new(
                format!("answers.{k}"),
                "unknown",
                "not a question of this questionnaire",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let m = questionnaire_response::ActiveModel {
        participant_id: Set(p.id),
        answers: Set(serde_json::to_value(&r.answers).map_err(ApiError::internal)?),
        submitted_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        &Actor::from(user),
        "create",
        "questionnaire_response",
        p.id,
        &[],
    )
    .await?;
    participants::lifecycle::refresh_completion(&txn, clock, p.id).await?;
    txn.commit().await?;
    Ok(m)
}

pub async fn results(
    db: &impl ConnectionTrait,
    mobility_id: Uuid,
) -> ApiResult<QuestionnaireResults> {
    let qs = questions(db, mobility_id).await?;
    let ps: Vec<participant::Model> = participant::Entity::find()
        .filter(participant::Column::MobilityId.eq(mobility_id))
        .filter(participant::Column::Status.ne(ParticipantStatus::Withdrawn))
        .order_by_asc(participant::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<Uuid> = ps.iter().map(|p| p.id).collect();
    let mut responses = questionnaire_response::Entity::find()
        .filter(questionnaire_response::Column::ParticipantId.is_in(ids))
        .all(db)
        .await?;
    // Free texts are shown without any order that would point to a person.
    responses.sort_by_key(|r| r.answers.to_string());
    let answers: Vec<BTreeMap<String, serde_json::Value>> = responses
        .iter()
        .map(|r| serde_json::from_value(r.answers.clone()).unwrap_or_default())
        .collect();
    let questions = qs
        .iter()
        .map(|q| {
            let values: Vec<&serde_json::Value> =
                answers.iter().filter_map(|a| a.get(&q.key)).collect();
            let mut distribution = BTreeMap::new();
            let mut texts = Vec::new();
            let mut mean = None;
            match q.kind {
                QuestionKind::Scale => {
                    let nums: Vec<i64> = values.iter().filter_map(|v| v.as_i64()).collect();
                    for n in &nums {
                        *distribution.entry(n.to_string()).or_insert(0) += 1;
                    }
                    if !nums.is_empty() {
                        mean = Some(
                            (nums.iter().sum::<i64>() as f64 / nums.len() as f64 * 100.0).round()
                                / 100.0,
                        );
                    }
                }
                QuestionKind::SingleChoice => {
                    for v in values.iter().filter_map(|v| v.as_str()) {
                        *distribution.entry(v.to_string()).or_insert(0) += 1;
                    }
                }
                QuestionKind::FreeText => {
                    texts = values
                        .iter()
                        .filter_map(|v| v.as_str())
                        .map(str::to_string)
                        .filter(|t| !t.trim().is_empty())
                        .collect()
                }
            }
            QuestionResult {
                key: q.key.clone(),
                text: q.text.clone(),
                kind: q.kind,
                responses: values.len() as u32,
                mean,
                distribution,
                texts,
            }
        })
        .collect();
    let completion = ps
        .iter()
        .map(|p| Completion {
            participant_id: p.id,
            answered: responses.iter().any(|r| r.participant_id == p.id),
        })
        .collect();
    Ok(QuestionnaireResults {
        mobility_id,
        participants: ps.len() as u32,
        responses: responses.len() as u32,
        questions,
        completion,
    })
}
