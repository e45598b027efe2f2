//! The project's public Atom feed (RFC 4287): its published digital stories (on Kamra) and its
//! dissemination published on the web (portal, Knjižnicarske novice, library websites, social
//! media, each with its address), newest first, for portals such as Knjižnice.si. Presentations
//! to colleagues and talks at events are not publications and are left out; no person is
//! named, only the libraries.

use crate::http::ApiResult;
use crate::xml::escape;
use chrono::{DateTime, NaiveTime, Utc};
use entity::enums::{DisseminationKind, StoryStatus};
use entity::{
    digital_story, dissemination_item, dissemination_participant, mobility, organisation,
    participant, workshop,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};
use std::collections::HashMap;
use uuid::Uuid;

/// Most entries a feed holds.
pub const ENTRIES: u64 = 50;

/// Dissemination kinds that are publications on the web.
pub const PUBLISHED_KINDS: &[DisseminationKind] = &[
    DisseminationKind::PortalPublication,
    DisseminationKind::KnjiznicarskeNovice,
    DisseminationKind::LibraryWebsite,
    DisseminationKind::SocialMediaPost,
];

struct Entry {
    id: Uuid,
    title: String,
    updated: DateTime<Utc>,
    published: Option<DateTime<Utc>>,
    link: Option<String>,
    authors: Vec<String>,
    category: &'static str,
    summary: Option<String>,
}

/// The feed of project `project_id`, whose own address is `self_url`.
pub async fn feed(
    db: &impl ConnectionTrait,
    project_id: Uuid,
    self_url: &str,
) -> ApiResult<String> {
    let project = super::service::get_model(db, project_id).await?;
    let mobilities = mobility::Entity::find()
        .select_only()
        .column(mobility::Column::Id)
        .filter(mobility::Column::ProjectId.eq(project_id))
        .into_query();
    let mut entries = Vec::new();

    // Published stories, by their workshop's library.
    let stories = digital_story::Entity::find()
        .filter(digital_story::Column::Status.eq(StoryStatus::Published))
        .filter(
            digital_story::Column::WorkshopId.in_subquery(
                workshop::Entity::find()
                    .select_only()
                    .column(workshop::Column::Id)
                    .filter(workshop::Column::MobilityId.in_subquery(mobilities.clone()))
                    .into_query(),
            ),
        )
        .order_by_desc(digital_story::Column::UpdatedAt)
        .limit(ENTRIES)
        .all(db)
        .await?;
    let library_of_workshop: HashMap<Uuid, Uuid> = workshop::Entity::find()
        .filter(workshop::Column::Id.is_in(stories.iter().map(|s| s.workshop_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|w| (w.id, w.library_id))
        .collect();

    // Dissemination published on the web, by its participants' libraries.
    let items = dissemination_item::Entity::find()
        .filter(dissemination_item::Column::Kind.is_in(PUBLISHED_KINDS.iter().copied()))
        .filter(dissemination_item::Column::Url.is_not_null())
        .filter(
            dissemination_item::Column::Id.in_subquery(
                dissemination_participant::Entity::find()
                    .select_only()
                    .column(dissemination_participant::Column::ItemId)
                    .filter(
                        dissemination_participant::Column::ParticipantId.in_subquery(
                            participant::Entity::find()
                                .select_only()
                                .column(participant::Column::Id)
                                .filter(participant::Column::MobilityId.in_subquery(mobilities))
                                .into_query(),
                        ),
                    )
                    .into_query(),
            ),
        )
        .order_by_desc(dissemination_item::Column::UpdatedAt)
        .limit(ENTRIES)
        .all(db)
        .await?;
    let links = dissemination_participant::Entity::find()
        .filter(dissemination_participant::Column::ItemId.is_in(items.iter().map(|i| i.id)))
        .all(db)
        .await?;
    let library_of_participant: HashMap<Uuid, Uuid> = participant::Entity::find()
        .filter(participant::Column::Id.is_in(links.iter().map(|l| l.participant_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.library_id))
        .collect();

    let names: HashMap<Uuid, String> = organisation::Entity::find()
        .filter(
            organisation::Column::Id.is_in(
                library_of_workshop
                    .values()
                    .chain(library_of_participant.values())
                    .copied()
                    .chain([project.applicant_id]),
            ),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let name = |id: &Uuid| names.get(id).cloned();

    for s in stories {
        entries.push(Entry {
            id: s.id,
            title: s.title,
            updated: s.updated_at,
            published: None,
            link: s.kamra_url,
            authors: library_of_workshop
                .get(&s.workshop_id)
                .and_then(name)
                .into_iter()
                .collect(),
            category: "digital_story",
            summary: Some(s.summary),
        });
    }
    for i in items {
        let mut authors: Vec<String> = links
            .iter()
            .filter(|l| l.item_id == i.id)
            .filter_map(|l| library_of_participant.get(&l.participant_id))
            .filter_map(name)
            .collect();
        authors.sort();
        authors.dedup();
        entries.push(Entry {
            id: i.id,
            title: i.title,
            updated: i.updated_at,
            published: Some(i.date.and_time(NaiveTime::MIN).and_utc()),
            link: i.url,
            authors,
            category: i.kind.as_str(),
            summary: i.channel,
        });
    }
    entries.sort_by(|a, b| b.updated.cmp(&a.updated).then(b.id.cmp(&a.id)));
    entries.truncate(ENTRIES as usize);

    let updated = entries
        .iter()
        .map(|e| e.updated)
        .max()
        .unwrap_or(project.updated_at);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"sl\">\n");
    out.push_str(&format!("  <id>urn:uuid:{}</id>\n", project.id));
    out.push_str(&format!("  <title>{}</title>\n", escape(&project.title)));
    out.push_str(&format!(
        "  <subtitle>{}</subtitle>\n",
        escape(&format!("{} {}", project.programme, project.code))
    ));
    out.push_str(&format!("  <updated>{}</updated>\n", stamp(updated)));
    out.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        escape(self_url)
    ));
    out.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        escape(&name(&project.applicant_id).unwrap_or_else(|| project.title.clone()))
    ));
    out.push_str("  <generator>mobility</generator>\n");
    for e in entries {
        out.push_str("  <entry>\n");
        out.push_str(&format!("    <id>urn:uuid:{}</id>\n", e.id));
        out.push_str(&format!("    <title>{}</title>\n", escape(&e.title)));
        out.push_str(&format!("    <updated>{}</updated>\n", stamp(e.updated)));
        if let Some(p) = e.published {
            out.push_str(&format!("    <published>{}</published>\n", stamp(p)));
        }
        if let Some(link) = e.link {
            out.push_str(&format!(
                "    <link rel=\"alternate\" href=\"{}\"/>\n",
                escape(&link)
            ));
        }
        for a in e.authors {
            out.push_str(&format!(
                "    <author><name>{}</name></author>\n",
                escape(&a)
            ));
        }
        out.push_str(&format!("    <category term=\"{}\"/>\n", e.category));
        if let Some(s) = e.summary.filter(|s| !s.trim().is_empty()) {
            out.push_str(&format!("    <summary>{}</summary>\n", escape(&s)));
        }
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    Ok(out)
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
