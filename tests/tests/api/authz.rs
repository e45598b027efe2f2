//! The authorisation matrix: every operation of the OpenAPI document, for every role, against
//! objects that belong to another library, another participant and a mobility another host
//! receives. One declared table says, per operation and role, whether the call gets past the
//! authorisation (`ok`: any answer but 401, 403 and 404, a rule's 409 or 422 included) or is
//! refused as 401, 403 or 404; an operation missing from the table fails the test.
//!
//! The callers are the anonymous caller, an admin, a coordinator, a committee member, the
//! accountant, the responsible person of library A, the participant of library A and the
//! contact of a host organisation that receives no mobility here. The objects are library B's:
//! its application, its participant (on the same mobility as A's), that participant's
//! agreement, cost, tasks, dissemination, workshop and practice adoption, B's user and
//! organisation; and the mobility's own meetings, call and project. Creations and actions run
//! first, then reads, changes and deletions; roles from the least to the most privileged.
//! Changes and deletions carry a stale `If-Match`, so that one that passes the checks stops
//! at 412 and the next role meets the same object (the few deletions without `If-Match`, such
//! as revoking a token, leave 404 to the roles after the first that may).
//!
//! `MOBILITY_AUTHZ_RECORD=1` prints the table as the service answers, to review a change.

use super::applications::{fixture, scan_pdf};
use super::preparation::{participant_user, selected};
use mobility_tests::*;
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::BTreeMap;

const ROLES: [&str; 8] = [
    "anonymous",
    "host",
    "participant",
    "library",
    "accountant",
    "committee",
    "coordinator",
    "admin",
];

/// operationId → [anonymous, host, participant, library, accountant, committee, coordinator,
/// admin].
const MATRIX: &[(&str, [&str; 8])] = &[
    // Digital stories and their media: none exist in this world; nobody sees one.
    (
        "addDigitalStoryMedia",
        ["401", "404", "404", "404", "403", "404", "ok", "ok"],
    ),
    (
        "addTeamMember",
        ["401", "403", "403", "403", "403", "403", "ok", "ok"],
    ),
    (
        "amendAgreement",
        ["401", "404", "404", "404", "403", "404", "ok", "ok"],
    ),
    (
        "cancelMeeting",
        ["401", "404", "403", "403", "403", "404", "ok", "ok"],
    ),
    (
        "closeCall",
        ["401", "403", "403", "403", "403", "403", "ok", "ok"],
    ),
    (
        "createAgreement",
        ["401", "404", "404", "404", "403", "404", "ok", "ok"],
    ),
    (
        "createApiToken",
        ["401", "403", "403", "403", "403", "403", "ok", "ok"],
    ),
    (
        "createApplication",
        ["401", "403", "403", "403", "403", "403", "ok", "ok"],
    ),
    (
        "createApplicationSignature",
        ["401", "404", "404", "404", "404", "403", "ok", "ok"],
    ),
    (
        "createCalendarFeed",
        ["401", "ok", "ok", "ok", "ok", "ok", "ok", "ok"],
    ),
    (
        "createCall",
        ["401", "403", "403", "403", "403", "403", "ok", "ok"],
    ),
    (
        "createCost",
        ["401", "404", "404", "404", "ok", "404", "ok", "ok"],
    ),
    (
        "createDigitalStory",
        ["401", "404", "404", "404", "403", "404", "ok", "ok"],
    ),
    (
        "createDissemination",
        ["401", "404", "404", "404", "403", "404", "ok", "ok"],
    ),
    (
        "createMeeting",
        ["401", "404", "403", "403", "403", "404", "ok", "ok"],
    ),
    (
        "createMobility",
        ["401", "403", "403", "403", "403", "403", "ok", "ok"],
    ),
    (
        "createOrganisation",
        ["401", "403", "403", "403", "403", "403", "ok", "ok"],
    ),
    (
        "createPracticeAdoption",
        ["401", "403", "403", "ok", "403", "403", "ok", "ok"],
    ),
    (
        "createProject",
        ["401", "403", "403", "403", "403", "403", "ok", "ok"],
    ),
    (
        "createUser",
        ["401", "403", "403", "403", "403", "403", "ok", "ok"],
    ),
    (
        "createWebhook",
        ["401", "403", "403", "ok", "403", "403", "ok", "ok"],
    ),
    (
        "createWorkshop",
        ["401", "403", "403", "ok", "403", "403", "ok", "ok"],
    ),
    (
        "declareConflictOfInterest",
        ["401", "404", "404", "404", "404", "403", "403", "403"],
    ),
    (
        "deleteApplication",
        ["401", "404", "404", "404", "404", "403", "ok", "ok"],
    ),
    (
        "deleteCost",
        ["401", "404", "404", "404", "ok", "404", "ok", "ok"],
    ),
    (
        "deleteDissemination",
        ["401", "404", "404", "404", "403", "404", "ok", "ok"],
    ),
    (
        "deleteUser",
        ["401", "404", "404", "404", "404", "404", "ok", "ok"],
    ),
    // Deleted by its owner, the coordinator, so the admin finds nothing.
    (
        "deleteWebhook",
        ["401", "404", "404", "404", "404", "404", "ok", "404"],
    ),
    (
        "downloadDocument",
        ["401", "404", "404", "404", "404", "ok", "ok", "ok"],
    ),
    // Nothing is held about the example address when it runs: the admin, who may, finds none.
    (
        "erasePersonalData",
        ["401", "403", "403", "403", "403", "403", "403", "404"],
    ),
    (
        "exportApplicationsCsv",
        ["401", "403", "403", "403", "403", "403", "ok", "ok"],
    ),
    (
        "exportPersonalData",
        ["401", "403", "403", "403", "403", "403", "403", "ok"],
    ),
    (
        "exportCsv",
        ["401", "403", "403", "403", "403", "403", "ok", "ok"],
    ),
    (
        "finaliseSelection",
        ["401", "403", "403", "403", "403", "403", "ok", "ok"],
    ),
    (
        "getAgreement",
        ["401", "404", "404", "404", "ok", "404", "ok", "ok"],
    ),
    (
        "getAgreementDocument",
        ["401", "404", "404", "404", "ok", "404", "ok", "ok"],
    ),
    (
        "getApplication",
        ["401", "404", "404", "404", "404", "ok", "ok", "ok"],
    ),
    (
        "getBudget",
        ["401", "403", "403", "403", "ok", "403", "ok", "ok"],
    ),
    // A feed is read by its secret token (not in the world): 404 whoever asks.
    (
        "getCalendarFeed",
        ["404", "404", "404", "404", "404", "404", "404", "404"],
    ),
    ("getCall", ["ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok"]),
    (
        "getCommittee",
        ["401", "403", "403", "403", "403", "ok", "ok", "ok"],
    ),
    (
        "getCost",
        ["401", "404", "404", "404", "ok", "404", "ok", "ok"],
    ),
    (
        "getCriteria",
        ["401", "403", "403", "403", "403", "ok", "ok", "ok"],
    ),
    (
        "getDigitalStory",
        ["401", "404", "404", "404", "ok", "404", "ok", "ok"],
    ),
    (
        "getDissemination",
        ["401", "404", "404", "404", "ok", "404", "ok", "ok"],
    ),
    (
        "getEuropass",
        ["401", "404", "404", "404", "ok", "404", "ok", "ok"],
    ),
    (
        "getEuropassDocument",
        ["401", "404", "404", "404", "ok", "404", "ok", "ok"],
    ),
    (
        "getEvaluation",
        ["401", "403", "403", "403", "403", "403", "ok", "ok"],
    ),
    (
        "getIndicators",
        ["401", "403", "403", "403", "ok", "403", "ok", "ok"],
    ),
    (
        "getKamraPackage",
        ["401", "404", "404", "404", "ok", "404", "ok", "ok"],
    ),
    ("getMe", ["401", "ok", "ok", "ok", "ok", "ok", "ok", "ok"]),
    (
        "getMeeting",
        ["401", "404", "ok", "ok", "ok", "404", "ok", "ok"],
    ),
    (
        "getMobility",
        ["ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok"],
    ),
    (
        "getMobilityCalendar",
        ["401", "404", "ok", "ok", "ok", "404", "ok", "ok"],
    ),
    (
        "getMyScore",
        ["401", "404", "404", "404", "404", "403", "403", "403"],
    ),
    (
        "getObligationDeadlines",
        ["401", "403", "403", "403", "403", "403", "ok", "ok"],
    ),
    (
        "getObligations",
        ["401", "404", "404", "404", "ok", "404", "ok", "ok"],
    ),
    (
        "getOrganisation",
        ["401", "ok", "ok", "ok", "ok", "ok", "ok", "ok"],
    ),
    (
        "getParticipant",
        ["401", "404", "404", "404", "ok", "404", "ok", "ok"],
    ),
    (
        "getParticipantCalendar",
        ["401", "404", "404", "404", "ok", "404", "ok", "ok"],
    ),
    (
        "getPracticeAdoption",
        ["401", "404", "404", "404", "ok", "404", "ok", "ok"],
    ),
    (
        "getProgress",
        ["401", "403", "403", "403", "403", "403", "ok", "ok"],
    ),
    (
        "getProject",
        ["ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok"],
    ),
    (
        "getProjectFeed",
        ["ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok"],
    ),
    (
        "getPublicIndicators",
        ["ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok"],
    ),
    (
        "getQuestionnaire",
        ["401", "404", "ok", "ok", "ok", "404", "ok", "ok"],
    ),
    (
        "getQuestionnaireResults",
        ["401", "403", "403", "403", "403", "403", "ok", "ok"],
    ),
    (
        "getRanking",
        ["401", "403", "403", "403", "403", "403", "ok", "ok"],
    ),
    // No report is written in this world; only the participant themself writes one.
    (
        "getReport",
        ["401", "404", "404", "404", "404", "404", "404", "404"],
    ),
    (
        "getSelectionRecord",
        ["401", "403", "403", "403", "403", "403", "ok", "ok"],
    ),
    (
        "getSelectionRecordCsv",
        ["401", "403", "403", "403", "403", "403", "ok", "ok"],
    ),
    (
        "getSelectionSettings",
        ["401", "403", "403", "403", "403", "ok", "ok", "ok"],
    ),
    (
        "getTravelDetails",
        ["401", "404", "404", "404", "404", "404", "ok", "ok"],
    ),
    (
        "getUnitCostRates",
        ["401", "403", "403", "403", "ok", "403", "ok", "ok"],
    ),
    (
        "getUser",
        ["401", "404", "404", "404", "404", "404", "ok", "ok"],
    ),
    (
        "getWebhook",
        ["401", "404", "404", "404", "404", "404", "ok", "ok"],
    ),
    (
        "getWorkshop",
        ["401", "404", "404", "404", "ok", "404", "ok", "ok"],
    ),
    (
        "getWorkshopPlanDocument",
        ["401", "404", "404", "404", "ok", "404", "ok", "ok"],
    ),
    (
        "healthLive",
        ["ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok"],
    ),
    (
        "healthReady",
        ["ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok"],
    ),
    (
        "importOrganisations",
        ["401", "403", "403", "403", "403", "403", "ok", "ok"],
    ),
    (
        "listAgreements",
        ["401", "404", "404", "404", "ok", "404", "ok", "ok"],
    ),
    (
        "listApiTokens",
        ["401", "403", "403", "403", "403", "403", "ok", "ok"],
    ),
    (
        "listApplicationDocuments",
        ["401", "404", "404", "404", "404", "ok", "ok", "ok"],
    ),
    (
        "listApplicationSignatures",
        ["401", "404", "404", "404", "404", "ok", "ok", "ok"],
    ),
    (
        "listApplications",
        ["401", "403", "ok", "ok", "403", "ok", "ok", "ok"],
    ),
    (
        "listAuditLog",
        ["401", "403", "403", "403", "403", "403", "403", "ok"],
    ),
    (
        "listCalendarFeeds",
        ["401", "ok", "ok", "ok", "ok", "ok", "ok", "ok"],
    ),
    (
        "listCalls",
        ["ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok"],
    ),
    (
        "listCosts",
        ["401", "404", "404", "404", "ok", "404", "ok", "ok"],
    ),
    (
        "addProjectPartner",
        ["401", "403", "403", "403", "403", "403", "ok", "ok"],
    ),
    (
        "removeProjectPartner",
        ["401", "403", "403", "403", "403", "403", "ok", "404"],
    ),
    // The world's shared document is a link for the whole project; its host user hosts none
    // of the project's mobilities.
    (
        "addSharedDocumentVersion",
        ["401", "404", "403", "403", "403", "404", "ok", "ok"],
    ),
    // Coordinators only; the matrix's form has no `application` part (422).
    (
        "recordReceivedApplication",
        ["401", "403", "403", "403", "403", "403", "ok", "ok"],
    ),
    (
        "createSharedDocument",
        ["401", "403", "403", "403", "403", "403", "ok", "ok"],
    ),
    (
        "getSharedDocument",
        ["401", "404", "ok", "ok", "ok", "404", "ok", "ok"],
    ),
    (
        "getSharedDocumentContent",
        ["401", "404", "ok", "ok", "ok", "404", "ok", "ok"],
    ),
    (
        "listSharedDocuments",
        ["401", "ok", "ok", "ok", "ok", "ok", "ok", "ok"],
    ),
    (
        "deleteSharedDocument",
        ["401", "404", "403", "403", "403", "404", "ok", "404"],
    ),
    (
        "getSustainability",
        ["401", "404", "404", "404", "ok", "404", "ok", "ok"],
    ),
    (
        "putSustainability",
        ["401", "404", "404", "404", "403", "404", "ok", "ok"],
    ),
    (
        "getMyOverview",
        ["401", "ok", "ok", "ok", "ok", "ok", "ok", "ok"],
    ),
    (
        "listCoParticipants",
        ["401", "404", "404", "404", "ok", "404", "ok", "ok"],
    ),
    (
        "listDigitalStories",
        ["401", "ok", "ok", "ok", "ok", "ok", "ok", "ok"],
    ),
    (
        "listDissemination",
        ["401", "404", "404", "404", "ok", "404", "ok", "ok"],
    ),
    (
        "listEvents",
        ["401", "ok", "ok", "ok", "ok", "ok", "ok", "ok"],
    ),
    (
        "listMeetings",
        ["401", "404", "ok", "ok", "ok", "404", "ok", "ok"],
    ),
    (
        "listMobilities",
        ["ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok"],
    ),
    (
        "listOrganisations",
        ["401", "ok", "ok", "ok", "ok", "ok", "ok", "ok"],
    ),
    (
        "listOutbox",
        ["401", "403", "403", "403", "403", "403", "ok", "ok"],
    ),
    (
        "listParticipants",
        ["401", "403", "ok", "ok", "ok", "403", "ok", "ok"],
    ),
    (
        "listPracticeAdoptions",
        ["401", "ok", "ok", "ok", "ok", "ok", "ok", "ok"],
    ),
    (
        "listProjects",
        ["ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok"],
    ),
    (
        "listTasks",
        ["401", "404", "404", "404", "ok", "404", "ok", "ok"],
    ),
    (
        "listTeamMembers",
        ["401", "ok", "ok", "ok", "ok", "ok", "ok", "ok"],
    ),
    (
        "listUsers",
        ["401", "403", "403", "403", "403", "403", "ok", "ok"],
    ),
    (
        "listWebhookDeliveries",
        ["401", "404", "404", "404", "404", "404", "ok", "ok"],
    ),
    (
        "listWebhooks",
        ["401", "403", "403", "ok", "403", "403", "ok", "ok"],
    ),
    (
        "listWorkshops",
        ["401", "403", "ok", "ok", "ok", "403", "ok", "ok"],
    ),
    // Anonymous operations: the example credentials are wrong for everyone.
    (
        "login",
        ["401", "401", "401", "401", "401", "401", "401", "401"],
    ),
    ("logout", ["ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok"]),
    (
        "markReturned",
        ["401", "404", "404", "404", "403", "404", "ok", "ok"],
    ),
    (
        "publishCall",
        ["401", "403", "403", "403", "403", "403", "ok", "ok"],
    ),
    (
        "publishDigitalStory",
        ["401", "404", "404", "404", "403", "404", "ok", "ok"],
    ),
    (
        "putEuropass",
        ["401", "404", "404", "404", "403", "404", "ok", "ok"],
    ),
    (
        "putMyScore",
        ["401", "404", "404", "404", "404", "403", "403", "403"],
    ),
    (
        "putObligationDeadlines",
        ["401", "403", "403", "403", "403", "403", "ok", "ok"],
    ),
    (
        "putQuestionnaire",
        ["401", "403", "403", "403", "403", "403", "ok", "ok"],
    ),
    (
        "putQuestionnaireResponse",
        ["401", "404", "404", "404", "403", "404", "403", "403"],
    ),
    (
        "putReport",
        ["401", "404", "404", "404", "403", "404", "403", "403"],
    ),
    (
        "putTravelDetails",
        ["401", "404", "404", "404", "404", "404", "ok", "ok"],
    ),
    (
        "putUnitCostRates",
        ["401", "403", "403", "403", "ok", "403", "ok", "ok"],
    ),
    (
        "putWorkshopPlanDocument",
        ["401", "404", "404", "404", "403", "404", "ok", "ok"],
    ),
    (
        "putWorkshopReport",
        ["401", "404", "404", "404", "403", "404", "ok", "ok"],
    ),
    (
        "recordAttendance",
        ["401", "404", "403", "403", "403", "404", "ok", "ok"],
    ),
    (
        "recordAttendanceList",
        ["401", "404", "403", "403", "403", "404", "ok", "ok"],
    ),
    // No delivery exists in this world.
    (
        "redeliverWebhookDelivery",
        ["401", "404", "404", "404", "404", "404", "ok", "ok"],
    ),
    (
        "refreshToken",
        ["401", "401", "401", "401", "401", "401", "401", "401"],
    ),
    // Removed by the coordinator, so the admin finds nothing.
    (
        "removeTeamMember",
        ["401", "403", "403", "403", "403", "403", "ok", "404"],
    ),
    // Revoked by the coordinator who issued it, so the admin finds nothing.
    (
        "revokeApiToken",
        ["401", "403", "403", "403", "403", "403", "ok", "404"],
    ),
    // Revoked by its owner, the coordinator, so the admin finds nothing.
    (
        "revokeCalendarFeed",
        ["401", "404", "404", "404", "404", "404", "ok", "404"],
    ),
    (
        "setCommittee",
        ["401", "403", "403", "403", "403", "403", "ok", "ok"],
    ),
    (
        "setCriteria",
        ["401", "403", "403", "403", "403", "403", "ok", "ok"],
    ),
    (
        "setSelectionSettings",
        ["401", "403", "403", "403", "403", "403", "ok", "ok"],
    ),
    (
        "signAgreement",
        ["401", "404", "404", "404", "403", "404", "403", "403"],
    ),
    (
        "submitApplication",
        ["401", "404", "404", "404", "404", "403", "ok", "ok"],
    ),
    (
        "submitDigitalStory",
        ["401", "404", "404", "404", "403", "404", "ok", "ok"],
    ),
    (
        "submitReport",
        ["401", "404", "404", "404", "403", "404", "403", "403"],
    ),
    (
        "updateAgreement",
        ["401", "404", "404", "404", "403", "404", "ok", "ok"],
    ),
    (
        "updateApplication",
        ["401", "404", "404", "404", "404", "403", "ok", "ok"],
    ),
    (
        "updateCall",
        ["401", "403", "403", "403", "403", "403", "ok", "ok"],
    ),
    (
        "updateCost",
        ["401", "404", "404", "404", "ok", "404", "ok", "ok"],
    ),
    (
        "updateDigitalStory",
        ["401", "404", "404", "404", "403", "404", "ok", "ok"],
    ),
    (
        "updateDigitalStoryMedia",
        ["401", "404", "404", "404", "403", "404", "ok", "ok"],
    ),
    (
        "updateDissemination",
        ["401", "404", "404", "404", "403", "404", "ok", "ok"],
    ),
    (
        "updateMeeting",
        ["401", "404", "403", "403", "403", "404", "ok", "ok"],
    ),
    (
        "updateMobility",
        ["401", "403", "403", "403", "403", "403", "ok", "ok"],
    ),
    (
        "updateOrganisation",
        ["401", "403", "403", "403", "403", "403", "ok", "ok"],
    ),
    (
        "updateParticipant",
        ["401", "404", "404", "404", "403", "404", "ok", "ok"],
    ),
    (
        "updatePracticeAdoption",
        ["401", "404", "404", "404", "403", "404", "ok", "ok"],
    ),
    (
        "updateProject",
        ["401", "403", "403", "403", "403", "403", "ok", "ok"],
    ),
    (
        "updateTask",
        ["401", "404", "404", "404", "403", "404", "ok", "ok"],
    ),
    (
        "updateUser",
        ["401", "404", "404", "404", "404", "404", "ok", "ok"],
    ),
    (
        "updateWebhook",
        ["401", "404", "404", "404", "404", "404", "ok", "ok"],
    ),
    (
        "updateWorkshop",
        ["401", "404", "404", "404", "403", "404", "ok", "ok"],
    ),
    (
        "uploadAgreementEvidence",
        ["401", "404", "404", "404", "403", "404", "ok", "ok"],
    ),
    (
        "uploadApplicationDocument",
        ["401", "404", "404", "404", "404", "403", "ok", "ok"],
    ),
    (
        "uploadDisseminationEvidence",
        ["401", "404", "404", "404", "403", "404", "ok", "ok"],
    ),
    (
        "withdrawApplication",
        ["401", "404", "404", "404", "404", "403", "ok", "ok"],
    ),
    (
        "withdrawParticipant",
        ["401", "404", "404", "404", "403", "404", "ok", "ok"],
    ),
];

struct World {
    tokens: BTreeMap<&'static str, Option<String>>,
    ids: BTreeMap<&'static str, String>,
}

async fn post_json(app: &TestApp, path: &str, token: &str, body: Value) -> Value {
    let res = app.post(path, Some(token), &body).await;
    let status = res.status();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    assert!(status.is_success(), "POST {path}: {status} {body}");
    body
}

async fn world(app: &TestApp) -> World {
    // The heritage mobility: its workshops make digital stories.
    let mut f = fixture(app).await;
    f.mobility_ids.swap(0, 1);
    let (pids, apps) = selected(app, &f, 2).await;
    app.set_time("2025-12-15T10:00:00Z");
    let admin = app.admin_token().await;
    let coordinator = f.coordinator.token.clone();
    let zsk = app.zsk_project().await;
    let project = zsk["id"].as_str().unwrap().to_string();
    let mobility = f.mobility_ids[0].clone();
    let other = &pids[1];
    let other_library = &apps[1];
    let mut ids = BTreeMap::new();
    ids.insert("project", project.clone());
    ids.insert("call", f.call_id.clone());
    ids.insert("mobility", mobility.clone());
    ids.insert("application", other_library.id.clone());
    ids.insert("participant", other.clone());
    ids.insert("organisation", other_library.library_id.clone());
    ids.insert("user", other_library.library.id.clone());

    let agreement = post_json(
        app,
        &format!("/api/v1/participants/{other}/agreements"),
        &coordinator,
        json!({"kind": "grant"}),
    )
    .await;
    ids.insert("agreement", agreement["id"].as_str().unwrap().into());
    let accountant = app.user("accountant", None).await;
    let cost = post_json(
        app,
        &format!("/api/v1/participants/{other}/costs"),
        &accountant.token,
        json!({"amount": "412.80", "description": "LJU-CPH-LJU", "kind": "flight", "paid_by": "project", "paid_on": "2025-12-10"}),
    )
    .await;
    ids.insert("cost", cost["id"].as_str().unwrap().into());
    let tasks: Value = app
        .get(
            &format!("/api/v1/participants/{other}/tasks"),
            Some(&coordinator),
        )
        .await
        .json()
        .await
        .unwrap();
    ids.insert("task", tasks["items"][0]["id"].as_str().unwrap().into());
    let meeting = post_json(
        app,
        &format!("/api/v1/mobilities/{mobility}/meetings"),
        &coordinator,
        json!({"kind": "host_preparation", "title": "Spoznavno srečanje", "duration_minutes": 60, "starts_at": "2026-02-20T10:00:00Z"}),
    )
    .await;
    ids.insert("meeting", meeting["id"].as_str().unwrap().into());
    let workshop = post_json(
        app,
        "/api/v1/workshops",
        &other_library.library.token,
        json!({"mobility_id": mobility, "title": "Kaj bi se radi naučili?", "planned_on": "2026-05-20", "planned_content": "Delavnica po metodi DTFL."}),
    )
    .await;
    ids.insert("workshop", workshop["id"].as_str().unwrap().into());
    let adoption = post_json(
        app,
        "/api/v1/practice-adoptions",
        &other_library.library.token,
        json!({"mobility_id": mobility, "method": "dtfl", "description": "Delavnice DTFL za starejše.", "plan": [{"step": "Usposabljanje sodelavcev", "due": "2026-09-30"}]}),
    )
    .await;
    ids.insert("adoption", adoption["id"].as_str().unwrap().into());
    let docs: Value = app
        .get(
            &format!("/api/v1/applications/{}/documents", other_library.id),
            Some(&coordinator),
        )
        .await
        .json()
        .await
        .unwrap();
    ids.insert("document", docs["items"][0]["id"].as_str().unwrap().into());
    let webhook = post_json(
        app,
        "/api/v1/webhooks",
        &coordinator,
        json!({"url": "https://knjiznica.example.org/hooks/mobility", "event_types": ["participant.selected"]}),
    )
    .await;
    ids.insert("webhook", webhook["id"].as_str().unwrap().into());
    let token = post_json(
        app,
        "/api/v1/api-tokens",
        &coordinator,
        json!({"name": "sync", "role": "library", "organisation_id": other_library.library_id, "expires_in_days": 30}),
    )
    .await;
    ids.insert("api_token", token["id"].as_str().unwrap().into());
    let feed = post_json(app, "/api/v1/calendar-feeds", &coordinator, json!({})).await;
    ids.insert("calendar_feed", feed["id"].as_str().unwrap().into());
    let committee = app.user("committee", None).await;
    let member = post_json(
        app,
        &format!("/api/v1/projects/{project}/team"),
        &coordinator,
        json!({"user_id": committee.id, "function": "committee_member"}),
    )
    .await;
    ids.insert("team_member", member["id"].as_str().unwrap().into());
    let centre = app
        .create_org("Center za mednarodno sodelovanje", "partner")
        .await;
    let partner = post_json(
        app,
        &format!("/api/v1/projects/{project}/partners"),
        &coordinator,
        json!({"organisation_id": centre, "role": "cooperation_partner"}),
    )
    .await;
    ids.insert("partner", partner["id"].as_str().unwrap().into());
    let shared = post_json(
        app,
        &format!("/api/v1/projects/{project}/shared-documents"),
        &coordinator,
        json!({"title": "DTFL priročnik", "category": "handbook", "url": "https://example.org/dtfl.pdf"}),
    )
    .await;
    ids.insert("shared_document", shared["id"].as_str().unwrap().into());
    let res = app
        .req(
            Method::PUT,
            &format!("/api/v1/participants/{other}/sustainability"),
            Some(&coordinator),
        )
        .json(&json!({"travel_mode": "train", "local_public_transport": true, "local_food": true, "planned_online": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "sustainability record");
    let dissemination = post_json(
        app,
        &format!("/api/v1/participants/{other}/dissemination"),
        &coordinator,
        json!({"kind": "social_media_post", "date": "2025-12-12", "title": "Priprave na Dokk1"}),
    )
    .await;
    ids.insert(
        "dissemination",
        dissemination["id"].as_str().unwrap().into(),
    );

    // A story from that heritage workshop, with one picture.
    ids.insert("heritage_workshop", ids["workshop"].clone());
    let story = post_json(
        app,
        "/api/v1/digital-stories",
        &other_library.library.token,
        json!({"workshop_id": workshop["id"], "title": "Mlini ob Krki", "summary": "Spomini.", "text": "Besedilo.", "language": "sl", "contributors": [{"name": "Ana Kos"}]}),
    )
    .await;
    let story_id = story["id"].as_str().unwrap().to_string();
    ids.insert("digital_story", story_id.clone());
    let res = app
        .req(
            Method::POST,
            &format!("/api/v1/digital-stories/{story_id}/media"),
            Some(&other_library.library.token),
        )
        .multipart(reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(super::after::PNG.to_vec()).file_name("mlin.png"),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201, "story media");
    let media: Value = res.json().await.unwrap();
    ids.insert("media", media["id"].as_str().unwrap().into());
    // A delivery in the webhook's log, as the background work leaves one.
    let delivery = uuid::Uuid::now_v7();
    {
        use sea_orm::{ActiveValue::Set, EntityTrait};
        let now = chrono::Utc::now();
        entity::webhook_delivery::Entity::insert(entity::webhook_delivery::ActiveModel {
            id: Set(delivery),
            endpoint_id: Set(webhook["id"].as_str().unwrap().parse().unwrap()),
            event_id: Set(uuid::Uuid::now_v7()),
            event_type: Set("participant.selected".into()),
            payload: Set("{}".into()),
            request_id: Set(None),
            status: Set("failed".into()),
            attempts: Set(9),
            next_attempt_at: Set(None),
            last_attempt_at: Set(Some(now)),
            response_status: Set(Some(503)),
            last_error: Set(None),
            created_at: Set(now),
            delivered_at: Set(None),
        })
        .exec(&app.db().await)
        .await
        .unwrap();
    }
    ids.insert("delivery", delivery.to_string());

    let mobility_json: Value = app
        .get(&format!("/api/v1/mobilities/{mobility}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert!(mobility_json["host_organisation_id"].is_string());
    let elsewhere = app.create_org("Gostitelj drugje", "host").await;
    let mut tokens = BTreeMap::new();
    tokens.insert("anonymous", None);
    tokens.insert("host", Some(app.user("host", Some(&elsewhere)).await.token));
    tokens.insert(
        "participant",
        Some(participant_user(app, &f, &pids[0]).await),
    );
    tokens.insert("library", Some(apps[0].library.token.clone()));
    tokens.insert("accountant", Some(accountant.token));
    tokens.insert("committee", Some(committee.token));
    tokens.insert("coordinator", Some(coordinator));
    tokens.insert("admin", Some(admin));
    World { tokens, ids }
}

/// The id a path parameter names in the world, by the collection it follows.
fn id_for(w: &World, collection: &str, param: &str) -> String {
    let key = match (collection, param) {
        ("projects", _) => "project",
        ("team", _) => "team_member",
        ("exports", _) => return "participants".into(),
        ("calls", _) => "call",
        ("mobilities", _) => "mobility",
        ("applications", _) => "application",
        ("participants", _) => "participant",
        ("organisations", _) => "organisation",
        ("users", _) => "user",
        ("agreements", _) => "agreement",
        ("costs", _) => "cost",
        ("tasks", _) => "task",
        ("meetings", _) => "meeting",
        ("workshops", _) => "workshop",
        ("practice-adoptions", _) => "adoption",
        ("documents", _) => "document",
        ("webhooks", _) => "webhook",
        ("api-tokens", _) => "api_token",
        ("calendar-feeds", _) => "calendar_feed",
        ("dissemination", _) => "dissemination",
        ("unit-cost-rates", _) => return "2025".into(),
        ("digital-stories", _) => "digital_story",
        ("media", _) => "media",
        ("deliveries", _) => "delivery",
        ("partners", _) => "partner",
        ("shared-documents", _) => "shared_document",
        // A feed's secret token: one that names nothing.
        ("calendar", _) => return uuid::Uuid::now_v7().to_string(),
        _ => panic!("no object in the world for {collection}/{{{param}}}"),
    };
    w.ids[key].clone()
}

fn fill_path(w: &World, template: &str) -> String {
    let mut out = Vec::new();
    let mut prev = "";
    for seg in template.split('/') {
        if let (Some(start), Some(end)) = (seg.find('{'), seg.find('}')) {
            let param = &seg[start + 1..end];
            out.push(format!(
                "{}{}{}",
                &seg[..start],
                id_for(w, prev, param),
                &seg[end + 1..]
            ));
        } else {
            out.push(seg.to_string());
        }
        prev = seg;
    }
    out.join("/")
}

/// The example body the document gives for the operation, a `workshop_id` in it naming the
/// world's heritage workshop.
fn example_body(w: &World, doc: &Value, op: &Value) -> Option<(String, Value)> {
    let content = op["requestBody"]["content"].as_object()?;
    let (ct, c) = content.iter().next()?;
    if ct != "application/json" {
        return Some((ct.clone(), Value::Null));
    }
    let mut ex = c["example"].clone();
    if ex.is_null() {
        ex = c["schema"]["example"].clone();
    }
    if ex.is_null()
        && let Some(r) = c["schema"]["$ref"].as_str()
    {
        ex = doc["components"]["schemas"][r.rsplit('/').next().unwrap()]["example"].clone();
    }
    if let Some(id) = ex.get_mut("workshop_id") {
        *id = json!(w.ids["heritage_workshop"]);
    }
    Some((ct.clone(), if ex.is_null() { json!({}) } else { ex }))
}

/// Creations and actions first (so that reads find what they make), then reads, then changes,
/// then deletions; withdrawals last, so that every role meets the application and participant
/// as selected.
fn order(method: &str, path: &str) -> u8 {
    match method {
        _ if path.ends_with("/withdraw") => 5,
        _ if path.ends_with("/logout") => 3,
        "post" | "put" => 0,
        "get" => 1,
        "patch" => 2,
        _ => 4,
    }
}

fn class(status: u16) -> &'static str {
    match status {
        401 => "401",
        403 => "403",
        404 => "404",
        _ => "ok",
    }
}

#[tokio::test]
async fn every_operation_answers_every_role_as_the_matrix_says() {
    // The login throttle would answer the login example's repeated wrong password with 429.
    let app = spawn_app_with(|s| {
        s.login_attempts_per_account = 1_000;
        s.login_attempts_per_address = 1_000;
    })
    .await;
    let w = world(&app).await;
    let doc = mobility_api::startup::openapi_spec();
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if matches!(method.as_str(), "get" | "post" | "put" | "patch" | "delete") {
                ops.push((
                    order(method, path),
                    op["operationId"].as_str().unwrap().to_string(),
                    method.clone(),
                    path.clone(),
                    op.clone(),
                ));
            }
        }
    }
    ops.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let declared: BTreeMap<&str, [&str; 8]> = MATRIX.iter().copied().collect();
    let record = std::env::var("MOBILITY_AUTHZ_RECORD").is_ok();
    let mut problems = Vec::new();
    let mut rows = Vec::new();
    for (_, id, method, template, op) in &ops {
        let path = fill_path(&w, template);
        let body = example_body(&w, &doc, op);
        let mut seen = [""; 8];
        for (i, role) in ROLES.iter().enumerate() {
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let mut req = app.req(m, &path, w.tokens[role].as_deref());
            // A change or deletion that passes the checks stops at its precondition (412), so
            // that every role meets the same objects.
            if matches!(method.as_str(), "patch" | "delete") {
                req = req.header("If-Match", "\"stale\"");
            }
            match &body {
                Some((ct, _)) if ct == "multipart/form-data" => {
                    let form = reqwest::multipart::Form::new().part(
                        "file",
                        reqwest::multipart::Part::bytes(scan_pdf("matrix"))
                            .file_name("matrix.pdf")
                            .mime_str("application/pdf")
                            .unwrap(),
                    );
                    req = req.multipart(form);
                }
                Some((ct, _)) if ct == "text/csv" => {
                    req = req.header("Content-Type", "text/csv").body(
                        "name,kind,country,city\nKnjižnica Matrika,member_library,SI,Kranj\n",
                    );
                }
                Some((_, json)) => req = req.json(json),
                None => {}
            }
            let status = req.send().await.unwrap().status().as_u16();
            seen[i] = class(status);
        }
        rows.push(format!(
            "    (\"{id}\", [{}]),",
            seen.iter()
                .map(|s| format!("\"{s}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        match declared.get(id.as_str()) {
            None => problems.push(format!(
                "{id} ({} {template}) is not in the matrix",
                method.to_uppercase()
            )),
            Some(want) if *want != seen => problems.push(format!(
                "{id} ({} {template}): declared {want:?}, answered {seen:?}",
                method.to_uppercase()
            )),
            Some(_) => {}
        }
    }
    for (id, _) in MATRIX {
        if !ops.iter().any(|o| o.1 == *id) {
            problems.push(format!("{id} is in the matrix but not in the document"));
        }
    }
    if record {
        println!("{}", rows.join("\n"));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
