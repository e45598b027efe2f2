//! Applications: the rules of the call phase and the database work.

use super::dto::{
    Applicant, ApplicationDto, ApplicationQuery, CreateApplicationRequest, CreateSignatureRequest,
    SignatureDto, StatusChangeDto, UpdateApplicationRequest,
};
use super::history::record_status;
use super::policy;
use crate::audit::{self, Actor};
use crate::clock::Clock;
use crate::db::begin_write;
use crate::http::pagination::{PageRequest, Sort, UpdatedSince};
use crate::http::{ApiError, ApiResult, AuthUser, FieldError, Page};
use crate::storage::BlobStore;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use entity::enums::{
    ApplicationStatus, CallStatus, OrganisationKind, ReceivedVia, SignatureMethod, SignatureStatus,
    SignerRole,
};
use entity::{
    application, application_document, application_signature, application_status_change, call,
    call_mobility, mobility, organisation,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use uuid::Uuid;

mod documents;
mod export;
mod reading;
mod rules;
mod signatures;
mod writing;
pub use documents::*;
pub use export::*;
pub use reading::*;
pub use rules::*;
pub use signatures::*;
pub use writing::*;
