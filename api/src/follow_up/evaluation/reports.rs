//! The participant's report: writing and submitting it.

use super::*;

#[derive(Debug, Deserialize, Serialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ReportRequest {
    #[validate(length(min = 1, max = 20000))]
    #[schema(min_length = 1, max_length = 20000)]
    pub goals_achieved: String,
    #[validate(length(min = 1, max = 20000))]
    #[schema(min_length = 1, max_length = 20000)]
    pub results: String,
    #[validate(length(min = 1, max = 20000))]
    #[schema(min_length = 1, max_length = 20000)]
    pub impacts: String,
    #[validate(length(min = 1, max = 20000))]
    #[schema(min_length = 1, max_length = 20000)]
    pub new_ideas: String,
    #[validate(length(min = 1, max = 20000))]
    #[schema(min_length = 1, max_length = 20000)]
    pub transfer_possibilities: String,
    /// The mobility report itself, if written here.
    #[validate(length(max = 100000))]
    #[schema(max_length = 100000)]
    pub report: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportDto {
    pub participant_id: Uuid,
    pub goals_achieved: String,
    pub results: String,
    pub impacts: String,
    pub new_ideas: String,
    pub transfer_possibilities: String,
    pub report: Option<String>,
    pub status: ReportStatus,
    pub submitted_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

impl From<participant_report::Model> for ReportDto {
    fn from(m: participant_report::Model) -> Self {
        Self {
            participant_id: m.participant_id,
            goals_achieved: m.goals_achieved,
            results: m.results,
            impacts: m.impacts,
            new_ideas: m.new_ideas,
            transfer_possibilities: m.transfer_possibilities,
            report: m.report,
            status: m.status,
            submitted_at: m.submitted_at,
            updated_at: m.updated_at,
        }
    }
}

pub async fn report(
    db: &DatabaseConnection,
    user: &AuthUser,
    participant_id: Uuid,
) -> ApiResult<participant_report::Model> {
    let p = participants::access::visible(db, user, participant_id).await?;
    if !(user.is_staff() || participants::access::is_self(user, &p)) {
        return Err(ApiError::not_found("report"));
    }
    participant_report::Entity::find_by_id(participant_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("report"))
}

pub async fn put_report(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    user: &AuthUser,
    participant_id: Uuid,
    r: ReportRequest,
) -> ApiResult<participant_report::Model> {
    let txn = begin_write(db).await?;
    let p = participants::access::visible(&txn, user, participant_id).await?;
    if !participants::access::is_self(user, &p) {
        return Err(ApiError::forbidden("The participant writes their report."));
    }
    if !mobility_over(&txn, clock, &p).await? {
        return Err(ApiError::conflict(
            "report.not_open",
            "The report is written after the mobility.",
        ));
    }
    let existing = participant_report::Entity::find_by_id(p.id)
        .one(&txn)
        .await?;
    if existing
        .as_ref()
        .is_some_and(|e| e.status == ReportStatus::Submitted)
    {
        return Err(ApiError::conflict(
            "report.submitted",
            "The report is submitted and can no longer change.",
        ));
    }
    participant_report::Entity::delete_by_id(p.id)
        .exec(&txn)
        .await?;
    let m = participant_report::ActiveModel {
        participant_id: Set(p.id),
        goals_achieved: Set(r.goals_achieved),
        results: Set(r.results),
        impacts: Set(r.impacts),
        new_ideas: Set(r.new_ideas),
        transfer_possibilities: Set(r.transfer_possibilities),
        report: Set(r.report),
        status: Set(ReportStatus::Draft),
        submitted_at: Set(None),
        updated_at: Set(Utc::now()),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        &Actor::from(user),
        if existing.is_some() {
            "update"
        } else {
            "create"
        },
        "participant_report",
        p.id,
        &["findings".into()],
    )
    .await?;
    txn.commit().await?;
    Ok(m)
}

pub async fn submit_report(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    user: &AuthUser,
    participant_id: Uuid,
) -> ApiResult<participant_report::Model> {
    let txn = begin_write(db).await?;
    let p = participants::access::visible(&txn, user, participant_id).await?;
    if !participants::access::is_self(user, &p) {
        return Err(ApiError::forbidden("The participant submits their report."));
    }
    let r = participant_report::Entity::find_by_id(p.id)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found("report"))?;
    if r.status == ReportStatus::Submitted {
        return Err(ApiError::conflict(
            "report.submitted",
            "The report is already submitted.",
        ));
    }
    let mut am: participant_report::ActiveModel = r.into();
    am.status = Set(ReportStatus::Submitted);
    am.submitted_at = Set(Some(clock.now()));
    am.updated_at = Set(Utc::now());
    let m = am.update(&txn).await?;
    audit::record(
        &txn,
        &Actor::from(user),
        "submit",
        "participant_report",
        p.id,
        &["status".into()],
    )
    .await?;
    participants::lifecycle::refresh_completion(&txn, clock, p.id).await?;
    txn.commit().await?;
    Ok(m)
}
