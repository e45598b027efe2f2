//! The project's indicators against its targets, and CSV exports for the final report.

use super::dto::{Indicator, IndicatorsDto};
use crate::http::csv::Delimiter;
use crate::http::{ApiError, ApiResult};
use entity::enums::{
    AdoptionStatus, AgreementKind, AgreementStatus, DisseminationKind, ParticipantStatus,
    ReportStatus, StoryStatus, WorkshopStatus,
};
use entity::{
    agreement, application, digital_story, dissemination_item, dissemination_participant, mobility,
    organisation, participant, participant_report, practice_adoption, project,
    questionnaire_response, workshop,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

struct Data {
    mobilities: Vec<mobility::Model>,
    participants: Vec<participant::Model>,
    apps: HashMap<Uuid, application::Model>,
    items: Vec<dissemination_item::Model>,
    workshops: Vec<workshop::Model>,
}

async fn load(db: &DatabaseConnection, project_id: Uuid) -> ApiResult<Data> {
    project::Entity::find_by_id(project_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("project"))?;
    let mobilities = mobility::Entity::find()
        .filter(mobility::Column::ProjectId.eq(project_id))
        .order_by_asc(mobility::Column::Code)
        .all(db)
        .await?;
    let mids: Vec<Uuid> = mobilities.iter().map(|m| m.id).collect();
    let participants = participant::Entity::find()
        .filter(participant::Column::MobilityId.is_in(mids.clone()))
        .filter(participant::Column::Status.ne(ParticipantStatus::Withdrawn))
        .order_by_asc(participant::Column::FullName)
        .order_by_asc(participant::Column::Id)
        .all(db)
        .await?;
    let apps = application::Entity::find()
        .filter(
            application::Column::Id.is_in(
                participants
                    .iter()
                    .map(|p| p.application_id)
                    .collect::<Vec<_>>(),
            ),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let pids: Vec<Uuid> = participants.iter().map(|p| p.id).collect();
    let item_ids: HashSet<Uuid> = dissemination_participant::Entity::find()
        .filter(dissemination_participant::Column::ParticipantId.is_in(pids))
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.item_id)
        .collect();
    let items = dissemination_item::Entity::find()
        .filter(dissemination_item::Column::Id.is_in(item_ids))
        .order_by_asc(dissemination_item::Column::Date)
        .order_by_asc(dissemination_item::Column::Id)
        .all(db)
        .await?;
    let workshops = workshop::Entity::find()
        .filter(workshop::Column::MobilityId.is_in(mids))
        .order_by_asc(workshop::Column::CreatedAt)
        .all(db)
        .await?;
    Ok(Data {
        mobilities,
        participants,
        apps,
        items,
        workshops,
    })
}

pub async fn indicators(
    db: &DatabaseConnection,
    project_id: Uuid,
    public: bool,
) -> ApiResult<IndicatorsDto> {
    let d = load(db, project_id).await?;
    let pids: Vec<Uuid> = d.participants.iter().map(|p| p.id).collect();
    let mids: Vec<Uuid> = d.mobilities.iter().map(|m| m.id).collect();
    let kind_count =
        |k: &[DisseminationKind]| d.items.iter().filter(|i| k.contains(&i.kind)).count() as i64;
    let held: Vec<&workshop::Model> = d
        .workshops
        .iter()
        .filter(|w| w.status != WorkshopStatus::Planned)
        .collect();
    let older_adults: i64 = held
        .iter()
        .filter_map(|w| w.attendees_count)
        .map(i64::from)
        .sum();
    let needs: i64 = d
        .workshops
        .iter()
        .filter_map(|w| w.report.clone())
        .filter_map(|r| serde_json::from_value::<crate::workshops::dto::WorkshopReport>(r).ok())
        .map(|r| r.learning_needs.len() as i64)
        .sum();
    let wids: Vec<Uuid> = d.workshops.iter().map(|w| w.id).collect();
    let stories = digital_story::Entity::find()
        .filter(digital_story::Column::WorkshopId.is_in(wids))
        .filter(digital_story::Column::Status.eq(StoryStatus::Published))
        .all(db)
        .await?
        .len() as i64;
    let adopted: HashSet<Uuid> = practice_adoption::Entity::find()
        .filter(practice_adoption::Column::MobilityId.is_in(mids))
        .filter(practice_adoption::Column::Status.eq(AdoptionStatus::Adopted))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.library_id)
        .collect();
    // The sustainability commitments, as the participants recorded them.
    let kept = entity::sustainability_record::Entity::find()
        .filter(entity::sustainability_record::Column::ParticipantId.is_in(pids.clone()))
        .all(db)
        .await?;
    let kept_count = |f: fn(&entity::sustainability_record::Model) -> bool| {
        kept.iter().filter(|r| f(r)).count() as i64
    };
    let i = |key: &str, value: i64, target: Option<i64>| Indicator {
        key: key.into(),
        value,
        target,
    };
    let mut out = vec![
        i("participants", d.participants.len() as i64, Some(20)),
        i("workshops_held", held.len() as i64, Some(20)),
        i("older_adults_reached", older_adults, Some(200)),
        i("learning_needs_found", needs, None),
        i(
            "presentations",
            kind_count(&[
                DisseminationKind::ColleaguesPresentation,
                DisseminationKind::ProfessionalEvent,
            ]),
            None,
        ),
        i(
            "publications",
            kind_count(&[
                DisseminationKind::PortalPublication,
                DisseminationKind::KnjiznicarskeNovice,
                DisseminationKind::LibraryWebsite,
            ]),
            None,
        ),
        i(
            "social_media_posts",
            kind_count(&[DisseminationKind::SocialMediaPost]),
            None,
        ),
        i("stories_published", stories, Some(10)),
        i(
            "libraries_adopting_new_practice",
            adopted.len() as i64,
            Some(10),
        ),
        i("sustainability_recorded", kept.len() as i64, None),
        i(
            "green_travel",
            kept_count(|r| r.travel_mode.is_green()),
            None,
        ),
        i(
            "local_public_transport",
            kept_count(|r| r.local_public_transport),
            None,
        ),
        i("local_food", kept_count(|r| r.local_food), None),
        i("planned_online", kept_count(|r| r.planned_online), None),
    ];
    if !public {
        let fewer = d
            .participants
            .iter()
            .filter(|p| {
                d.apps
                    .get(&p.application_id)
                    .is_some_and(|a| a.fewer_opportunities)
            })
            .count() as i64;
        let signed = agreement::Entity::find()
            .filter(agreement::Column::ParticipantId.is_in(pids.clone()))
            .filter(agreement::Column::Status.eq(AgreementStatus::Signed))
            .filter(agreement::Column::Kind.is_in([AgreementKind::Grant, AgreementKind::Learning]))
            .all(db)
            .await?
            .len() as i64;
        let questionnaires = questionnaire_response::Entity::find()
            .filter(questionnaire_response::Column::ParticipantId.is_in(pids.clone()))
            .all(db)
            .await?
            .len() as i64;
        let reports = participant_report::Entity::find()
            .filter(participant_report::Column::ParticipantId.is_in(pids))
            .filter(participant_report::Column::Status.eq(ReportStatus::Submitted))
            .all(db)
            .await?
            .len() as i64;
        let completed = d
            .participants
            .iter()
            .filter(|p| p.status == ParticipantStatus::Completed)
            .count() as i64;
        out.extend([
            i("participants_with_fewer_opportunities", fewer, None),
            i("agreements_signed", signed, Some(2 * 20)),
            i("questionnaires_answered", questionnaires, None),
            i("reports_submitted", reports, None),
            i("participants_completed", completed, None),
        ]);
    }
    Ok(IndicatorsDto {
        project_id,
        indicators: out,
    })
}

fn csv_of(delimiter: Delimiter, header: &[&str], rows: Vec<Vec<String>>) -> ApiResult<Vec<u8>> {
    let mut w = crate::http::csv::writer(delimiter);
    {
        w.write_record(header).map_err(ApiError::internal)?;
        for r in rows {
            w.write_record(&r).map_err(ApiError::internal)?;
        }
    }
    w.into_inner().map_err(ApiError::internal)
}

/// The distance band of the Erasmus+ calculator for a one-way distance.
pub fn distance_band(km: i32) -> &'static str {
    match km {
        i32::MIN..=9 => "0-9 km",
        10..=99 => "10-99 km",
        100..=499 => "100-499 km",
        500..=1999 => "500-1999 km",
        2000..=2999 => "2000-2999 km",
        3000..=3999 => "3000-3999 km",
        4000..=7999 => "4000-7999 km",
        _ => "8000 km and more",
    }
}

pub const EXPORTS: &[&str] = &["participants", "activities", "dissemination", "workshops"];

pub async fn export(
    db: &DatabaseConnection,
    project_id: Uuid,
    name: &str,
    delimiter: Delimiter,
) -> ApiResult<Vec<u8>> {
    if !EXPORTS.contains(&name) {
        return Err(ApiError::new(
            actix_web::http::StatusCode::NOT_FOUND,
            "export.not_found",
            format!("Exports: {}.", EXPORTS.join(", ")),
        ));
    }
    let p = project::Entity::find_by_id(project_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("project"))?;
    let d = load(db, project_id).await?;
    let orgs: HashMap<Uuid, organisation::Model> = organisation::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let org = |id: Uuid| orgs.get(&id).map(|o| o.name.clone()).unwrap_or_default();
    let mob: HashMap<Uuid, &mobility::Model> = d.mobilities.iter().map(|m| (m.id, m)).collect();
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let yes = |b: bool| {
        if b {
            "yes".to_string()
        } else {
            "no".to_string()
        }
    };
    match name {
        "participants" => csv_of(
            delimiter,
            &[
                "participant_id",
                "full_name",
                "email",
                "library",
                "mobility",
                "status",
                "fewer_opportunities",
                "reserve_rank",
            ],
            d.participants
                .iter()
                .map(|x| {
                    vec![
                        x.id.to_string(),
                        x.full_name.clone(),
                        x.email.clone(),
                        org(x.library_id),
                        mob.get(&x.mobility_id)
                            .map(|m| m.code.clone())
                            .unwrap_or_default(),
                        x.status.to_string(),
                        yes(d
                            .apps
                            .get(&x.application_id)
                            .is_some_and(|a| a.fewer_opportunities)),
                        x.reserve_rank.map(|r| r.to_string()).unwrap_or_default(),
                    ]
                })
                .collect(),
        ),
        "activities" => {
            // One row per participant's flow, with the Beneficiary Module's activity columns
            // as far as they are known.
            let sender = orgs.get(&p.applicant_id);
            csv_of(
                delimiter,
                &[
                    "activity_id",
                    "activity_type",
                    "participant",
                    "sending_organisation",
                    "sending_country",
                    "sending_city",
                    "receiving_organisation",
                    "receiving_country",
                    "receiving_city",
                    "start_date",
                    "end_date",
                    "travel_days",
                    "distance_band",
                    "green_travel",
                    "fewer_opportunities",
                ],
                d.participants
                    .iter()
                    .filter_map(|x| mob.get(&x.mobility_id).map(|m| (x, *m)))
                    .map(|(x, m)| {
                        vec![
                            x.id.to_string(),
                            m.activity_type.to_string(),
                            x.full_name.clone(),
                            sender.map(|o| o.name.clone()).unwrap_or_default(),
                            sender.map(|o| o.country.clone()).unwrap_or_default(),
                            sender.and_then(|o| o.city.clone()).unwrap_or_default(),
                            org(m.host_organisation_id),
                            m.country.clone(),
                            m.city.clone(),
                            date(m.start_date),
                            date(m.end_date),
                            m.travel_days.to_string(),
                            m.distance_km
                                .map(|k| distance_band(k).to_string())
                                .unwrap_or_default(),
                            yes(m.green_travel),
                            yes(d
                                .apps
                                .get(&x.application_id)
                                .is_some_and(|a| a.fewer_opportunities)),
                        ]
                    })
                    .collect(),
            )
        }
        "dissemination" => {
            let mut links: HashMap<Uuid, Vec<String>> = HashMap::new();
            let names: HashMap<Uuid, String> = d
                .participants
                .iter()
                .map(|x| (x.id, x.full_name.clone()))
                .collect();
            for l in dissemination_participant::Entity::find()
                .filter(
                    dissemination_participant::Column::ItemId
                        .is_in(d.items.iter().map(|i| i.id).collect::<Vec<_>>()),
                )
                .all(db)
                .await?
            {
                if let Some(n) = names.get(&l.participant_id) {
                    links.entry(l.item_id).or_default().push(n.clone());
                }
            }
            csv_of(
                delimiter,
                &[
                    "id",
                    "kind",
                    "date",
                    "title",
                    "url",
                    "channel",
                    "audience_size",
                    "participants",
                ],
                d.items
                    .iter()
                    .map(|i| {
                        let mut ps = links.get(&i.id).cloned().unwrap_or_default();
                        ps.sort();
                        vec![
                            i.id.to_string(),
                            i.kind.to_string(),
                            i.date.to_string(),
                            i.title.clone(),
                            i.url.clone().unwrap_or_default(),
                            i.channel.clone().unwrap_or_default(),
                            i.audience_size.map(|a| a.to_string()).unwrap_or_default(),
                            ps.join(", "),
                        ]
                    })
                    .collect(),
            )
        }
        _ => csv_of(
            delimiter,
            &[
                "id",
                "library",
                "mobility",
                "kind",
                "title",
                "status",
                "planned_on",
                "held_on",
                "attendees",
                "age_60_69",
                "age_70_79",
                "age_80_plus",
                "retired",
                "first_time_in_library",
                "learning_needs",
                "topics",
            ],
            d.workshops
                .iter()
                .map(|w| {
                    let p: crate::workshops::dto::AttendeesProfile = w
                        .attendees_profile
                        .clone()
                        .and_then(|v| serde_json::from_value(v).ok())
                        .unwrap_or_default();
                    let r: crate::workshops::dto::WorkshopReport = w
                        .report
                        .clone()
                        .and_then(|v| serde_json::from_value(v).ok())
                        .unwrap_or_default();
                    let n = |v: Option<i32>| v.map(|x| x.to_string()).unwrap_or_default();
                    vec![
                        w.id.to_string(),
                        org(w.library_id),
                        mob.get(&w.mobility_id)
                            .map(|m| m.code.clone())
                            .unwrap_or_default(),
                        w.kind.to_string(),
                        w.title.clone(),
                        w.status.to_string(),
                        date(w.planned_on),
                        date(w.held_on),
                        n(w.attendees_count),
                        n(p.age_60_69),
                        n(p.age_70_79),
                        n(p.age_80_plus),
                        n(p.retired),
                        n(p.first_time_in_library),
                        r.learning_needs
                            .iter()
                            .map(|l| format!("{} ({})", l.need, l.raised_by))
                            .collect::<Vec<_>>()
                            .join("; "),
                        r.topics.join("; "),
                    ]
                })
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::distance_band;

    #[test]
    fn distance_bands_at_their_edges() {
        for (km, band) in [
            (9, "0-9 km"),
            (10, "10-99 km"),
            (99, "10-99 km"),
            (100, "100-499 km"),
            (499, "100-499 km"),
            (500, "500-1999 km"),
            (1999, "500-1999 km"),
            (2000, "2000-2999 km"),
            (7999, "4000-7999 km"),
            (8000, "8000 km and more"),
        ] {
            assert_eq!(distance_band(km), band, "{km}");
        }
    }
}
