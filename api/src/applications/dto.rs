use crate::http::checks::not_blank;
use crate::http::double_option;
use chrono::{DateTime, Utc};
use entity::enums::{ApplicationStatus, ReceivedVia, SignatureMethod, SignatureStatus, SignerRole};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

/// The person who applies to travel.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct Applicant {
    #[validate(length(min = 1, max = 200), custom(function = not_blank))]
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    #[schema(example = "Maja Kovač")]
    pub full_name: String,
    #[validate(email, length(max = 320))]
    #[schema(max_length = 320, format = Email)]
    #[schema(example = "maja.kovac@knjiznica.example")]
    pub email: String,
    #[validate(length(min = 1, max = 200), custom(function = not_blank))]
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    #[schema(example = "bibliotekarka")]
    pub job_title: String,
    /// The applicant's role in adult education at the library.
    #[validate(length(min = 1, max = 500), custom(function = not_blank))]
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    #[schema(example = "organizatorka izobraževanj za starejše")]
    pub adult_education_role: String,
    #[validate(range(min = 0, max = 60))]
    #[schema(minimum = 0, maximum = 60)]
    #[schema(example = 7)]
    pub years_in_adult_education: Option<i32>,
}

/// An application of a member library's staff member for one mobility of a call.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationDto {
    pub id: Uuid,
    pub call_id: Uuid,
    pub mobility_id: Uuid,
    pub library_id: Uuid,
    pub applicant: Applicant,
    pub motivation: String,
    pub expected_use: String,
    pub language_skills: String,
    /// Whether the applicant has fewer opportunities (Erasmus+ inclusion).
    pub fewer_opportunities: bool,
    /// Why; shown to coordinators and admins only (null for everyone else).
    pub fewer_opportunities_note: Option<String>,
    pub status: ApplicationStatus,
    pub received_via: ReceivedVia,
    /// When an application sent by e-mail arrived.
    pub received_at: Option<DateTime<Utc>>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub withdrawal_reason: Option<String>,
    /// SHA-256 of the canonical content; signatures name the value they apply to.
    #[schema(example = "9f2c...")]
    pub content_sha256: String,
    /// Place in the final ranking of the mobility, once its selection is final.
    pub selection_rank: Option<i32>,
    /// Place on the reserve list (status `reserve`).
    pub reserve_rank: Option<i32>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Every status change, oldest first.
    pub history: Vec<StatusChangeDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatusChangeDto {
    pub from: Option<ApplicationStatus>,
    pub to: ApplicationStatus,
    pub actor_id: Option<Uuid>,
    pub note: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "mobility_id": "0190f1c2-0000-7000-8000-000000000001",
    "library_id": "0190f1c2-0000-7000-8000-000000000002",
    "applicant": {"full_name": "Maja Kovač", "email": "maja.kovac@knjiznica.example", "job_title": "bibliotekarka", "adult_education_role": "organizatorka izobraževanj za starejše", "years_in_adult_education": 7},
    "motivation": "Želim spoznati metodo DTFL.",
    "expected_use": "Delavnice za starejše v naši knjižnici.",
    "language_skills": "angleščina B2",
    "fewer_opportunities": false
}))]
pub struct CreateApplicationRequest {
    /// One of the call's mobilities.
    pub mobility_id: Uuid,
    /// The member library; a `library` user may leave it out (their own), others must give it.
    pub library_id: Option<Uuid>,
    #[validate(nested)]
    pub applicant: Applicant,
    #[validate(length(min = 1, max = 10000), custom(function = not_blank))]
    #[schema(
        min_length = 1,
        max_length = 10000,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    pub motivation: String,
    #[validate(length(min = 1, max = 10000), custom(function = not_blank))]
    #[schema(
        min_length = 1,
        max_length = 10000,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    pub expected_use: String,
    #[validate(length(min = 1, max = 2000), custom(function = not_blank))]
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    pub language_skills: String,
    #[serde(default)]
    pub fewer_opportunities: bool,
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    pub fewer_opportunities_note: Option<String>,
    /// `email` for an application that arrived by e-mail (coordinators only); default `api`.
    pub received_via: Option<ReceivedVia>,
    /// When the e-mail arrived; required with `received_via: email`.
    pub received_at: Option<DateTime<Utc>>,
}

/// Only the fields that change. Any change of content voids the signatures given so far.
#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdateApplicationRequest {
    #[validate(nested)]
    pub applicant: Option<Applicant>,
    #[validate(length(min = 1, max = 10000), custom(function = not_blank))]
    #[schema(
        min_length = 1,
        max_length = 10000,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    pub motivation: Option<String>,
    #[validate(length(min = 1, max = 10000), custom(function = not_blank))]
    #[schema(
        min_length = 1,
        max_length = 10000,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    pub expected_use: Option<String>,
    #[validate(length(min = 1, max = 2000), custom(function = not_blank))]
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    pub language_skills: Option<String>,
    pub fewer_opportunities: Option<bool>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub fewer_opportunities_note: Option<Option<String>>,
    /// Coordinators only.
    pub received_via: Option<ReceivedVia>,
    /// Coordinators only.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub received_at: Option<Option<DateTime<Utc>>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApplicationQuery {
    pub call_id: Option<Uuid>,
    pub mobility_id: Option<Uuid>,
    pub library_id: Option<Uuid>,
    pub status: Option<ApplicationStatus>,
    pub received_via: Option<ReceivedVia>,
    pub fewer_opportunities: Option<bool>,
    /// Sort by `applicant_full_name`, `submitted_at`, `status`, `created_at`, `updated_at`; `-` first for descending (default `created_at`).
    #[param(
        pattern = "^-?(applicant_full_name|submitted_at|status|created_at|updated_at)$",
        example = "-updated_at"
    )]
    pub sort: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct WithdrawRequest {
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub reason: Option<String>,
}

/// An uploaded PDF.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentDto {
    pub id: Uuid,
    pub application_id: Uuid,
    #[schema(example = "prijava-podpisana.pdf")]
    pub filename: String,
    #[schema(example = "application/pdf")]
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    /// Whether the PDF holds a digital signature (a signature dictionary with /ByteRange and /Contents).
    pub has_pdf_signature: bool,
    /// The signer named by the certificate of the PDF's first verified signature.
    pub pdf_signer_name: Option<String>,
    pub pdf_signing_time: Option<String>,
    /// Each digital signature in the PDF as verified on upload: the certificate's name, whether
    /// the digest over its byte ranges and its signature verify, and why not.
    pub pdf_signatures: Vec<crate::pdf_signature::SignatureCheck>,
    pub uploaded_by: Uuid,
    pub created_at: DateTime<Utc>,
}

impl From<entity::application_document::Model> for DocumentDto {
    fn from(m: entity::application_document::Model) -> Self {
        Self {
            id: m.id,
            application_id: m.application_id,
            filename: m.filename,
            content_type: m.content_type,
            size: m.size,
            sha256: m.sha256,
            has_pdf_signature: m.has_pdf_signature,
            pdf_signer_name: m.pdf_signer_name,
            pdf_signing_time: m.pdf_signing_time,
            pdf_signatures: crate::pdf_signature::from_json(m.pdf_signatures.as_ref()),
            uploaded_by: m.uploaded_by,
            created_at: m.created_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"signer_role": "library_director", "method": "scanned_handwritten", "signer_name": "dr. Ana Novak", "signer_position": "direktorica", "document_id": "0190f1c2-0000-7000-8000-000000000003"}))]
pub struct CreateSignatureRequest {
    pub signer_role: SignerRole,
    pub method: SignatureMethod,
    #[validate(length(min = 1, max = 200), custom(function = not_blank))]
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200d\u2028-\u202f\u205f\u2060\u2066-\u2069\u3000\ufeff][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]*$"
    )]
    pub signer_name: String,
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub signer_position: Option<String>,
    /// Default: now. Not in the future.
    pub signed_at: Option<DateTime<Utc>>,
    /// The uploaded PDF that carries the signature: a scan for `scanned_handwritten`, a
    /// digitally signed PDF for `qualified_electronic`.
    pub document_id: Option<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SignatureDto {
    pub id: Uuid,
    pub application_id: Uuid,
    pub signer_role: SignerRole,
    pub method: SignatureMethod,
    pub signer_name: String,
    pub signer_position: Option<String>,
    pub signed_at: DateTime<Utc>,
    pub document_id: Option<Uuid>,
    /// The user who recorded the signature.
    pub recorded_by: Uuid,
    /// The application content the signature applies to.
    pub content_sha256: String,
    /// `void` once the application changed after signing.
    pub status: SignatureStatus,
    pub voided_at: Option<DateTime<Utc>>,
    /// For `qualified_electronic`: the name in the certificate of the verified PDF signature
    /// that stands for this signer.
    pub pdf_signer_name: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `semicolon` (default, for spreadsheets set to Slovenian) or `comma`.
    #[param(inline)]
    pub delimiter: Option<crate::http::csv::Delimiter>,
    /// Add the fewer-opportunities note column (coordinators and admins, explicitly).
    #[serde(default)]
    pub include_fewer_opportunities_note: bool,
}
