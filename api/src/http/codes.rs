//! Every problem `code` the API returns, with its status and meaning: published in the
//! OpenAPI document (`ProblemCode`) and in the README, so that a client can translate errors by
//! code. A test reads the source and fails when a code is returned that is not listed here.
//!
//! Longer than 600 lines: one catalogue entry per code, read as one table; split, a reader
//! would search several files for one code.

/// `(code, HTTP status, meaning)`.
pub const CODES: &[(&str, u16, &str)] = &[
    // The request itself
    (
        "request.invalid_json",
        400,
        "The body is not JSON, or not the operation's shape; `errors` names a missing or unknown field",
    ),
    (
        "request.invalid_query",
        400,
        "A query parameter has a wrong type or value; `errors` names it",
    ),
    (
        "request.invalid_path",
        400,
        "A path parameter is malformed (e.g. not a UUID)",
    ),
    (
        "request.invalid_header",
        400,
        "A header is malformed (e.g. `If-Match`)",
    ),
    (
        "request.invalid_multipart",
        400,
        "The multipart body cannot be read, or has too many parts",
    ),
    (
        "request.unknown_parameter",
        400,
        "A query parameter the operation does not take; `errors` names it",
    ),
    (
        "request.invalid_sort",
        400,
        "A `sort` field the collection does not offer",
    ),
    (
        "request.invalid_cursor",
        400,
        "A `cursor` that this collection did not give, or `cursor` with `page` or `sort`",
    ),
    ("request.invalid", 400, "The request cannot be read"),
    ("request.route_not_found", 404, "No such route"),
    (
        "request.origin_not_allowed",
        403,
        "A cross-origin request from an origin the server does not allow (`MOBILITY_CORS_ORIGINS`)",
    ),
    (
        "idempotency.key_reused",
        422,
        "The `Idempotency-Key` was used for another request: use a new key",
    ),
    (
        "idempotency.in_progress",
        409,
        "A request with this `Idempotency-Key` is still running: retry after `Retry-After`",
    ),
    (
        "request.method_not_allowed",
        405,
        "The path exists but not with this method; `Allow` lists those it has",
    ),
    (
        "request.timeout",
        408,
        "The request took too long to arrive",
    ),
    (
        "request.precondition_failed",
        412,
        "`If-Match` does not match the current `ETag`: read the resource again",
    ),
    (
        "request.too_large",
        413,
        "The body is larger than the operation accepts",
    ),
    (
        "request.unsupported_media_type",
        415,
        "Wrong `Content-Type`: JSON operations take `application/json`, uploads `multipart/form-data`",
    ),
    ("request.error", 400, "Any other request error"),
    (
        "validation.failed",
        422,
        "Fields break their rules; `errors` has one entry per field",
    ),
    (
        "internal",
        500,
        "An internal error; logged with the request id",
    ),
    (
        "health.database_unavailable",
        503,
        "The database does not answer",
    ),
    // Authentication and access
    ("auth.missing_token", 401, "No bearer token"),
    ("auth.invalid_token", 401, "The bearer token is not valid"),
    (
        "auth.token_expired",
        401,
        "The access token has expired: refresh it",
    ),
    (
        "auth.invalid_credentials",
        401,
        "Wrong e-mail or password, or an inactive user",
    ),
    (
        "auth.too_many_attempts",
        429,
        "Too many failed logins for this account or from this address; retry after `Retry-After` seconds",
    ),
    (
        "auth.invalid_refresh_token",
        401,
        "The refresh token is unknown, used, expired or revoked",
    ),
    ("auth.forbidden", 403, "The caller's role may not do this"),
    // Records in general
    (
        "resource.duplicate",
        409,
        "A record with the same unique value exists",
    ),
    (
        "resource.in_use",
        409,
        "Other records still refer to this one",
    ),
    (
        "agreement.not_found",
        404,
        "No such agreement, or not visible to the caller",
    ),
    (
        "application.not_found",
        404,
        "No such application, or not visible to the caller",
    ),
    (
        "call.not_found",
        404,
        "No such call, or a draft the caller may not see",
    ),
    (
        "calendar_feed.not_found",
        404,
        "No such calendar feed of the caller, or its token is unknown or revoked",
    ),
    (
        "events.cursor_expired",
        410,
        "The cursor is older than the events kept; list the objects again and continue from `after=now`",
    ),
    (
        "meeting.cancelled",
        409,
        "The meeting has been cancelled; it cannot be changed or attended",
    ),
    (
        "webhook.not_found",
        404,
        "No such webhook endpoint of the caller",
    ),
    (
        "delivery.not_found",
        404,
        "No such delivery of this webhook endpoint",
    ),
    (
        "api_token.not_found",
        404,
        "No such API token issued by the caller, or it is already revoked",
    ),
    ("cost.not_found", 404, "No such cost"),
    (
        "digital_story.not_found",
        404,
        "No such digital story, or not visible to the caller",
    ),
    (
        "dissemination.not_found",
        404,
        "No such dissemination item, or not visible to the caller",
    ),
    (
        "document.not_found",
        404,
        "No such document, or not visible to the caller",
    ),
    (
        "europass.not_found",
        404,
        "The participant has no Europass Mobility record yet",
    ),
    ("export.not_found", 404, "No such export"),
    ("media.not_found", 404, "No such media item of this story"),
    (
        "meeting.not_found",
        404,
        "No such meeting, or not visible to the caller",
    ),
    ("mobility.not_found", 404, "No such mobility"),
    ("organisation.not_found", 404, "No such organisation"),
    (
        "participant.not_found",
        404,
        "No such participant, or not visible to the caller",
    ),
    (
        "planned_content.not_found",
        404,
        "The workshop has no planned-content document",
    ),
    (
        "practice_adoption.not_found",
        404,
        "No such practice adoption, or not visible to the caller",
    ),
    (
        "personal_data.not_found",
        404,
        "Nothing is held about this e-mail address",
    ),
    ("project.not_found", 404, "No such project"),
    ("report.not_found", 404, "The participant has no report yet"),
    ("score.not_found", 404, "No score of this member"),
    (
        "task.not_found",
        404,
        "No such task, or not visible to the caller",
    ),
    ("team_member.not_found", 404, "No such team member"),
    ("partner.not_found", 404, "No such partner of this project"),
    (
        "shared_document.not_found",
        404,
        "No such shared document, or not shared with the caller",
    ),
    (
        "shared_document_version.not_found",
        404,
        "The shared document has no such version",
    ),
    (
        "sustainability.not_found",
        404,
        "No sustainability record for this participant yet",
    ),
    ("travel_details.not_found", 404, "No travel details yet"),
    (
        "unit_cost_rates.not_found",
        404,
        "No unit-cost rates for that year",
    ),
    ("user.not_found", 404, "No such user"),
    (
        "workshop.not_found",
        404,
        "No such workshop, or not visible to the caller",
    ),
    // Users, organisations, projects, mobilities, calls
    ("user.email_taken", 409, "Another user has this e-mail"),
    (
        "user.in_use",
        409,
        "The user is referred to and cannot be deleted; deactivate instead",
    ),
    (
        "user.self_change",
        403,
        "Nobody deactivates, demotes or deletes their own account; another admin does",
    ),
    (
        "user.last_admin",
        409,
        "The last active admin cannot be removed, demoted or deactivated",
    ),
    (
        "organisation.duplicate",
        409,
        "An organisation with this name or code exists",
    ),
    ("import.invalid_encoding", 400, "The CSV is not UTF-8"),
    (
        "import.invalid_header",
        422,
        "The CSV header lacks a required column",
    ),
    ("import.empty", 422, "The CSV has no rows"),
    (
        "import.too_large",
        422,
        "The CSV needs more work to read than one request is allowed",
    ),
    ("project.code_taken", 409, "Another project has this code"),
    (
        "team.duplicate",
        409,
        "The user is already in the project team with this function",
    ),
    (
        "partner.duplicate",
        409,
        "The organisation is already a partner of this project",
    ),
    (
        "shared_document.link",
        409,
        "This version of the shared document is a link, not a file to download",
    ),
    (
        "shared_document.file_or_link",
        422,
        "A shared document's version is exactly one of a file and a link",
    ),
    (
        "mobility.code_taken",
        409,
        "Another mobility of the project has this code",
    ),
    (
        "call.title_taken",
        409,
        "Another call of the project has this title",
    ),
    (
        "call.invalid_transition",
        409,
        "The call is not in a state that allows this",
    ),
    ("call.closed", 409, "The call is closed"),
    (
        "call.not_draft",
        409,
        "Only a draft call's mobilities can change",
    ),
    (
        "call.no_mobilities",
        422,
        "A call needs at least one mobility to be published",
    ),
    // Applications and documents
    (
        "application.duplicate",
        409,
        "The library already has an active application for this mobility",
    ),
    (
        "application.locked",
        409,
        "A submitted, selected or withdrawn application cannot change",
    ),
    (
        "application.withdraw_not_allowed",
        409,
        "The application can no longer be withdrawn",
    ),
    ("application.call_not_open", 422, "The call is not open"),
    (
        "application.deadline_passed",
        422,
        "The deadline (a whole day in Europe/Ljubljana) has passed",
    ),
    (
        "application.mobility_not_in_call",
        422,
        "The mobility is not covered by the call",
    ),
    (
        "application.not_member_library",
        422,
        "The organisation is not a member library",
    ),
    (
        "application.participant_signature_missing",
        422,
        "The participant has not signed",
    ),
    (
        "application.director_signature_missing",
        422,
        "The library director has not signed",
    ),
    (
        "document.file_missing",
        422,
        "The multipart body has no part named `file`",
    ),
    (
        "document.too_large",
        413,
        "The file is larger than the upload limit",
    ),
    (
        "document.not_pdf",
        415,
        "The file is not a PDF (checked by its structure, read with a PDF parser)",
    ),
    (
        "document.too_complex",
        422,
        "The PDF needs more work to read than one upload is allowed (too many objects, a stream that inflates too far, or too long to parse)",
    ),
    (
        "service.busy",
        503,
        "Every core is busy with heavy requests (PDF checks, rendering); retry after `Retry-After` seconds",
    ),
    (
        "document.unsupported_type",
        415,
        "The file is not of an accepted type (checked by its content)",
    ),
    (
        "signature.document_required",
        422,
        "This signature method needs an uploaded document",
    ),
    (
        "signature.not_digitally_signed",
        422,
        "The PDF holds no digital signature",
    ),
    (
        "signature.signer_mismatch",
        422,
        "No verified digital signature in the PDF has a certificate naming the signer",
    ),
    (
        "signature.other_document",
        422,
        "The digitally signed PDF is not the agreement version's own document",
    ),
    (
        "signature.same_pdf_signature",
        422,
        "The only PDF signature naming the signer already stands for the other signer",
    ),
    // Selection
    (
        "selection.no_committee",
        409,
        "The call has no committee yet",
    ),
    (
        "selection.criteria_locked",
        409,
        "Criteria and settings lock at the first score",
    ),
    (
        "selection.scoring_not_open",
        409,
        "Scoring opens after the deadline",
    ),
    (
        "selection.not_submitted",
        409,
        "Only submitted applications are scored",
    ),
    ("selection.final", 409, "The selection is final"),
    (
        "selection.already_final",
        409,
        "The selection has already been finalised",
    ),
    (
        "selection.incomplete",
        409,
        "An application lacks its quorum of scores",
    ),
    (
        "selection.not_committee_member",
        403,
        "The caller does not sit on this call's committee",
    ),
    (
        "selection.conflict_of_interest",
        403,
        "The member declared a conflict or belongs to the applying library",
    ),
    (
        "selection.scoring_incomplete",
        403,
        "The ranking opens to a member who has scored everything they can",
    ),
    (
        "selection.no_call",
        422,
        "No published call covers the mobility, or several do and `call_id` is missing or wrong",
    ),
    (
        "participant.already_withdrawn",
        409,
        "The participant has already withdrawn",
    ),
    (
        "participant.mobility_started",
        409,
        "The mobility has started",
    ),
    (
        "participant.invalid_transition",
        409,
        "The participant is not in a state that allows this",
    ),
    (
        "participant.mobility_not_started",
        409,
        "The mobility has not begun: a return comes after its first day",
    ),
    // Agreements, preparation
    (
        "agreement.exists",
        409,
        "The participant already has this agreement",
    ),
    (
        "agreement.already_signed",
        409,
        "This party has already signed this version",
    ),
    (
        "agreement.stale_version",
        409,
        "A newer version exists: sign that one",
    ),
    (
        "agreement.superseded",
        409,
        "The version has been superseded",
    ),
    (
        "agreement.busy",
        409,
        "The agreement kept changing while its document was prepared: try again",
    ),
    (
        "agreement.unknown_party",
        422,
        "Not a party to this agreement",
    ),
    (
        "agreement.confirmation_required",
        422,
        "An in-app signature needs `confirm: true`",
    ),
    (
        "task.automatic",
        409,
        "This task closes itself when its record is complete",
    ),
    // After the mobility
    (
        "questionnaire.not_open",
        409,
        "The questionnaire opens after the mobility",
    ),
    (
        "questionnaire.locked",
        409,
        "The questionnaire has answers and can no longer change",
    ),
    (
        "questionnaire.already_answered",
        409,
        "The participant has already answered",
    ),
    (
        "report.not_open",
        409,
        "The report opens after the mobility",
    ),
    ("report.submitted", 409, "The report has been submitted"),
    (
        "workshop.duplicate",
        409,
        "The library already has a workshop for this mobility",
    ),
    (
        "workshop.not_held",
        409,
        "The workshop has not been held yet",
    ),
    (
        "workshop.library_not_participating",
        422,
        "The library has no active participant in the mobility",
    ),
    ("story.published", 409, "A published story cannot change"),
    (
        "story.invalid_transition",
        409,
        "The story is not in a state that allows this",
    ),
    (
        "story.consent_missing",
        422,
        "A named contributor lacks consent or a licence",
    ),
    (
        "story.media_licence_missing",
        422,
        "A media item lacks a licence",
    ),
    (
        "story.not_heritage_workshop",
        422,
        "Digital stories come from heritage workshops",
    ),
    (
        "practice.duplicate",
        409,
        "The library already has a practice adoption for this mobility",
    ),
    (
        "practice.invalid_transition",
        409,
        "The adoption is not in a state that allows this",
    ),
    (
        "practice.library_not_participating",
        422,
        "The library has no active participant in the mobility",
    ),
];

/// The status of a code, if it is in the catalogue.
pub fn status_of(code: &str) -> Option<u16> {
    CODES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, s, _)| *s)
}

/// The meaning of a code, if it is in the catalogue.
pub fn meaning_of(code: &str) -> Option<&'static str> {
    CODES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, _, m)| *m)
}

#[cfg(test)]
mod tests {
    use super::CODES;
    use std::collections::BTreeSet;

    /// String literals in the source that look like codes but are file names, field paths or
    /// notification kinds.
    const NOT_CODES: &[&str] = &[
        "mobility.toml",
        "mobility.db",
        "manifest.json",
        "story.json",
        "kamra.si",
        "document.pdf",
        "hidden.pdf",
        "passwd.pdf",
        "applicant.full_name",
        "applicant.email",
        "applicant.job_title",
        "applicant.adult_education_role",
        "applicant.years_in_adult_education",
        "selection.selected",
        "selection.reserve",
        // Outbox message kinds and attachment names.
        "agreement.ready",
        "application.received",
        "committee.scoring_open",
        "meeting.invitation",
        "reminder.obligation_due",
        "reminder.obligation_overdue",
        "reminder.signature_missing",
        "meeting.ics",
        "srecanje.ics",
        "selection.rejected",
        "selection.promoted",
    ];

    fn source_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                source_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// Every code the source can return: `"a.b"` literals and `not_found("x")` calls.
    fn codes_in_source() -> BTreeSet<String> {
        let mut files = Vec::new();
        source_files(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut files,
        );
        let mut found = BTreeSet::new();
        for f in files {
            // The catalogue itself, and the source-tree checks (file names, not codes).
            // Event type names (`application.submitted`) look like codes but are not.
            if f.ends_with("codes.rs") || f.ends_with("layout.rs") || f.ends_with("events/types.rs")
            {
                continue;
            }
            let text = std::fs::read_to_string(&f).unwrap();
            for piece in text.split('"').skip(1).step_by(2) {
                let mut parts = piece.split('.');
                let (Some(a), Some(b), None) = (parts.next(), parts.next(), parts.next()) else {
                    continue;
                };
                let word = |s: &str| {
                    !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                };
                // Event type names (`application.submitted`) look like codes but are not.
                let event = crate::events::EventType::parse(piece).is_some();
                if word(a) && word(b) && !NOT_CODES.contains(&piece) && !event {
                    found.insert(piece.to_string());
                }
            }
            for piece in text.split("not_found(\"").skip(1) {
                if let Some(what) = piece.split('"').next() {
                    found.insert(format!("{what}.not_found"));
                }
            }
        }
        found
    }

    #[test]
    fn every_code_the_source_returns_is_in_the_catalogue() {
        let listed: BTreeSet<&str> = CODES.iter().map(|(c, _, _)| *c).collect();
        let missing: Vec<String> = codes_in_source()
            .into_iter()
            .filter(|c| !listed.contains(c.as_str()))
            .collect();
        assert!(
            missing.is_empty(),
            "codes missing from the catalogue: {missing:?}"
        );
    }

    #[test]
    fn codes_are_unique_and_statuses_are_errors() {
        let mut seen = BTreeSet::new();
        for (code, status, meaning) in CODES {
            assert!(seen.insert(*code), "{code} listed twice");
            assert!((400..600).contains(status), "{code}: {status}");
            assert!(!meaning.is_empty());
        }
    }

    #[test]
    fn the_readme_lists_every_code() {
        let readme = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md"),
        )
        .unwrap();
        let missing: Vec<&str> = CODES
            .iter()
            .map(|(c, _, _)| *c)
            .filter(|c| !readme.contains(&format!("| `{c}` |")))
            .collect();
        assert!(missing.is_empty(), "README lacks codes: {missing:?}");
    }
}
