//! Submitting and publishing a story, and its Kamra package (Dublin Core and media).

use super::*;
use crate::events::{Event, EventType, Scope};

/// Submit for publication: every named contributor has consent and a licence, every media
/// item a licence.
pub async fn submit(
    db: &DatabaseConnection,
    user: &AuthUser,
    id: Uuid,
) -> ApiResult<digital_story::Model> {
    let txn = begin_write(db).await?;
    let (s, w) = visible(&txn, user, id).await?;
    policy::may_submit(user, &w)?;
    if s.status != StoryStatus::Draft {
        return Err(ApiError::conflict(
            "story.invalid_transition",
            format!("Only a draft is submitted; this story is {}.", s.status),
        ));
    }
    let contributors: Vec<Contributor> =
        serde_json::from_value(s.contributors.clone()).unwrap_or_default();
    let missing: Vec<String> = contributors
        .iter()
        .filter(|c| {
            c.consent_date.is_none()
                || c.consent_scope
                    .as_deref()
                    .is_none_or(|x| x.trim().is_empty())
                || c.licence.as_deref().is_none_or(|x| x.trim().is_empty())
        })
        .map(|c| c.name.clone())
        .collect();
    if !missing.is_empty() {
        return Err(ApiError::unprocessable(
            "story.consent_missing",
            format!(
                "Consent (date and scope) or licence missing for: {}.",
                missing.join(", ")
            ),
        ));
    }
    let media = story_media::Entity::find()
        .filter(story_media::Column::StoryId.eq(s.id))
        .all(&txn)
        .await?;
    let unlicensed: Vec<String> = media
        .iter()
        .filter(|m| m.licence.is_none())
        .map(|m| m.filename.clone())
        .collect();
    if !unlicensed.is_empty() {
        return Err(ApiError::unprocessable(
            "story.media_licence_missing",
            format!("Licence missing for: {}.", unlicensed.join(", ")),
        ));
    }
    let mut am: digital_story::ActiveModel = s.into();
    am.status = Set(StoryStatus::Submitted);
    am.updated_at = Set(Utc::now());
    let m = am.update(&txn).await?;
    audit::record(
        &txn,
        &Actor::from(user),
        "submit",
        "digital_story",
        id,
        &["status".into()],
    )
    .await?;
    event(EventType::StorySubmitted, &m, &w, Scope::Library)
        .emit(&txn, &Actor::from(user))
        .await?;
    txn.commit().await?;
    Ok(m)
}

/// The event for a change of story `s` of workshop `w`.
fn event(t: EventType, s: &digital_story::Model, w: &workshop::Model, scope: Scope) -> Event {
    Event::new(t, s.id, scope)
        .library(w.library_id)
        .mobility(w.mobility_id)
        .data(serde_json::json!({
            "workshop_id": s.workshop_id,
            "library_id": w.library_id,
            "status": s.status,
            "kamra_url": s.kamra_url,
        }))
}

/// An https address on kamra.si.
pub fn is_kamra_url(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("https://") else {
        return false;
    };
    let host = rest
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    (host == "kamra.si" || host.ends_with(".kamra.si")) && !rest.contains(char::is_whitespace)
}

pub async fn publish(
    db: &DatabaseConnection,
    clock: &dyn Clock,
    user: &AuthUser,
    id: Uuid,
    kamra_url: String,
) -> ApiResult<digital_story::Model> {
    if !is_kamra_url(kamra_url.trim()) {
        return Err(ApiError::invalid_field(
            "kamra_url",
            "kamra_url",
            "the story's https address on kamra.si",
        ));
    }
    let txn = begin_write(db).await?;
    let (s, w) = visible(&txn, user, id).await?;
    policy::may_publish(user, &w)?;
    if s.status != StoryStatus::Submitted {
        return Err(ApiError::conflict(
            "story.invalid_transition",
            format!(
                "Only a submitted story is published; this one is {}.",
                s.status
            ),
        ));
    }
    let mut am: digital_story::ActiveModel = s.into();
    am.status = Set(StoryStatus::Published);
    am.kamra_url = Set(Some(kamra_url.trim().to_string()));
    am.updated_at = Set(Utc::now());
    let m = am.update(&txn).await?;
    audit::record(
        &txn,
        &Actor::from(user),
        "publish",
        "digital_story",
        id,
        &["status".into(), "kamra_url".into()],
    )
    .await?;
    crate::workshops::service::refresh_library(&txn, clock, w.library_id, w.mobility_id).await?;
    event(EventType::StoryPublished, &m, &w, Scope::Public)
        .emit(&txn, &Actor::from(user))
        .await?;
    txn.commit().await?;
    Ok(m)
}

/// Dublin Core metadata of the story.
pub fn dublin_core(d: &StoryDto) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n",
    );
    let mut el = |name: &str, value: &str| {
        out.push_str(&format!(
            "  <dc:{name}>{}</dc:{name}>\n",
            crate::xml::escape(value)
        ))
    };
    el("title", &d.title);
    el("description", &d.summary);
    el("creator", &d.library_id.to_string());
    for c in &d.contributors {
        el("contributor", &c.name);
    }
    for s in &d.subjects {
        el("subject", s);
    }
    for c in [&d.place, &d.period].into_iter().flatten() {
        el("coverage", c);
    }
    el("date", &d.updated_at.date_naive().to_string());
    el("language", &d.language);
    let mut rights: Vec<String> = d
        .contributors
        .iter()
        .filter_map(|c| c.licence.clone())
        .chain(d.media.iter().filter_map(|m| m.licence.clone()))
        .collect();
    rights.sort();
    rights.dedup();
    for r in rights {
        el("rights", &r);
    }
    el(
        "identifier",
        &d.kamra_url
            .clone()
            .unwrap_or_else(|| format!("urn:uuid:{}", d.id)),
    );
    out.push_str("</metadata>\n");
    out
}

/// The hand-over package for Kamra: media, `story.json`, `dublin-core.xml`, in a ZIP.
pub async fn kamra_package(
    db: &DatabaseConnection,
    blobs: &dyn BlobStore,
    user: &AuthUser,
    id: Uuid,
) -> ApiResult<(StoryDto, Vec<u8>)> {
    let (s, _) = visible(db, user, id).await?;
    let mut d = dto(db, s).await?;
    // The creator is the library, by name.
    let library = entity::organisation::Entity::find_by_id(d.library_id)
        .one(db)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for m in &d.media {
        files.push((
            format!("media/{}", m.filename),
            blobs.get(&m.sha256).await.map_err(ApiError::internal)?,
        ));
    }
    let json = serde_json::to_vec_pretty(&d).map_err(ApiError::internal)?;
    let dc = dublin_core(&d).replace(
        &format!("<dc:creator>{}</dc:creator>", d.library_id),
        &format!("<dc:creator>{}</dc:creator>", crate::xml::escape(&library)),
    );
    // Built off the async workers; media are already compressed formats (images, audio,
    // video), so they are stored as they are, and only the text is deflated.
    let zipped = crate::cpu::run_internal(move || -> zip::result::ZipResult<Vec<u8>> {
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut buf);
        let text = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let media = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        zip.start_file("story.json", text)?;
        zip.write_all(&json)?;
        zip.start_file("dublin-core.xml", text)?;
        zip.write_all(dc.as_bytes())?;
        for (name, bytes) in files {
            zip.start_file(name, media)?;
            zip.write_all(&bytes)?;
        }
        zip.finish()?;
        Ok(buf.into_inner())
    })
    .await?
    .map_err(ApiError::internal)?;
    d.media.sort_by(|a, b| a.filename.cmp(&b.filename));
    Ok((d, zipped))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kamra_urls_are_https_on_kamra_si() {
        assert!(is_kamra_url(
            "https://www.kamra.si/digitalne-zgodbe/item/mlini.html"
        ));
        assert!(is_kamra_url("https://kamra.si/x"));
        assert!(!is_kamra_url("http://www.kamra.si/x"));
        assert!(!is_kamra_url("https://kamra.si.evil.example/x"));
        assert!(!is_kamra_url("https://notkamra.si/x"));
    }

    #[test]
    fn media_is_recognised_by_content() {
        assert_eq!(media_type(b"%PDF-1.4"), Some(("application/pdf", "pdf")));
        assert_eq!(
            media_type(b"\x89PNG\r\n\x1a\n...."),
            Some(("image/png", "png"))
        );
        assert_eq!(
            media_type(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(("image/jpeg", "jpg"))
        );
        assert_eq!(media_type(b"GIF89a"), None);
    }
}
