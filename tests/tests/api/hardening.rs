//! Hostile input: files built to cost work, text that hides what it says, and the limits
//! that keep one caller from taking the service down.

use super::applications::{draft, fixture, upload};
use mobility_tests::*;

/// `%PDF-1.4` followed by signature dictionaries and no document structure: the shape that
/// made the old byte scan quadratic.
fn byte_range_flood(bytes: usize) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    while out.len() < bytes {
        out.extend_from_slice(b"<< /Type /Sig /ByteRange [0 1 2 3] /Contents <ab12> >>\n");
    }
    out
}

/// A structurally valid PDF with more objects than the work budget allows.
fn object_flood() -> Vec<u8> {
    let mut objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [] /Count 0 >>",
    ];
    objects.extend(std::iter::repeat_n(
        "null",
        mobility_api::pdf::MAX_OBJECTS + 10,
    ));
    mobility_api::pdf::build(&objects)
}

#[tokio::test]
async fn uploads_that_are_not_pdfs_by_structure_are_refused() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let id = draft(&app, &f).await["id"].as_str().unwrap().to_string();
    let t = &f.library.token;
    let html = b"<!-- %PDF-1.4 --><html><body><script>alert(1)</script></body></html>".to_vec();
    assert_problem(
        upload(&app, t, &id, "x.pdf", html).await,
        415,
        "document.not_pdf",
    )
    .await;
    let header_only = b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF\n".to_vec();
    assert_problem(
        upload(&app, t, &id, "x.pdf", header_only).await,
        415,
        "document.not_pdf",
    )
    .await;
    assert_problem(
        upload(&app, t, &id, "x.pdf", byte_range_flood(300_000)).await,
        415,
        "document.not_pdf",
    )
    .await;
    // Nothing was stored.
    let docs: serde_json::Value = app
        .get(&format!("/api/v1/applications/{id}/documents"), Some(t))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(docs["items"].as_array().unwrap().len(), 0, "{docs}");
}

#[tokio::test]
async fn a_pdf_beyond_the_work_budget_is_refused_with_its_code() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let id = draft(&app, &f).await["id"].as_str().unwrap().to_string();
    assert_problem(
        upload(&app, &f.library.token, &id, "many.pdf", object_flood()).await,
        422,
        "document.too_complex",
    )
    .await;
}

#[tokio::test]
async fn health_is_answered_while_four_hostile_uploads_run() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let id = draft(&app, &f).await["id"].as_str().unwrap().to_string();
    let flood = byte_range_flood(8 * 1024 * 1024);
    let mut uploads = Vec::new();
    for _ in 0..4 {
        let (base, token, id, bytes) = (
            app.url(""),
            f.library.token.clone(),
            id.clone(),
            flood.clone(),
        );
        uploads.push(tokio::spawn(async move {
            let form = reqwest::multipart::Form::new().part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name("flood.pdf"),
            );
            reqwest::Client::new()
                .post(format!("{base}/api/v1/applications/{id}/documents"))
                .bearer_auth(token)
                .multipart(form)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    // Health is asked for as long as any upload is still running; every answer is 200, and
    // at least one comes while they all still run.
    let mut answered_during = 0;
    while uploads.iter().any(|u| !u.is_finished()) {
        let all_running = uploads.iter().all(|u| !u.is_finished());
        let res = app.get("/health/live", None).await;
        assert_eq!(res.status(), 200);
        if all_running && uploads.iter().all(|u| !u.is_finished()) {
            answered_during += 1;
        }
    }
    assert!(
        answered_during > 0,
        "no health answer while the uploads ran"
    );
    for u in uploads {
        assert_eq!(u.await.unwrap(), 415);
    }
}

async fn login_status(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    app.login_response(email, password).await
}

#[tokio::test]
async fn failed_logins_are_throttled_per_account_alike_for_unknown_accounts() {
    let app = spawn_app_with(|s| {
        s.login_attempts_per_account = 3;
        s.login_account_refill_seconds = 120;
    })
    .await;
    let user = app.user("coordinator", None).await;
    for email in [user.email.as_str(), "nobody@nowhere.example"] {
        for _ in 0..3 {
            let res = login_status(&app, email, "wrong password").await;
            assert_problem(res, 401, "auth.invalid_credentials").await;
        }
        // Now even the right password waits: an attacker learns nothing more.
        let res = login_status(&app, email, PASSWORD).await;
        assert_eq!(res.headers()["retry-after"], "120", "{email}");
        assert_problem(res, 429, "auth.too_many_attempts").await;
    }
    // Another account from the same address is not held back.
    let other = app.user("coordinator", None).await;
    assert_eq!(
        login_status(&app, &other.email, PASSWORD).await.status(),
        200
    );
}

#[tokio::test]
async fn failed_logins_are_throttled_per_address_but_api_tokens_are_not() {
    let app = spawn_app_with(|s| {
        s.login_attempts_per_address = 4;
        s.login_address_refill_seconds = 30;
    })
    .await;
    let f = fixture(&app).await;
    let issued: serde_json::Value = app
        .post(
            "/api/v1/api-tokens",
            Some(&f.coordinator.token),
            &serde_json::json!({"name": "sync", "role": "library", "organisation_id": f.library_id, "expires_in_days": 30}),
        )
        .await
        .json()
        .await
        .unwrap();
    let api_token = issued["token"].as_str().unwrap();
    for i in 0..4 {
        let res = login_status(&app, &format!("guess{i}@x.example"), "wrong").await;
        assert_eq!(res.status(), 401);
    }
    let res = login_status(&app, "guess9@x.example", "wrong").await;
    assert_eq!(res.headers()["retry-after"], "30");
    assert_problem(res, 429, "auth.too_many_attempts").await;
    // The library system's token keeps working from the same address.
    assert_eq!(
        app.get("/api/v1/auth/me", Some(api_token)).await.status(),
        200
    );
}

async fn login_pair(app: &TestApp, email: &str) -> (String, String) {
    let body: serde_json::Value = login_status(app, email, PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    (
        body["access_token"].as_str().unwrap().to_string(),
        body["refresh_token"].as_str().unwrap().to_string(),
    )
}

#[tokio::test]
async fn logout_ends_the_access_token_at_once_and_other_logins_go_on() {
    let app = spawn_app().await;
    let user = app.user("coordinator", None).await;
    let (access, refresh) = login_pair(&app, &user.email).await;
    assert_eq!(
        app.get("/api/v1/auth/me", Some(&access)).await.status(),
        200
    );
    let res = app
        .post(
            "/api/v1/auth/logout",
            None,
            &serde_json::json!({"refresh_token": refresh}),
        )
        .await;
    assert_eq!(res.status(), 204);
    assert_problem(
        app.get("/api/v1/auth/me", Some(&access)).await,
        401,
        "auth.invalid_token",
    )
    .await;
    // The login the test user was made with is another one: it goes on.
    assert_eq!(
        app.get("/api/v1/auth/me", Some(&user.token)).await.status(),
        200
    );
    // A refreshed pair of a live login works; the refresh does not end the login.
    let (access2, refresh2) = login_pair(&app, &user.email).await;
    let refreshed: serde_json::Value = app
        .post(
            "/api/v1/auth/refresh",
            None,
            &serde_json::json!({"refresh_token": refresh2}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        app.get("/api/v1/auth/me", Some(&access2)).await.status(),
        200
    );
    let access3 = refreshed["access_token"].as_str().unwrap();
    assert_eq!(
        app.get("/api/v1/auth/me", Some(access3)).await.status(),
        200
    );
}

#[tokio::test]
async fn a_logout_on_one_instance_ends_the_token_on_another() {
    let a = spawn_app().await;
    let (dir, url) = (a.settings.data_dir.clone(), a.settings.database_url.clone());
    let b = spawn_app_with(move |s| {
        s.data_dir = dir;
        s.database_url = url;
    })
    .await;
    let user = a.user("coordinator", None).await;
    let (access, refresh) = login_pair(&a, &user.email).await;
    assert_eq!(b.get("/api/v1/auth/me", Some(&access)).await.status(), 200);
    let res = b
        .post(
            "/api/v1/auth/logout",
            None,
            &serde_json::json!({"refresh_token": refresh}),
        )
        .await;
    assert_eq!(res.status(), 204);
    assert_problem(
        a.get("/api/v1/auth/me", Some(&access)).await,
        401,
        "auth.invalid_token",
    )
    .await;
    // Deactivation on one instance ends the user's tokens on the other as well.
    let admin = b.admin_token().await;
    let res = b
        .patch(
            &format!("/api/v1/users/{}", user.id),
            Some(&admin),
            &serde_json::json!({"active": false}),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_problem(
        a.get("/api/v1/auth/me", Some(&user.token)).await,
        401,
        "auth.invalid_token",
    )
    .await;
}

#[tokio::test]
async fn hidden_characters_are_refused() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    // Unauthenticated, a NUL in the e-mail: a 422 naming the field, not a 500.
    let res = app
        .post(
            "/api/v1/auth/login",
            None,
            &serde_json::json!({"email": "a\u{0}@x.org", "password": "x"}),
        )
        .await;
    let body = assert_problem(res, 422, "validation.failed").await;
    assert_eq!(body["errors"][0]["field"], "email");
    assert_eq!(body["errors"][0]["code"], "control_character");
    for name in ["Knji\u{0}žnica", "Knjižnica\u{0}"] {
        let res = app
            .post(
                "/api/v1/organisations",
                Some(&admin),
                &serde_json::json!({"name": name, "kind": "member_library", "country": "SI", "city": "Kranj"}),
            )
            .await;
        let body = assert_problem(res, 422, "validation.failed").await;
        assert_eq!(body["errors"][0]["field"], "name", "{name:?}");
    }
    // Names and other text fields refuse other control characters and bidirectional
    // overrides too, as their pattern in the document says.
    for (name, code) in [
        ("Knjižnica\u{7}", "control_character"),
        ("Knjižnica \u{202e}acinžijnK", "bidi_control"),
        ("\u{2066}Knjižnica\u{2069}", "bidi_control"),
    ] {
        let res = app
            .post(
                "/api/v1/organisations",
                Some(&admin),
                &serde_json::json!({"name": name, "kind": "member_library", "country": "SI", "city": "Kranj"}),
            )
            .await;
        let body = assert_problem(res, 422, "validation.failed").await;
        assert_eq!(body["errors"][0]["field"], "name", "{name:?}");
        assert_eq!(body["errors"][0]["code"], code, "{name:?}");
    }
    // Zero-width characters only are as blank as white space.
    let res = app
        .post(
            "/api/v1/organisations",
            Some(&admin),
            &serde_json::json!({"name": "\u{200b}\u{200c}\u{feff}", "kind": "member_library", "country": "SI", "city": "Kranj"}),
        )
        .await;
    assert_problem(res, 422, "validation.failed").await;
    // Query parameters too.
    let res = app
        .get("/api/v1/audit-log?object_type=a%00b", Some(&admin))
        .await;
    let body = assert_problem(res, 400, "request.invalid_query").await;
    assert_eq!(body["errors"][0]["code"], "control_character");
    // Line breaks and tabs stay allowed in text.
    let f = fixture(&app).await;
    let id = draft(&app, &f).await["id"].as_str().unwrap().to_string();
    let res = app
        .patch(
            &format!("/api/v1/applications/{id}"),
            Some(&f.library.token),
            &serde_json::json!({"motivation": "Prva vrstica.\n\tDruga vrstica.\r\nTretja."}),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn web_addresses_are_http_or_https_only() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    for bad in [
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "https://",
        "https://knjiznica\u{12}.si",
    ] {
        let res = app
            .post(
                "/api/v1/organisations",
                Some(&admin),
                &serde_json::json!({"name": format!("K {}", uuid::Uuid::now_v7()), "kind": "partner", "country": "SI", "website": bad}),
            )
            .await;
        let body = assert_problem(res, 422, "validation.failed").await;
        assert_eq!(body["errors"][0]["field"], "website", "{bad}");
    }
}

#[tokio::test]
async fn null_for_a_field_that_cannot_be_cleared_is_refused() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let app_json = draft(&app, &f).await;
    let id = app_json["id"].as_str().unwrap();
    let path = format!("/api/v1/applications/{id}");
    let res = app
        .patch(
            &path,
            Some(&f.library.token),
            &serde_json::json!({"motivation": null}),
            None,
        )
        .await;
    let body = assert_problem(res, 400, "request.invalid_json").await;
    assert_eq!(body["errors"][0]["field"], "motivation");
    assert_eq!(body["errors"][0]["code"], "null");
    // A field that can be cleared still can.
    let res = app
        .patch(
            &path,
            Some(&f.library.token),
            &serde_json::json!({"fewer_opportunities_note": null}),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    let after: serde_json::Value = res.json().await.unwrap();
    assert!(after["fewer_opportunities_note"].is_null());
    assert_eq!(after["motivation"], app_json["motivation"]);
}

/// Submitting checks the signatures and then changes the status; an edit that voids the
/// signatures must not slip in between (a row lock on PostgreSQL). Either the submission wins
/// and the edit finds a submitted application, or the edit wins and the submission finds the
/// signatures gone; never both.
#[tokio::test]
async fn a_submission_and_an_edit_at_once_never_both_succeed() {
    let app = spawn_app().await;
    for round in 0..6 {
        let f = fixture(&app).await;
        let id = draft(&app, &f).await["id"].as_str().unwrap().to_string();
        super::applications::sign_both(&app, &f.library.token, &id).await;
        let (submit_path, edit_path) = (
            format!("/api/v1/applications/{id}/submit"),
            format!("/api/v1/applications/{id}"),
        );
        let (empty, change) = (
            serde_json::json!({}),
            serde_json::json!({"motivation": format!("Spremenjena motivacija {round}.")}),
        );
        let submit = app.post(&submit_path, Some(&f.library.token), &empty);
        let edit = app.patch(&edit_path, Some(&f.library.token), &change, None);
        let (s, e) = tokio::join!(submit, edit);
        let (s, e) = (s.status().as_u16(), e.status().as_u16());
        assert!(
            (s == 200 && e == 409) || (s == 422 && e == 200),
            "round {round}: submit {s}, edit {e}"
        );
    }
}

#[tokio::test]
async fn a_password_change_ends_the_other_logins_but_not_its_own() {
    let app = spawn_app().await;
    let user = app.user("coordinator", None).await;
    let (here, _) = login_pair(&app, &user.email).await;
    let (elsewhere, _) = login_pair(&app, &user.email).await;
    let res = app
        .patch(
            &format!("/api/v1/users/{}", user.id),
            Some(&here),
            &serde_json::json!({"password": "another-long-password", "current_password": PASSWORD}),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(app.get("/api/v1/auth/me", Some(&here)).await.status(), 200);
    assert_problem(
        app.get("/api/v1/auth/me", Some(&elsewhere)).await,
        401,
        "auth.invalid_token",
    )
    .await;
}

/// Two finalisations of one mobility at once: one decides, the other finds it decided, and
/// the places are filled once.
#[tokio::test]
async fn two_finalisations_at_once_decide_once() {
    use super::selection::{finalise, scored};
    let app = spawn_app().await;
    let f = fixture(&app).await;
    scored(&app, &f, &[false, false, false], 2).await;
    let (a, b) = tokio::join!(finalise(&app, &f), finalise(&app, &f));
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 409]);
    let list: serde_json::Value = app
        .get(
            &format!("/api/v1/mobilities/{}/participants", f.mobility_ids[0]),
            Some(&f.coordinator.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
}

/// The same party signing the same version twice at once: one signature (200), one 409.
#[tokio::test]
async fn two_signatures_of_one_party_at_once_make_one() {
    use super::preparation::selected;
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let (pids, apps) = selected(&app, &f, 1).await;
    let res = app
        .post(
            &format!("/api/v1/participants/{}/agreements", pids[0]),
            Some(&f.coordinator.token),
            &serde_json::json!({"kind": "grant"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let a: serde_json::Value = res.json().await.unwrap();
    let path = format!(
        "/api/v1/agreements/{}/signatures",
        a["id"].as_str().unwrap()
    );
    let body = serde_json::json!({"party": "library", "method": "in_app", "version": a["version"], "document_sha256": a["document_sha256"], "confirm": true});
    let token = &apps[0].library.token;
    let (x, y) = tokio::join!(
        app.post(&path, Some(token), &body),
        app.post(&path, Some(token), &body)
    );
    let mut statuses = [x.status().as_u16(), y.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 409]);
}

/// A host sees that and when a participant withdrew, not why; the library and coordinators do.
#[tokio::test]
async fn the_host_does_not_read_why_a_participant_withdrew() {
    use super::preparation::selected;
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let (pids, apps) = selected(&app, &f, 1).await;
    let mobility: serde_json::Value = app
        .get(&format!("/api/v1/mobilities/{}", f.mobility_ids[0]), None)
        .await
        .json()
        .await
        .unwrap();
    let host = app
        .user(
            "host",
            Some(mobility["host_organisation_id"].as_str().unwrap()),
        )
        .await;
    let res = app
        .post(
            &format!("/api/v1/participants/{}/withdraw", pids[0]),
            Some(&f.coordinator.token),
            &serde_json::json!({"reason": "Zdravstveni razlogi."}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let path = format!("/api/v1/participants/{}", pids[0]);
    let seen = |token: String| {
        let app = &app;
        let path = path.clone();
        async move {
            let p: serde_json::Value = app.get(&path, Some(&token)).await.json().await.unwrap();
            assert_eq!(p["status"], "withdrawn", "{p}");
            p["withdrawal_reason"].clone()
        }
    };
    assert!(seen(host.token.clone()).await.is_null());
    assert_eq!(
        seen(apps[0].library.token.clone()).await,
        "Zdravstveni razlogi."
    );
    assert_eq!(
        seen(f.coordinator.token.clone()).await,
        "Zdravstveni razlogi."
    );
    let list: serde_json::Value = app
        .get(
            &format!("/api/v1/mobilities/{}/participants", f.mobility_ids[0]),
            Some(&host.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(list["items"][0]["withdrawal_reason"].is_null(), "{list}");
}
