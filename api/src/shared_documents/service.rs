//! Who sees which shared documents, and creating, versioning, reading and removing them.
//!
//! Coordinators and admins share them and see them all, accountants see them all; a
//! participant sees those of the projects and mobilities they take part in (not withdrawn), a
//! host user those of the mobilities its organisation hosts, a library user those of the
//! mobilities its participants take part in. A document shared with a mobility is seen there
//! only; one shared with the project by everyone who sees any of its mobilities.

use super::dto::{SharedDocumentDto, SharedDocumentRequest, SharedVersionRequest};
use crate::audit::{self, Actor};
use crate::db::begin_write;
use crate::http::{ApiError, ApiResult, AuthUser};
use crate::storage::BlobStore;
use chrono::Utc;
use entity::enums::{ParticipantStatus, Role};
use entity::{mobility, participant, shared_document, shared_document_version};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// The mobilities (and so projects) whose shared documents a user sees.
pub struct Reach {
    all: bool,
    projects: HashSet<Uuid>,
    mobilities: HashSet<Uuid>,
}

impl Reach {
    pub fn sees(&self, d: &shared_document::Model) -> bool {
        self.all
            || match d.mobility_id {
                Some(m) => self.mobilities.contains(&m),
                None => self.projects.contains(&d.project_id),
            }
    }
}

pub async fn reach(db: &impl ConnectionTrait, user: &AuthUser) -> ApiResult<Reach> {
    let none = || Reach {
        all: false,
        projects: HashSet::new(),
        mobilities: HashSet::new(),
    };
    let mobilities: Vec<Uuid> = match (user.role, user.organisation_id) {
        (Role::Admin | Role::Coordinator | Role::Accountant, _) => {
            return Ok(Reach {
                all: true,
                ..none()
            });
        }
        (Role::Participant, _) => {
            // The overview's rule: their own by account or by the e-mail address applied with.
            participant::Entity::find()
                .select_only()
                .column(participant::Column::MobilityId)
                .filter(
                    Condition::any()
                        .add(participant::Column::UserId.eq(user.id))
                        .add(participant::Column::Email.eq(user.email.to_lowercase())),
                )
                .filter(participant::Column::Status.ne(ParticipantStatus::Withdrawn))
                .into_tuple::<Uuid>()
                .all(db)
                .await?
        }
        (Role::Library, Some(org)) => {
            participant::Entity::find()
                .select_only()
                .column(participant::Column::MobilityId)
                .filter(participant::Column::LibraryId.eq(org))
                .filter(participant::Column::Status.ne(ParticipantStatus::Withdrawn))
                .into_tuple::<Uuid>()
                .all(db)
                .await?
        }
        (Role::Host, Some(org)) => {
            mobility::Entity::find()
                .select_only()
                .column(mobility::Column::Id)
                .filter(mobility::Column::HostOrganisationId.eq(org))
                .into_tuple::<Uuid>()
                .all(db)
                .await?
        }
        _ => return Ok(none()),
    };
    let projects = mobility::Entity::find()
        .select_only()
        .column(mobility::Column::ProjectId)
        .filter(mobility::Column::Id.is_in(mobilities.clone()))
        .into_tuple::<Uuid>()
        .all(db)
        .await?;
    Ok(Reach {
        all: false,
        projects: projects.into_iter().collect(),
        mobilities: mobilities.into_iter().collect(),
    })
}

/// A new document's or version's content: a link or a file already checked and stored.
pub enum Content {
    Link(String),
    File {
        filename: String,
        content_type: &'static str,
        size: i64,
        sha256: String,
    },
}

/// (content type, extension) of a file that may be shared, recognised by its content: PDF,
/// PNG, JPEG, and the ZIP-based office formats by their name (Word, Excel, PowerPoint,
/// OpenDocument).
pub fn file_type(filename: &str, bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    if bytes.starts_with(b"%PDF-") {
        return Some(("application/pdf", "pdf"));
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(("image/png", "png"));
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some(("image/jpeg", "jpg"));
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        return None;
    }
    let ext = filename.rsplit('.').next()?.to_ascii_lowercase();
    let office: &[(&str, &str)] = &[
        (
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        ("odt", "application/vnd.oasis.opendocument.text"),
        ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
        ("odp", "application/vnd.oasis.opendocument.presentation"),
    ];
    office
        .iter()
        .find(|(e, _)| *e == ext)
        .map(|(e, t)| (*t, *e))
}

/// Check and store an uploaded file: 415 `document.unsupported_type` for anything else, and a
/// PDF must be one by its structure.
pub async fn store_file(
    blobs: &dyn BlobStore,
    filename: &str,
    bytes: Vec<u8>,
) -> ApiResult<Content> {
    let Some((content_type, ext)) = file_type(filename, &bytes) else {
        return Err(ApiError::new(
            actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "document.unsupported_type",
            "Share a PDF, Word, Excel, PowerPoint or OpenDocument file, a PNG or a JPEG (recognised by its content).",
        ));
    };
    let bytes = if ext == "pdf" {
        crate::pdf::require_pdf(bytes).await?
    } else {
        bytes
    };
    let size = bytes.len() as i64;
    let sha256 = blobs.put(bytes).await.map_err(ApiError::internal)?;
    Ok(Content::File {
        filename: crate::applications::service::sanitise_filename_with(filename, ext),
        content_type,
        size,
        sha256,
    })
}

fn version_model(
    document_id: Uuid,
    version: i32,
    content: Content,
    note: Option<String>,
    by: Uuid,
) -> shared_document_version::ActiveModel {
    let (url, filename, content_type, size, sha256) = match content {
        Content::Link(url) => (Some(url), None, None, None, None),
        Content::File {
            filename,
            content_type,
            size,
            sha256,
        } => (
            None,
            Some(filename),
            Some(content_type.to_string()),
            Some(size),
            Some(sha256),
        ),
    };
    shared_document_version::ActiveModel {
        id: Set(Uuid::now_v7()),
        document_id: Set(document_id),
        version: Set(version),
        url: Set(url),
        filename: Set(filename),
        content_type: Set(content_type),
        size: Set(size),
        sha256: Set(sha256),
        note: Set(note.map(|n| n.trim().to_string())),
        created_by: Set(by),
        created_at: Set(Utc::now()),
    }
}

/// Share a document with the project or one of its mobilities. The caller has checked that
/// the project exists and that the user is a coordinator or admin (before reading the body).
pub async fn create(
    db: &DatabaseConnection,
    user: &AuthUser,
    project_id: Uuid,
    r: SharedDocumentRequest,
    content: Content,
) -> ApiResult<SharedDocumentDto> {
    if let Some(m) = r.mobility_id {
        mobility::Entity::find_by_id(m)
            .one(db)
            .await?
            .filter(|m| m.project_id == project_id)
            .ok_or_else(|| {
                ApiError::invalid_field(
                    "mobility_id",
                    "not_found",
                    "no such mobility of this project",
                )
            })?;
    }
    let now = Utc::now();
    let txn = begin_write(db).await?;
    let d = shared_document::ActiveModel {
        id: Set(Uuid::now_v7()),
        project_id: Set(project_id),
        mobility_id: Set(r.mobility_id),
        title: Set(r.title.trim().to_string()),
        category: Set(r.category),
        description: Set(r.description.map(|d| d.trim().to_string())),
        current_version: Set(1),
        created_by: Set(user.id),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let v = version_model(d.id, 1, content, r.note, user.id)
        .insert(&txn)
        .await?;
    audit::record(
        &txn,
        &Actor::from(user),
        "create",
        "shared_document",
        d.id,
        &[
            "title".into(),
            "category".into(),
            "mobility_id".into(),
            "versions.1".into(),
        ],
    )
    .await?;
    txn.commit().await?;
    Ok(SharedDocumentDto::new(d, vec![v]))
}

/// A document the user sees, else 404 `shared_document.not_found`.
pub async fn visible(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    id: Uuid,
) -> ApiResult<shared_document::Model> {
    let d = shared_document::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("shared_document"))?;
    if reach(db, user).await?.sees(&d) {
        Ok(d)
    } else {
        Err(ApiError::not_found("shared_document"))
    }
}

async fn versions_of(
    db: &impl ConnectionTrait,
    ids: Vec<Uuid>,
) -> ApiResult<HashMap<Uuid, Vec<shared_document_version::Model>>> {
    let mut out: HashMap<Uuid, Vec<_>> = HashMap::new();
    for v in shared_document_version::Entity::find()
        .filter(shared_document_version::Column::DocumentId.is_in(ids))
        .all(db)
        .await?
    {
        out.entry(v.document_id).or_default().push(v);
    }
    Ok(out)
}

pub async fn get(
    db: &DatabaseConnection,
    user: &AuthUser,
    id: Uuid,
) -> ApiResult<SharedDocumentDto> {
    let d = visible(db, user, id).await?;
    let mut versions = versions_of(db, vec![d.id]).await?;
    let list = versions.remove(&d.id).unwrap_or_default();
    Ok(SharedDocumentDto::new(d, list))
}

/// The documents of the project the user sees (of one mobility, if named), newest change
/// first.
pub async fn list(
    db: &DatabaseConnection,
    user: &AuthUser,
    project_id: Uuid,
    mobility_id: Option<Uuid>,
) -> ApiResult<Vec<SharedDocumentDto>> {
    crate::projects::service::get_model(db, project_id).await?;
    let mut q =
        shared_document::Entity::find().filter(shared_document::Column::ProjectId.eq(project_id));
    if let Some(m) = mobility_id {
        q = q.filter(shared_document::Column::MobilityId.eq(m));
    }
    let reach = reach(db, user).await?;
    let docs: Vec<_> = q
        .order_by_desc(shared_document::Column::UpdatedAt)
        .order_by_desc(shared_document::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter(|d| reach.sees(d))
        .collect();
    let mut versions = versions_of(db, docs.iter().map(|d| d.id).collect()).await?;
    Ok(docs
        .into_iter()
        .map(|d| {
            let list = versions.remove(&d.id).unwrap_or_default();
            SharedDocumentDto::new(d, list)
        })
        .collect())
}

/// The documents every project shows the user, for the overview (staff see them in the
/// lists; the overview names what concerns the others).
pub async fn seen_by(
    db: &impl ConnectionTrait,
    user: &AuthUser,
) -> ApiResult<Vec<shared_document::Model>> {
    let reach = reach(db, user).await?;
    if reach.all || reach.projects.is_empty() {
        return Ok(Vec::new());
    }
    Ok(shared_document::Entity::find()
        .filter(shared_document::Column::ProjectId.is_in(reach.projects.iter().copied()))
        .order_by_desc(shared_document::Column::UpdatedAt)
        .order_by_desc(shared_document::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter(|d| reach.sees(d))
        .collect())
}

/// A new version; it becomes the current one. The caller has checked that the user sees the
/// document and is a coordinator or admin (before reading the body).
pub async fn add_version(
    db: &DatabaseConnection,
    user: &AuthUser,
    id: Uuid,
    r: SharedVersionRequest,
    content: Content,
) -> ApiResult<SharedDocumentDto> {
    let txn = begin_write(db).await?;
    let d = shared_document::Entity::find_by_id(id)
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found("shared_document"))?;
    let next = d.current_version + 1;
    version_model(d.id, next, content, r.note, user.id)
        .insert(&txn)
        .await?;
    let mut am: shared_document::ActiveModel = d.into();
    am.current_version = Set(next);
    am.updated_at = Set(Utc::now());
    let d = am.update(&txn).await?;
    audit::record(
        &txn,
        &Actor::from(user),
        "update",
        "shared_document",
        d.id,
        &[format!("versions.{next}")],
    )
    .await?;
    let mut versions = versions_of(&txn, vec![d.id]).await?;
    txn.commit().await?;
    let list = versions.remove(&d.id).unwrap_or_default();
    Ok(SharedDocumentDto::new(d, list))
}

/// A file version's name, type and bytes (the newest version when none is named); 404
/// `shared_document_version.not_found`, 409 `shared_document.link` for a link version.
pub async fn content(
    db: &DatabaseConnection,
    blobs: &dyn BlobStore,
    user: &AuthUser,
    id: Uuid,
    version: Option<i32>,
) -> ApiResult<(shared_document_version::Model, Vec<u8>)> {
    let d = visible(db, user, id).await?;
    let v = shared_document_version::Entity::find()
        .filter(shared_document_version::Column::DocumentId.eq(d.id))
        .filter(shared_document_version::Column::Version.eq(version.unwrap_or(d.current_version)))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("shared_document_version"))?;
    let Some(sha) = v.sha256.clone() else {
        return Err(ApiError::conflict(
            "shared_document.link",
            format!(
                "Version {} is a link, not a file: {}",
                v.version,
                v.url.as_deref().unwrap_or_default()
            ),
        ));
    };
    let bytes = blobs.get(&sha).await.map_err(ApiError::internal)?;
    Ok((v, bytes))
}

/// Stop sharing a document, with all its versions (coordinators and admins).
pub async fn delete(db: &DatabaseConnection, user: &AuthUser, id: Uuid) -> ApiResult<()> {
    visible(db, user, id).await?;
    user.require(&[Role::Coordinator])?;
    let txn = begin_write(db).await?;
    shared_document_version::Entity::delete_many()
        .filter(shared_document_version::Column::DocumentId.eq(id))
        .exec(&txn)
        .await?;
    shared_document::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(
        &txn,
        &Actor::from(user),
        "delete",
        "shared_document",
        id,
        &[],
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
