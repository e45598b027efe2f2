//! One list convention for every collection: `?page=&per_page=` (page mode, with `total`) or
//! `?cursor=` (keyset mode in creation order, for deep pages and syncing), `sort=` from a
//! per-collection allow-list, `updated_since=` where records carry `updated_at`.

use crate::http::{ApiError, FieldError};
use base64::Engine;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, Order, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};
use serde::{Deserialize, Serialize, Serializer};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

pub const DEFAULT_PER_PAGE: u64 = 50;
pub const MAX_PER_PAGE: u64 = 200;
pub const MAX_PAGE: u64 = 1_000_000;

/// `page`, `per_page` and `cursor`: every collection takes them.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page number, from 1 (page mode; not with `cursor`).
    #[param(minimum = 1, maximum = 1000000, example = 1)]
    pub page: Option<u64>,
    /// Items per page, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200, example = 50)]
    pub per_page: Option<u64>,
    /// Keyset mode: items in creation order after this cursor; `cursor=` (empty) starts at
    /// the beginning, and each answer's `next_cursor` continues (`null` at the end). Not with
    /// `page` or `sort`.
    #[param(max_length = 22, pattern = "^([A-Za-z0-9_-]{22})?$", example = "")]
    pub cursor: Option<String>,
}

/// `updated_since`: on collections whose records carry `updated_at`.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UpdatedSince {
    /// Only records changed at or after this time (RFC 3339, e.g. `2026-03-01T00:00:00Z`).
    #[param(value_type = Option<String>, format = DateTime, example = "2026-03-01T00:00:00Z")]
    pub updated_since: Option<DateTime<Utc>>,
}

/// How a list is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Page(u64),
    /// After the record with this id (`None`: from the start).
    Cursor(Option<Uuid>),
}

/// A validated list request.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    pub per_page: u64,
    pub mode: Mode,
}

impl PageParams {
    /// Validate, for a collection that is not sorted on request.
    pub fn validate(&self) -> Result<PageRequest, ApiError> {
        self.validate_sorted(false)
    }

    /// Validate; `sorted` says whether the request also asks for a `sort`.
    pub fn validate_sorted(&self, sorted: bool) -> Result<PageRequest, ApiError> {
        let mut errors = Vec::new();
        let per_page = self.per_page.unwrap_or(DEFAULT_PER_PAGE);
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            errors.push(FieldError::new(
                "per_page",
                "range",
                "must be between 1 and 200",
            ));
        }
        if let Some(page) = self.page
            && !(1..=MAX_PAGE).contains(&page)
        {
            errors.push(FieldError::new(
                "page",
                "range",
                "must be between 1 and 1000000",
            ));
        }
        if !errors.is_empty() {
            return Err(ApiError::invalid_query(errors));
        }
        let mode = match &self.cursor {
            None => Mode::Page(self.page.unwrap_or(1)),
            Some(cursor) => {
                if self.page.is_some() || sorted {
                    return Err(invalid_cursor(
                        "`cursor` walks in creation order: leave out `page` and `sort`.",
                    ));
                }
                Mode::Cursor(decode_cursor(cursor)?)
            }
        };
        Ok(PageRequest { per_page, mode })
    }
}

fn invalid_cursor(detail: &str) -> ApiError {
    let mut e = ApiError::bad_request("request.invalid_cursor", detail.to_string());
    e.errors = vec![FieldError::new("cursor", "invalid", detail)];
    e
}

/// Cursors are the last record's id in unpadded base64url (22 characters); any 22 such
/// characters are a cursor, so every cursor the document allows is one the server reads.
const CURSOR: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone),
);

pub fn encode_cursor(id: Uuid) -> String {
    CURSOR.encode(id.as_bytes())
}

fn decode_cursor(cursor: &str) -> Result<Option<Uuid>, ApiError> {
    if cursor.is_empty() {
        return Ok(None);
    }
    CURSOR
        .decode(cursor)
        .ok()
        .and_then(|b| Uuid::from_slice(&b).ok())
        .map(Some)
        .ok_or_else(|| invalid_cursor("Not a cursor this API gave; start again with `cursor=`."))
}

/// A field a collection read whole sorts by, and how it compares two items.
pub type SortKey<T> = (&'static str, fn(&T, &T) -> std::cmp::Ordering);

/// A requested sort: one field of the collection's allow-list, `-` first for descending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub field: &'static str,
    pub descending: bool,
}

impl Sort {
    /// Parse `sort` against the fields a collection offers (400 `request.invalid_sort`).
    pub fn parse(value: Option<&str>, allowed: &[&'static str]) -> Result<Option<Sort>, ApiError> {
        let Some(value) = value else {
            return Ok(None);
        };
        let (name, descending) = match value.strip_prefix('-') {
            Some(rest) => (rest, true),
            None => (value, false),
        };
        match allowed.iter().find(|f| **f == name) {
            Some(field) => Ok(Some(Sort { field, descending })),
            None => {
                let detail = format!(
                    "Cannot sort by `{value}`; this collection sorts by {} (`-` first for descending).",
                    allowed
                        .iter()
                        .map(|f| format!("`{f}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                let mut e = ApiError::bad_request("request.invalid_sort", detail.clone());
                e.errors = vec![FieldError::new("sort", "invalid", detail)];
                Err(e)
            }
        }
    }

    /// The ordering a list query applies: the requested field's column, or the default.
    pub fn columns<C: Copy>(
        value: Option<&str>,
        columns: &[(&'static str, C)],
        default: &[(C, Order)],
    ) -> Result<Vec<(C, Order)>, ApiError> {
        let names: Vec<&'static str> = columns.iter().map(|(n, _)| *n).collect();
        Ok(match Sort::parse(value, &names)? {
            None => default.to_vec(),
            Some(sort) => columns
                .iter()
                .filter(|(n, _)| *n == sort.field)
                .map(|(_, c)| (*c, sort.order()))
                .collect(),
        })
    }

    /// Sort items read whole (stably, so ties keep the default order) by a listed key.
    pub fn sort_items<T>(
        items: &mut [T],
        value: Option<&str>,
        keys: &[SortKey<T>],
    ) -> Result<(), ApiError> {
        let names: Vec<&'static str> = keys.iter().map(|(n, _)| *n).collect();
        if let Some(sort) = Sort::parse(value, &names)? {
            let compare = keys
                .iter()
                .find(|(n, _)| *n == sort.field)
                .map(|(_, f)| *f)
                .ok_or_else(|| ApiError::internal("sort key vanished"))?;
            items.sort_by(|a, b| sort.apply(compare(a, b)));
        }
        Ok(())
    }

    pub fn order(&self) -> Order {
        if self.descending {
            Order::Desc
        } else {
            Order::Asc
        }
    }

    /// Apply to an ordering of two items (ascending as given).
    pub fn apply(&self, ord: std::cmp::Ordering) -> std::cmp::Ordering {
        if self.descending { ord.reverse() } else { ord }
    }
}

/// One page of a list, in a stable order: `page` and `total` in page mode, `next_cursor` in
/// keyset mode.
#[derive(Debug, Clone, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Page mode: the page number.
    #[schema(example = 1, nullable = false, minimum = 1)]
    pub page: Option<u64>,
    #[schema(example = 50)]
    pub per_page: u64,
    /// Page mode: the number of items over all pages.
    #[schema(example = 1, nullable = false)]
    pub total: Option<u64>,
    /// Keyset mode: pass it as `cursor` for the next items; `null` when there are no more.
    #[schema(value_type = Option<String>)]
    pub next_cursor: Option<Option<String>>,
}

impl<T: Serialize> Serialize for Page<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("items", &self.items)?;
        if let Some(page) = self.page {
            m.serialize_entry("page", &page)?;
        }
        m.serialize_entry("per_page", &self.per_page)?;
        if let Some(total) = self.total {
            m.serialize_entry("total", &total)?;
        }
        if let Some(next) = &self.next_cursor {
            m.serialize_entry("next_cursor", next)?;
        }
        m.end()
    }
}

impl<T> Page<T> {
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            page: self.page,
            per_page: self.per_page,
            total: self.total,
            next_cursor: self.next_cursor,
        }
    }

    /// Take the items out, to turn them into others and put those back with `with_items`.
    pub fn take_items(&mut self) -> Vec<T> {
        std::mem::take(&mut self.items)
    }

    /// Exchange the items for others in the same order (e.g. rows for their DTOs).
    pub fn with_items<U>(self, items: Vec<U>) -> Page<U> {
        Page {
            items,
            page: self.page,
            per_page: self.per_page,
            total: self.total,
            next_cursor: self.next_cursor,
        }
    }
}

impl PageRequest {
    /// Page through items already filtered and sorted in memory.
    pub fn page_of<T>(&self, mut items: Vec<T>, id: impl Fn(&T) -> Uuid) -> Page<T> {
        let per_page = self.per_page as usize;
        match self.mode {
            Mode::Page(page) => {
                let total = items.len() as u64;
                let start = ((page - 1) as usize).saturating_mul(per_page);
                let items: Vec<T> = items.drain(..).skip(start).take(per_page).collect();
                self.numbered_page(items, page, total)
            }
            Mode::Cursor(after) => {
                items.sort_by_key(|t| id(t));
                let rest: Vec<T> = items
                    .into_iter()
                    .filter(|t| after.is_none_or(|a| id(t) > a))
                    .take(per_page + 1)
                    .collect();
                self.keyset_page(rest, id)
            }
        }
    }

    /// A page-mode page: its number and the total over all pages.
    fn numbered_page<T>(&self, items: Vec<T>, page: u64, total: u64) -> Page<T> {
        Page {
            items,
            page: Some(page),
            per_page: self.per_page,
            total: Some(total),
            next_cursor: None,
        }
    }

    /// A keyset page from up to `per_page + 1` items in id order: the extra one only says
    /// that there are more, and the last item kept is the next cursor.
    fn keyset_page<T>(&self, mut items: Vec<T>, id: impl Fn(&T) -> Uuid) -> Page<T> {
        let next = if items.len() as u64 > self.per_page {
            items.truncate(self.per_page as usize);
            items.last().map(|t| encode_cursor(id(t)))
        } else {
            None
        };
        Page {
            items,
            page: None,
            per_page: self.per_page,
            total: None,
            next_cursor: Some(next),
        }
    }

    /// Read one page of `query` from the database: in page mode ordered by `order` and then
    /// by `id` (in the first key's direction), with the total; in keyset mode by `id` after the
    /// cursor.
    pub async fn fetch<E, C>(
        &self,
        db: &C,
        query: Select<E>,
        order: &[(E::Column, Order)],
        id: E::Column,
        id_of: impl Fn(&E::Model) -> Uuid,
    ) -> Result<Page<E::Model>, ApiError>
    where
        E: EntityTrait,
        E::Model: Sync,
        C: ConnectionTrait,
    {
        match self.mode {
            Mode::Page(page) => {
                let total = query.clone().count(db).await?;
                let mut q = query;
                for (column, direction) in order {
                    q = q.order_by(*column, direction.clone());
                }
                // Ties go the way of the first key: a newest-first list is newest-first within
                // one instant too.
                let tie = order.first().map(|(_, d)| d.clone()).unwrap_or(Order::Asc);
                let items = q
                    .order_by(id, tie)
                    .offset((page - 1) * self.per_page)
                    .limit(self.per_page)
                    .all(db)
                    .await?;
                Ok(self.numbered_page(items, page, total))
            }
            Mode::Cursor(after) => {
                let mut q = query;
                if let Some(after) = after {
                    q = q.filter(id.gt(after));
                }
                let items = q.order_by_asc(id).limit(self.per_page + 1).all(db).await?;
                Ok(self.keyset_page(items, id_of))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(page: Option<u64>, cursor: Option<&str>) -> PageParams {
        PageParams {
            page,
            per_page: Some(2),
            cursor: cursor.map(str::to_string),
        }
    }

    #[test]
    fn keyset_pages_walk_in_id_order_to_the_end() {
        let ids: Vec<Uuid> = (0..5).map(|_| Uuid::now_v7()).collect();
        let mut shuffled = ids.clone();
        shuffled.reverse();
        let mut cursor = String::new();
        let mut seen = Vec::new();
        loop {
            let req = params(None, Some(&cursor)).validate().unwrap();
            let page = req.page_of(shuffled.clone(), |u| *u);
            seen.extend(page.items.iter().copied());
            match page.next_cursor.unwrap() {
                Some(next) => cursor = next,
                None => break,
            }
        }
        assert_eq!(seen, ids);
    }

    #[test]
    fn page_mode_counts_and_slices() {
        let req = params(Some(2), None).validate().unwrap();
        let page = req.page_of(vec![1, 2, 3, 4, 5], |_| Uuid::nil());
        assert_eq!(page.items, vec![3, 4]);
        assert_eq!(page.total, Some(5));
        let json = serde_json::to_value(&page).unwrap();
        assert!(json.get("next_cursor").is_none());
    }

    #[test]
    fn cursor_refuses_page_sort_and_garbage() {
        assert!(params(Some(1), Some("")).validate().is_err());
        assert!(params(None, Some("")).validate_sorted(true).is_err());
        let e = params(None, Some("nonsense!")).validate().unwrap_err();
        assert_eq!(e.code, "request.invalid_cursor");
        // Any 22 base64url characters are a cursor.
        assert!(
            params(None, Some("zzzzzzzzzzzzzzzzzzzzzz"))
                .validate()
                .is_ok()
        );
    }

    #[test]
    fn sort_takes_only_listed_fields() {
        let allowed = ["name", "created_at"];
        assert_eq!(
            Sort::parse(Some("-name"), &allowed).unwrap(),
            Some(Sort {
                field: "name",
                descending: true
            })
        );
        assert_eq!(Sort::parse(None, &allowed).unwrap(), None);
        let e = Sort::parse(Some("colour"), &allowed).unwrap_err();
        assert_eq!(e.code, "request.invalid_sort");
    }
}
