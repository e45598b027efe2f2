//! The overview's shape: every list is present, empty where it does not concern the caller.

use crate::obligations::dto::ObligationStatus;
use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::{
    AgreementKind, ApplicationStatus, CallStatus, MeetingKind, MobilityStatus, ParticipantStatus,
    Party, Role,
};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// What needs the caller's attention now.
#[derive(Debug, Serialize, ToSchema)]
pub struct Overview {
    pub role: Role,
    /// Today in Ljubljana, the day the due dates are measured against.
    pub today: NaiveDate,
    /// A participant's own participations (not withdrawn).
    pub participations: Vec<Participation>,
    /// Applications still in play: those naming a participant, a library's own; drafts name
    /// what is missing before they can be submitted.
    pub applications: Vec<ApplicationAttention>,
    /// A library's participants, with what is overdue and what the library still signs.
    pub library_participants: Vec<LibraryParticipant>,
    /// Applications a committee member still has to score, scoring being open.
    pub to_score: Vec<ToScore>,
    /// Coordinators and admins: calls whose selection is not final everywhere.
    pub calls: Vec<CallAttention>,
    /// Coordinators and admins: every mobility not cancelled; a host user: the mobilities its
    /// organisation hosts; with unsigned agreements and overdue obligations.
    pub mobilities: Vec<MobilityAttention>,
    /// Participants, their libraries and hosts: the documents shared with their projects and
    /// mobilities, newest change first (coordinators manage them in the project's list).
    pub shared_documents: Vec<SharedDocumentRef>,
}

/// A shared document, to open with `getSharedDocument`.
#[derive(Debug, Serialize, ToSchema)]
pub struct SharedDocumentRef {
    pub id: Uuid,
    pub project_id: Uuid,
    /// `null`: shared with the whole project.
    pub mobility_id: Option<Uuid>,
    pub title: String,
    pub category: entity::enums::SharedDocumentCategory,
    pub current_version: i32,
    pub updated_at: DateTime<Utc>,
}

/// A mobility by name.
#[derive(Debug, Serialize, ToSchema)]
pub struct MobilityRef {
    pub id: Uuid,
    #[schema(example = "JS1")]
    pub code: String,
    pub title: String,
    pub city: String,
    pub country: String,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub status: MobilityStatus,
    pub host_organisation_id: Uuid,
    #[schema(example = "Dokk1")]
    pub host_name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingRef {
    pub id: Uuid,
    pub kind: MeetingKind,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub online_link: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TaskRef {
    pub id: Uuid,
    #[schema(example = "travel_details")]
    pub key: String,
    pub title: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ObligationRef {
    #[schema(example = "report")]
    pub key: String,
    pub title: String,
    pub status: ObligationStatus,
    pub due: Option<NaiveDate>,
}

/// An agreement waiting for a signature, with what signing it by `If-Match` needs.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AgreementToSign {
    pub agreement_id: Uuid,
    pub participant_id: Uuid,
    #[schema(example = "Maja Kovač")]
    pub participant_name: String,
    pub kind: AgreementKind,
    pub version: i32,
    pub document_sha256: String,
    /// For `If-Match` on `POST /agreements/{id}/signatures`.
    pub etag: String,
    /// The parties that have not signed this version.
    pub unsigned_parties: Vec<Party>,
}

/// One participation of the caller.
#[derive(Debug, Serialize, ToSchema)]
pub struct Participation {
    pub participant_id: Uuid,
    pub status: ParticipantStatus,
    pub library_id: Uuid,
    pub library_name: String,
    pub mobility: MobilityRef,
    /// Meetings of the mobility still ahead, soonest first (at most 5).
    pub next_meetings: Vec<MeetingRef>,
    /// Preparation tasks not done, in checklist order.
    pub open_tasks: Vec<TaskRef>,
    /// Obligations not met yet, with their due dates.
    pub obligations: Vec<ObligationRef>,
    /// Agreements the participant has yet to sign.
    pub agreements_to_sign: Vec<AgreementToSign>,
}

/// An application and what it still needs.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationAttention {
    pub application_id: Uuid,
    pub status: ApplicationStatus,
    pub call_id: Uuid,
    pub mobility_id: Uuid,
    pub mobility_code: String,
    pub library_id: Uuid,
    pub library_name: String,
    pub applicant_full_name: String,
    /// For a draft: `participant_signature` and `director_signature` for the current content,
    /// as `POST /applications/{id}/submit` would refuse; empty when it can be submitted.
    pub missing: Vec<String>,
}

/// A library's participant and what is outstanding.
#[derive(Debug, Serialize, ToSchema)]
pub struct LibraryParticipant {
    pub participant_id: Uuid,
    pub full_name: String,
    pub status: ParticipantStatus,
    pub mobility_id: Uuid,
    pub mobility_code: String,
    /// Keys of obligations past their due date.
    pub overdue: Vec<String>,
    /// Agreements the library has yet to sign.
    pub agreements_to_sign: Vec<AgreementToSign>,
}

/// An application a committee member has yet to score.
#[derive(Debug, Serialize, ToSchema)]
pub struct ToScore {
    pub application_id: Uuid,
    pub call_id: Uuid,
    pub mobility_id: Uuid,
    pub mobility_code: String,
    pub library_name: String,
    pub submitted_at: Option<DateTime<Utc>>,
}

/// A call and where its applications stand.
#[derive(Debug, Serialize, ToSchema)]
pub struct CallAttention {
    pub call_id: Uuid,
    pub title: String,
    pub status: CallStatus,
    pub deadline: NaiveDate,
    pub drafts: u64,
    /// Drafts without both signatures for their current content.
    pub drafts_missing_signatures: u64,
    pub submitted: u64,
    /// Submitted applications nobody has scored yet.
    pub unscored: u64,
    /// The call's mobilities whose selection is not final yet.
    pub selection_pending: Vec<Uuid>,
}

/// A participant with obligations past their due date.
#[derive(Debug, Serialize, ToSchema)]
pub struct OverdueParticipant {
    pub participant_id: Uuid,
    pub full_name: String,
    pub obligations: Vec<String>,
}

/// A mobility and what is outstanding on it.
#[derive(Debug, Serialize, ToSchema)]
pub struct MobilityAttention {
    pub mobility: MobilityRef,
    /// Participants who have not withdrawn.
    pub participants: u64,
    /// Agreements not signed by every party (for a host user: those waiting for the host).
    pub unsigned_agreements: Vec<AgreementToSign>,
    pub overdue: Vec<OverdueParticipant>,
    /// Meetings still ahead, soonest first (at most 5).
    pub next_meetings: Vec<MeetingRef>,
}
