//! The event types, with the object each is about.

use serde::Serialize;
use std::borrow::Cow;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

macro_rules! event_types {
    ($( $variant:ident => $name:literal, $object:literal, $doc:literal; )*) => {
        /// What happened. The object named by `object_type` and `object_id` holds the rest.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
        pub enum EventType {
            $( #[doc = $doc] #[serde(rename = $name)] $variant, )*
        }

        impl EventType {
            pub const ALL: &'static [EventType] = &[$(EventType::$variant),*];

            pub fn name(self) -> &'static str {
                match self { $(EventType::$variant => $name,)* }
            }

            /// The kind of object the event is about.
            pub fn object_type(self) -> &'static str {
                match self { $(EventType::$variant => $object,)* }
            }

            pub fn describe(self) -> &'static str {
                match self { $(EventType::$variant => $doc,)* }
            }

            pub fn parse(name: &str) -> Option<EventType> {
                match name { $($name => Some(EventType::$variant),)* _ => None }
            }
        }
    };
}

event_types! {
    ApplicationCreated => "application.created", "application", "An application was created (`status`, `mobility_id`, `library_id`).";
    ApplicationUpdated => "application.updated", "application", "An application's content or receipt changed (`status`).";
    ApplicationSubmitted => "application.submitted", "application", "An application was submitted.";
    ApplicationWithdrawn => "application.withdrawn", "application", "An application was withdrawn.";
    ApplicationDeleted => "application.deleted", "application", "A draft application was deleted.";
    SignatureAdded => "application.signature_added", "application", "A signature was recorded on an application (`signer_role`).";
    SignaturesVoided => "application.signatures_voided", "application", "An edit voided an application's signatures.";
    CallPublished => "call.published", "call", "A call for applications was published.";
    CallClosed => "call.closed", "call", "A call for applications was closed.";
    MobilityRescheduled => "mobility.rescheduled", "mobility", "A mobility's dates changed (`start_date`, `end_date`, and `outside_window_reason` when a coordinator confirmed dates outside the announced window).";
    SelectionFinalised => "selection.finalised", "mobility", "The selection for a mobility was finalised (`selected`, `reserve` counts).";
    ParticipantSelected => "participant.selected", "participant", "A selected application became a participant (`status: selected`).";
    ParticipantWithdrawn => "participant.withdrawn", "participant", "A participant withdrew.";
    ParticipantPromoted => "participant.promoted", "participant", "A reserve was promoted to a place.";
    ParticipantTravelled => "participant.travelled", "participant", "A participant's return from the mobility was recorded.";
    ParticipantCompleted => "participant.completed", "participant", "A participant completed every obligation.";
    AgreementIssued => "agreement.issued", "agreement", "A grant or learning agreement was issued (`kind`, `version`).";
    AgreementSigned => "agreement.signed", "agreement", "A signature was recorded on an agreement (`signer_role`, `status`).";
    AgreementAmended => "agreement.amended", "agreement", "An agreement was amended (a new `version`).";
    MeetingScheduled => "meeting.scheduled", "meeting", "A meeting was scheduled (`starts_at`, `ends_at`).";
    MeetingMoved => "meeting.moved", "meeting", "A meeting's time or place changed.";
    MeetingCancelled => "meeting.cancelled", "meeting", "A meeting was cancelled.";
    CostRecorded => "cost.recorded", "cost", "A cost was recorded or changed.";
    CostDeleted => "cost.deleted", "cost", "A cost was deleted.";
    WorkshopHeld => "workshop.held", "workshop", "A local workshop was reported as held.";
    StorySubmitted => "story.submitted", "digital_story", "A digital story was submitted for review.";
    StoryPublished => "story.published", "digital_story", "A digital story was published.";
    PracticeAdopted => "practice.adopted", "practice_adoption", "A library recorded adopting a new practice.";
    DisseminationRecorded => "dissemination.recorded", "dissemination_item", "A dissemination activity was recorded.";
    DisseminationDeleted => "dissemination.deleted", "dissemination_item", "A dissemination record was deleted.";
    ObligationOverdue => "obligation.overdue", "participant", "An obligation of a participant passed its deadline unmet (`obligation`, `due`).";
}

impl utoipa::PartialSchema for EventType {
    fn schema() -> RefOr<Schema> {
        let mut description = String::from(
            "What happened; the object named by `object_type` and `object_id` holds the rest.\n",
        );
        for t in EventType::ALL {
            description.push_str(&format!("\n- `{}`: {}", t.name(), t.describe()));
        }
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(EventType::ALL.iter().map(|t| t.name())))
            .description(Some(description))
            .into()
    }
}

impl utoipa::ToSchema for EventType {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("EventType")
    }
}
