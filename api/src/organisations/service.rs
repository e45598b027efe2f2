//! Organisations: create, change, list, and import from CSV with per-row results.

use super::dto::{
    CreateOrganisationRequest, ImportReport, ImportRowResult, ImportRowStatus, OrganisationQuery,
    UpdateOrganisationRequest,
};
use crate::audit::{self, Actor};
use crate::db::begin_write;
use crate::http::pagination::{PageRequest, Sort, UpdatedSince};
use crate::http::{ApiError, ApiResult, FieldError, Page};
use chrono::Utc;
use entity::organisation;
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter,
};
use uuid::Uuid;
use validator::Validate;

/// The names of the organisations `ids` (one query), for answers that show a name beside an
/// organisation's id.
pub async fn names(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = Uuid>,
) -> ApiResult<std::collections::HashMap<Uuid, String>> {
    Ok(organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(ids.into_iter().collect::<Vec<_>>()))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect())
}

/// The key that makes two organisations the same: name and city, case and spacing ignored.
pub fn dedupe_key(name: &str, city: Option<&str>) -> String {
    let city = city.unwrap_or("");
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    format!("{}|{}", norm(name), norm(city))
}

fn duplicate() -> ApiError {
    ApiError::conflict(
        "organisation.duplicate",
        "An organisation with this name in this city already exists.",
    )
}

pub async fn get_model(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<organisation::Model> {
    organisation::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("organisation"))
}

pub async fn find_by_name_city(
    db: &impl ConnectionTrait,
    name: &str,
    city: Option<&str>,
) -> ApiResult<Option<organisation::Model>> {
    Ok(organisation::Entity::find()
        .filter(organisation::Column::DedupeKey.eq(dedupe_key(name, city)))
        .one(db)
        .await?)
}

fn trimmed(s: Option<String>) -> Option<String> {
    s.map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

/// Insert inside the caller's transaction.
pub async fn insert(
    db: &impl ConnectionTrait,
    actor: &Actor,
    r: CreateOrganisationRequest,
) -> ApiResult<organisation::Model> {
    let city = trimmed(r.city);
    if find_by_name_city(db, &r.name, city.as_deref())
        .await?
        .is_some()
    {
        return Err(duplicate());
    }
    let now = Utc::now();
    let m = organisation::ActiveModel {
        id: Set(Uuid::now_v7()),
        dedupe_key: Set(dedupe_key(&r.name, city.as_deref())),
        name: Set(r.name.trim().to_string()),
        kind: Set(r.kind),
        country: Set(r.country),
        city: Set(city),
        email: Set(trimmed(r.email).map(|e| e.to_lowercase())),
        website: Set(trimmed(r.website)),
        erasmus_oid: Set(trimmed(r.erasmus_oid)),
        director_name: Set(trimmed(r.director_name)),
        director_email: Set(trimmed(r.director_email).map(|e| e.to_lowercase())),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .map_err(|e| match ApiError::from(e) {
        err if err.code == "resource.duplicate" => duplicate(),
        err => err,
    })?;
    let fields: Vec<String> = [
        "name",
        "kind",
        "country",
        "city",
        "email",
        "website",
        "erasmus_oid",
        "director_name",
        "director_email",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    audit::record(db, actor, "create", "organisation", m.id, &fields).await?;
    Ok(m)
}

pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    r: CreateOrganisationRequest,
) -> ApiResult<organisation::Model> {
    let txn = begin_write(db).await?;
    let m = insert(&txn, actor, r).await?;
    txn.commit().await?;
    Ok(m)
}

fn json_of(m: &organisation::Model) -> serde_json::Value {
    serde_json::json!({
        "name": m.name, "kind": m.kind, "country": m.country, "city": m.city, "email": m.email,
        "website": m.website, "erasmus_oid": m.erasmus_oid, "director_name": m.director_name,
        "director_email": m.director_email,
    })
}

pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    p: UpdateOrganisationRequest,
    check_etag: impl FnOnce(&organisation::Model) -> ApiResult<()>,
) -> ApiResult<organisation::Model> {
    let txn = begin_write(db).await?;
    let cur = get_model(&txn, id).await?;
    check_etag(&cur)?;
    let name = p
        .name
        .map(|n| n.trim().to_string())
        .unwrap_or_else(|| cur.name.clone());
    let city = match p.city {
        Some(c) => trimmed(c),
        None => cur.city.clone(),
    };
    let key = dedupe_key(&name, city.as_deref());
    if key != cur.dedupe_key
        && find_by_name_city(&txn, &name, city.as_deref())
            .await?
            .is_some()
    {
        return Err(duplicate());
    }
    let before = json_of(&cur);
    let mut am: organisation::ActiveModel = cur.into();
    am.name = Set(name);
    am.city = Set(city);
    am.dedupe_key = Set(key);
    if let Some(k) = p.kind {
        am.kind = Set(k);
    }
    if let Some(c) = p.country {
        am.country = Set(c);
    }
    if let Some(v) = p.email {
        am.email = Set(trimmed(v).map(|e| e.to_lowercase()));
    }
    if let Some(v) = p.website {
        am.website = Set(trimmed(v));
    }
    if let Some(v) = p.erasmus_oid {
        am.erasmus_oid = Set(trimmed(v));
    }
    if let Some(v) = p.director_name {
        am.director_name = Set(trimmed(v));
    }
    if let Some(v) = p.director_email {
        am.director_email = Set(trimmed(v).map(|e| e.to_lowercase()));
    }
    am.updated_at = Set(Utc::now());
    let m = am.update(&txn).await?;
    let fields = audit::service::changed_fields(&before, &json_of(&m));
    audit::record(&txn, actor, "update", "organisation", id, &fields).await?;
    txn.commit().await?;
    Ok(m)
}

pub async fn list(
    db: &DatabaseConnection,
    q: OrganisationQuery,
    since: UpdatedSince,
    page: PageRequest,
) -> ApiResult<Page<organisation::Model>> {
    let mut query = organisation::Entity::find();
    if let Some(k) = q.kind {
        query = query.filter(organisation::Column::Kind.eq(k));
    }
    if let Some(c) = q.country {
        query = query.filter(organisation::Column::Country.eq(c.to_uppercase()));
    }
    if let Some(c) = q.city {
        query = query.filter(organisation::Column::City.eq(c));
    }
    if let Some(text) = q.q.filter(|t| !t.trim().is_empty()) {
        let pattern = format!("%{}%", text.trim().to_lowercase());
        query = query
            .filter(Expr::expr(Func::lower(Expr::col(organisation::Column::Name))).like(pattern));
    }
    if let Some(t) = since.updated_since {
        query = query.filter(organisation::Column::UpdatedAt.gte(t));
    }
    let order = Sort::columns(
        q.sort.as_deref(),
        &[
            ("name", organisation::Column::Name),
            ("city", organisation::Column::City),
            ("country", organisation::Column::Country),
            ("created_at", organisation::Column::CreatedAt),
            ("updated_at", organisation::Column::UpdatedAt),
        ],
        &[(organisation::Column::Name, sea_orm::Order::Asc)],
    )?;
    let mut fetched = page
        .fetch(db, query, &order, organisation::Column::Id, |m| m.id)
        .await?;
    let items = fetched.take_items();
    Ok(fetched.with_items(items))
}

const IMPORT_COLUMNS: &[&str] = &[
    "name",
    "kind",
    "country",
    "city",
    "email",
    "website",
    "erasmus_oid",
    "director_name",
    "director_email",
];
const REQUIRED_COLUMNS: &[&str] = &["name", "kind", "country", "city"];
/// Required columns whose value may be empty.
const OPTIONAL_VALUES: &[&str] = &["city"];

/// Import organisations from CSV (UTF-8, header row, comma or semicolon). Each row stands
/// alone: a bad row is reported and the others go in; a row naming an organisation that
/// already exists (same name and city) is reported as a duplicate and not stored again.
pub async fn import_csv(
    db: &DatabaseConnection,
    actor: &Actor,
    bytes: &[u8],
) -> ApiResult<ImportReport> {
    let bytes = bytes.to_vec();
    let rows = crate::cpu::run(move || parse_import(&bytes))
        .await
        .map_err(|r| r.into_error("import.too_large", "The file"))??;
    let mut report = ImportReport {
        created: 0,
        duplicates: 0,
        errors: 0,
        rows: Vec::new(),
    };
    for (line, result) in rows {
        let row = match result {
            Err(errors) => ImportRowResult {
                line,
                status: ImportRowStatus::Error,
                id: None,
                name: None,
                errors,
            },
            Ok(req) => import_row(db, actor, line, req).await?,
        };
        match row.status {
            ImportRowStatus::Created => report.created += 1,
            ImportRowStatus::Duplicate => report.duplicates += 1,
            ImportRowStatus::Error => report.errors += 1,
        }
        report.rows.push(row);
    }
    Ok(report)
}

type ParsedRow = (u64, Result<CreateOrganisationRequest, Vec<FieldError>>);

/// The rows of an import file with the line each starts on, in one pass over the text.
fn parse_import(bytes: &[u8]) -> ApiResult<Vec<ParsedRow>> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        ApiError::bad_request(
            "import.invalid_encoding",
            format!("The file is not UTF-8: {e}"),
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let header_line = text.lines().next().unwrap_or("");
    if header_line.trim().is_empty() {
        return Err(ApiError::unprocessable(
            "import.empty",
            "The file is empty; it needs a header row.",
        ));
    }
    let delimiter = if header_line.matches(';').count() > header_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| {
            ApiError::unprocessable(
                "import.invalid_header",
                format!("The header row cannot be read: {e}"),
            )
        })?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let unknown: Vec<&String> = headers
        .iter()
        .filter(|h| !IMPORT_COLUMNS.contains(&h.as_str()))
        .collect();
    let missing: Vec<&&str> = REQUIRED_COLUMNS
        .iter()
        .filter(|c| !headers.iter().any(|h| h == *c))
        .collect();
    if !missing.is_empty() || !unknown.is_empty() {
        let mut errors = Vec::new();
        for m in missing {
            errors.push(FieldError::new(
                *m,
                "required",
                "required column is missing",
            ));
        }
        for u in unknown {
            errors.push(FieldError::new(
                u.clone(),
                "unknown",
                format!("unknown column; known: {}", IMPORT_COLUMNS.join(", ")),
            ));
        }
        let mut e = ApiError::unprocessable(
            "import.invalid_header",
            "The header row must name the columns name, kind, country, city (and optionally email, website, erasmus_oid, director_name, director_email).",
        );
        e.errors = errors;
        return Err(e);
    }

    let mut rows = Vec::new();
    // The line a record starts on, counted in the text itself (the reader's own count and
    // position do not account for the blank lines it skips); records come in order, so the
    // count goes on from the previous record's start.
    let (mut counted_to, mut newlines) = (0usize, 0u64);
    let mut line_at = |byte: u64| {
        let bytes = text.as_bytes();
        let mut at = (byte as usize).min(bytes.len());
        while at < bytes.len() && matches!(bytes[at], b'\n' | b'\r') {
            at += 1;
        }
        if at >= counted_to {
            newlines += memchr::memchr_iter(b'\n', &bytes[counted_to..at]).count() as u64;
            counted_to = at;
        }
        newlines + 1
    };
    for record in reader.records() {
        let (line, result) = match record {
            Err(e) => {
                let line = e.position().map(|p| line_at(p.byte())).unwrap_or(0);
                (
                    line,
                    Err(vec![FieldError::new("row", "unreadable", e.to_string())]),
                )
            }
            Ok(rec) => {
                let line = rec.position().map(|p| line_at(p.byte())).unwrap_or(0);
                if rec.iter().all(|f| f.is_empty()) {
                    continue;
                }
                (line, parse_row(&headers, &rec))
            }
        };
        rows.push((line, result));
    }
    Ok(rows)
}

fn parse_row(
    headers: &[String],
    rec: &csv::StringRecord,
) -> Result<CreateOrganisationRequest, Vec<FieldError>> {
    let get = |col: &str| -> Option<String> {
        headers
            .iter()
            .position(|h| h == col)
            .and_then(|i| rec.get(i))
            .map(str::to_string)
            .filter(|v| !v.is_empty())
    };
    let mut errors = Vec::new();
    if rec.len() > headers.len() {
        errors.push(FieldError::new(
            "row",
            "too_many_fields",
            format!("{} fields, the header has {}", rec.len(), headers.len()),
        ));
    }
    let kind = match get("kind").map(|k| k.parse()) {
        Some(Ok(k)) => Some(k),
        Some(Err(msg)) => {
            errors.push(FieldError::new("kind", "invalid", msg));
            None
        }
        None => {
            errors.push(FieldError::new("kind", "required", "is required"));
            None
        }
    };
    for col in REQUIRED_COLUMNS
        .iter()
        .filter(|c| **c != "kind" && !OPTIONAL_VALUES.contains(c))
    {
        if get(col).is_none() {
            errors.push(FieldError::new(*col, "required", "is required"));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let req = CreateOrganisationRequest {
        name: get("name").unwrap_or_default(),
        kind: kind.expect("checked above"),
        country: get("country").unwrap_or_default().to_uppercase(),
        city: get("city"),
        email: get("email"),
        website: get("website"),
        erasmus_oid: get("erasmus_oid"),
        director_name: get("director_name"),
        director_email: get("director_email"),
    };
    match req.validate() {
        Ok(()) => Ok(req),
        Err(e) => Err(ApiError::from(e).errors),
    }
}

async fn import_row(
    db: &DatabaseConnection,
    actor: &Actor,
    line: u64,
    req: CreateOrganisationRequest,
) -> ApiResult<ImportRowResult> {
    let name = req.name.clone();
    let txn = begin_write(db).await?;
    if let Some(existing) = find_by_name_city(&txn, &req.name, req.city.as_deref()).await? {
        return Ok(ImportRowResult {
            line,
            status: ImportRowStatus::Duplicate,
            id: Some(existing.id),
            name: Some(name),
            errors: Vec::new(),
        });
    }
    let m = insert(&txn, actor, req).await?;
    txn.commit().await?;
    Ok(ImportRowResult {
        line,
        status: ImportRowStatus::Created,
        id: Some(m.id),
        name: Some(name),
        errors: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::dedupe_key;

    #[test]
    fn dedupe_key_ignores_case_and_spacing() {
        assert_eq!(
            dedupe_key(" Knjižnica  Kočevje ", Some("KOČEVJE")),
            dedupe_key("knjižnica kočevje", Some("Kočevje"))
        );
        assert_ne!(
            dedupe_key("Knjižnica", Some("Ljubljana")),
            dedupe_key("Knjižnica", Some("Maribor"))
        );
        assert_eq!(dedupe_key("ZSK", None), dedupe_key("zsk", Some(" ")));
    }
}
