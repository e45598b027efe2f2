//! The mobility's evaluation: questionnaire aggregates, the oral evaluation, all findings.

use super::*;

pub async fn evaluation(db: &DatabaseConnection, mobility_id: Uuid) -> ApiResult<EvaluationDto> {
    let questionnaire = results(db, mobility_id).await?;
    let ids: Vec<Uuid> = questionnaire
        .completion
        .iter()
        .map(|c| c.participant_id)
        .collect();
    let meetings = meeting::Entity::find()
        .filter(meeting::Column::MobilityId.eq(mobility_id))
        .filter(meeting::Column::Kind.eq(MeetingKind::Evaluation))
        .order_by_asc(meeting::Column::StartsAt)
        .all(db)
        .await?;
    let mut oral = Vec::new();
    for m in meetings {
        let attended = meeting_attendance::Entity::find()
            .filter(meeting_attendance::Column::MeetingId.eq(m.id))
            .filter(meeting_attendance::Column::Attended.eq(true))
            .all(db)
            .await?
            .len() as u32;
        oral.push(OralEvaluation {
            meeting_id: m.id,
            starts_at: m.starts_at,
            attended,
        });
    }
    let reports = participant_report::Entity::find()
        .filter(participant_report::Column::ParticipantId.is_in(ids))
        .order_by_asc(participant_report::Column::ParticipantId)
        .all(db)
        .await?;
    let reports_submitted = reports
        .iter()
        .filter(|r| r.status == ReportStatus::Submitted)
        .count() as u32;
    let findings = reports
        .into_iter()
        .map(|r| Findings {
            participant_id: r.participant_id,
            status: r.status,
            goals_achieved: r.goals_achieved,
            results: r.results,
            impacts: r.impacts,
            new_ideas: r.new_ideas,
            transfer_possibilities: r.transfer_possibilities,
        })
        .collect();
    Ok(EvaluationDto {
        mobility_id,
        questionnaire,
        oral_evaluations: oral,
        reports_submitted,
        findings,
    })
}
