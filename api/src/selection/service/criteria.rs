//! The criteria and settings a call's scoring uses, fixed once scoring starts.

use super::*;

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
