//! Closed sets of values stored as text; the database has a CHECK constraint for each.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $value:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize,
            Deserialize, ToSchema,
        )]
        #[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $(
                #[sea_orm(string_value = $value)]
                $variant,
            )+
        }

        impl $name {
            /// The value as stored and as sent on the wire.
            pub fn as_str(&self) -> &'static str {
                match self {
                    $(Self::$variant => $value,)+
                }
            }

            /// Every accepted value, for error messages.
            pub fn all_values() -> &'static [&'static str] {
                &[$($value),+]
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($value => Ok(Self::$variant),)+
                    _ => Err(format!("expected one of: {}", Self::all_values().join(", "))),
                }
            }
        }
    };
}

text_enum!(
    /// How a participant travelled to the mobility and back (mostly).
    TravelMode {
        Train = "train",
        Bus = "bus",
        CarSharing = "car_sharing",
        Car = "car",
        Plane = "plane",
        Other = "other",
    }
);

impl TravelMode {
    /// Travel the Erasmus+ programme counts as green: train, bus, car sharing.
    pub fn is_green(self) -> bool {
        matches!(self, Self::Train | Self::Bus | Self::CarSharing)
    }
}

text_enum!(
    /// A partner organisation's role in a project: a `cooperation_partner` advises and supports
    /// it (e.g. on preparing mobilities abroad), a `host_organisation` receives participants,
    /// an `associated_partner` takes part in activities or dissemination.
    PartnerRole {
        CooperationPartner = "cooperation_partner",
        HostOrganisation = "host_organisation",
        AssociatedPartner = "associated_partner",
    }
);

text_enum!(
    /// What a shared document is: the `handbook` (e.g. the DTFL handbook), the mobility's
    /// `programme`, a `presentation`, a `template` to fill in, or `other`.
    SharedDocumentCategory {
        Handbook = "handbook",
        Programme = "programme",
        Presentation = "presentation",
        Template = "template",
        Other = "other",
    }
);

text_enum!(
    /// What an organisation is to the project.
    OrganisationKind {
        Coordinator = "coordinator",
        MemberLibrary = "member_library",
        Host = "host",
        Partner = "partner",
    }
);

text_enum!(
    /// A user's role; it decides what the user may see and do.
    Role {
        Admin = "admin",
        Coordinator = "coordinator",
        Committee = "committee",
        Accountant = "accountant",
        Library = "library",
        Participant = "participant",
        Host = "host",
    }
);

text_enum!(
    /// Lifecycle of a project.
    ProjectStatus {
        Planned = "planned",
        Active = "active",
        Completed = "completed",
        Cancelled = "cancelled",
    }
);

text_enum!(
    /// The function of a person in the project team.
    TeamFunction {
        ResponsiblePerson = "responsible_person",
        Coordinator = "coordinator",
        Accountant = "accountant",
        CommitteeMember = "committee_member",
    }
);

text_enum!(
    /// Erasmus+ activity type of a mobility.
    ActivityType {
        JobShadowing = "job_shadowing",
        Course = "course",
        TeachingAssignment = "teaching_assignment",
    }
);

text_enum!(
    /// The local activity participants carry out after the mobility.
    FollowUp {
        DtflWorkshop = "dtfl_workshop",
        HeritageWorkshop = "heritage_workshop",
    }
);

text_enum!(
    /// Lifecycle of a mobility.
    MobilityStatus {
        Planned = "planned",
        Confirmed = "confirmed",
        InProgress = "in_progress",
        Completed = "completed",
        Cancelled = "cancelled",
    }
);

text_enum!(
    /// Lifecycle of a call for applications.
    CallStatus {
        Draft = "draft",
        Open = "open",
        Closed = "closed",
    }
);

text_enum!(
    /// Lifecycle of an application.
    ApplicationStatus {
        Draft = "draft",
        Submitted = "submitted",
        Withdrawn = "withdrawn",
        Selected = "selected",
        Reserve = "reserve",
        Rejected = "rejected",
    }
);

text_enum!(
    /// How an application reached the association.
    ReceivedVia {
        Api = "api",
        Email = "email",
    }
);

text_enum!(
    /// Who signs an application.
    SignerRole {
        Participant = "participant",
        LibraryDirector = "library_director",
    }
);

text_enum!(
    /// How a document was signed.
    SignatureMethod {
        QualifiedElectronic = "qualified_electronic",
        ScannedHandwritten = "scanned_handwritten",
    }
);

text_enum!(
    /// Whether a signature still applies to the application's content.
    SignatureStatus {
        Valid = "valid",
        Void = "void",
    }
);

text_enum!(
    /// Lifecycle of a selected participant.
    ParticipantStatus {
        Selected = "selected",
        Contracted = "contracted",
        Prepared = "prepared",
        Travelled = "travelled",
        Completed = "completed",
        Withdrawn = "withdrawn",
    }
);

text_enum!(
    /// Delivery state of a queued notification.
    NotificationStatus {
        Queued = "queued",
        Sent = "sent",
        Failed = "failed",
    }
);

text_enum!(
    /// What a cost was for.
    CostKind {
        Flight = "flight",
        Accommodation = "accommodation",
        Insurance = "insurance",
        DailyAllowance = "daily_allowance",
        AirportTransfer = "airport_transfer",
        LocalTransport = "local_transport",
        Other = "other",
    }
);

text_enum!(
    /// Who paid a cost.
    PaidBy {
        Project = "project",
        Employer = "employer",
    }
);

text_enum!(
    /// What a meeting is for.
    MeetingKind {
        CoordinatorPreparation = "coordinator_preparation",
        HostPreparation = "host_preparation",
        Evaluation = "evaluation",
        Internal = "internal",
    }
);

text_enum!(
    /// Which agreement.
    AgreementKind {
        Grant = "grant",
        Learning = "learning",
        Europass = "europass",
    }
);

text_enum!(
    /// Lifecycle of an agreement version.
    AgreementStatus {
        Draft = "draft",
        AwaitingSignatures = "awaiting_signatures",
        Signed = "signed",
        Superseded = "superseded",
    }
);

text_enum!(
    /// A party to an agreement.
    Party {
        Zsk = "zsk",
        Participant = "participant",
        Library = "library",
        Host = "host",
    }
);

text_enum!(
    /// How a party signed an agreement.
    AgreementSignatureMethod {
        QualifiedElectronic = "qualified_electronic",
        ScannedHandwritten = "scanned_handwritten",
        InApp = "in_app",
    }
);

text_enum!(
    /// Kinds of knowledge sharing.
    DisseminationKind {
        ColleaguesPresentation = "colleagues_presentation",
        ProfessionalEvent = "professional_event",
        PortalPublication = "portal_publication",
        KnjiznicarskeNovice = "knjiznicarske_novice",
        LibraryWebsite = "library_website",
        SocialMediaPost = "social_media_post",
    }
);

text_enum!(
    /// Kind of local workshop, from the mobility's track.
    WorkshopKind {
        DtflNeeds = "dtfl_needs",
        CulturalHeritage = "cultural_heritage",
    }
);

text_enum!(
    /// Lifecycle of a workshop.
    WorkshopStatus {
        Planned = "planned",
        Held = "held",
        Reported = "reported",
    }
);

text_enum!(
    /// Lifecycle of a digital story.
    StoryStatus {
        Draft = "draft",
        Submitted = "submitted",
        Published = "published",
    }
);

text_enum!(
    /// Lifecycle of a new practice in a library.
    AdoptionStatus {
        Planned = "planned",
        Piloted = "piloted",
        Adopted = "adopted",
    }
);

text_enum!(
    /// Lifecycle of a participant's report.
    ReportStatus {
        Draft = "draft",
        Submitted = "submitted",
    }
);
