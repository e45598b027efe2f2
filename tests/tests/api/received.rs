//! An application received by e-mail, keyed in with its scan and both signatures (and
//! submitted) in one request: all of it recorded, or nothing.

use super::applications::{body, fixture, scan_pdf};
use mobility_tests::*;
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

async fn received(
    app: &TestApp,
    call: &str,
    token: &str,
    application: &Value,
    signatures: &Value,
    pdf: Vec<u8>,
    submit: bool,
) -> reqwest::Response {
    let form = Form::new()
        .text("application", application.to_string())
        .text("signatures", signatures.to_string())
        .text("submit", submit.to_string())
        .part("file", Part::bytes(pdf).file_name("prijava.pdf"));
    app.req(
        Method::POST,
        &format!("/api/v1/calls/{call}/received-applications"),
        Some(token),
    )
    .multipart(form)
    .send()
    .await
    .unwrap()
}

fn both() -> Value {
    json!([
        {"signer_role": "participant", "signer_name": "Maja Kovač", "signed_at": "2025-11-06T10:00:00Z"},
        {"signer_role": "library_director", "signer_name": "Ana Novak", "signer_position": "direktorica"},
    ])
}

/// The applications a library has, by the coordinator's list.
async fn count_for(app: &TestApp, coordinator: &str, library: &str) -> u64 {
    let list: Value = app
        .get(
            &format!("/api/v1/applications?library_id={library}"),
            Some(coordinator),
        )
        .await
        .json()
        .await
        .unwrap();
    list["total"].as_u64().unwrap()
}

#[tokio::test]
async fn an_emailed_application_is_keyed_in_signed_and_submitted_in_one_request() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    app.set_time("2025-11-10T09:00:00Z");
    let coordinator = &f.coordinator.token;
    let mut b = body(&f.mobility_ids[1], "eposta@knjiznica.example");
    b["library_id"] = json!(f.library_id);
    b["received_at"] = json!("2025-11-07T18:12:00Z");

    let res = received(
        &app,
        &f.call_id,
        coordinator,
        &b,
        &both(),
        scan_pdf("e-mail"),
        true,
    )
    .await;
    assert_eq!(res.status(), 201);
    assert!(res.headers().contains_key("location"));
    let a: Value = res.json().await.unwrap();
    assert_eq!(a["received_via"], "email");
    assert_eq!(a["status"], "submitted");
    assert_eq!(a["submitted_at"], "2025-11-07T18:12:00Z");
    let id = a["id"].as_str().unwrap();
    let docs: Value = app
        .get(
            &format!("/api/v1/applications/{id}/documents"),
            Some(coordinator),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(docs["total"], 1);
    let sigs: Value = app
        .get(
            &format!("/api/v1/applications/{id}/signatures"),
            Some(coordinator),
        )
        .await
        .json()
        .await
        .unwrap();
    let sigs = sigs["items"].as_array().unwrap();
    assert_eq!(sigs.len(), 2);
    for s in sigs {
        assert_eq!(s["status"], "valid");
        assert_eq!(s["method"], "scanned_handwritten");
        assert_eq!(s["document_id"], docs["items"][0]["id"]);
        assert_eq!(s["content_sha256"], a["content_sha256"]);
    }
    assert!(
        sigs.iter()
            .any(|s| s["signer_name"] == "Maja Kovač" && s["signed_at"] == "2025-11-06T10:00:00Z")
    );
}

#[tokio::test]
async fn a_refused_part_records_nothing() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    app.set_time("2025-11-10T09:00:00Z");
    let coordinator = &f.coordinator.token;
    let library = app.create_org("Knjižnica Eposta", "member_library").await;
    let mut b = body(&f.mobility_ids[0], "eposta@knjiznica.example");
    b["library_id"] = json!(library);
    b["received_at"] = json!("2025-11-07T18:12:00Z");

    // Submitting without the director's signature: the draft, the scan and the one signature
    // are not kept either.
    let one = json!([{"signer_role": "participant", "signer_name": "Maja Kovač"}]);
    assert_problem(
        received(&app, &f.call_id, coordinator, &b, &one, scan_pdf("a"), true).await,
        422,
        "application.director_signature_missing",
    )
    .await;
    assert_eq!(count_for(&app, coordinator, &library).await, 0);
    // A signature dated after the e-mail with the signed scan arrived.
    let future = json!([{"signer_role": "participant", "signer_name": "Maja Kovač", "signed_at": "2025-12-01T00:00:00Z"}]);
    let p = assert_problem(
        received(
            &app,
            &f.call_id,
            coordinator,
            &b,
            &future,
            scan_pdf("b"),
            false,
        )
        .await,
        422,
        "validation.failed",
    )
    .await;
    assert_eq!(problem_fields(&p), vec!["signatures.0.signed_at"]);
    assert_eq!(count_for(&app, coordinator, &library).await, 0);
    // Not a PDF; the same role twice; an application that does not read.
    assert_problem(
        received(
            &app,
            &f.call_id,
            coordinator,
            &b,
            &both(),
            b"GIF89a".to_vec(),
            false,
        )
        .await,
        415,
        "document.not_pdf",
    )
    .await;
    let twice = json!([{"signer_role": "participant", "signer_name": "A"}, {"signer_role": "participant", "signer_name": "B"}]);
    let p = assert_problem(
        received(
            &app,
            &f.call_id,
            coordinator,
            &b,
            &twice,
            scan_pdf("c"),
            false,
        )
        .await,
        422,
        "validation.failed",
    )
    .await;
    assert_eq!(problem_fields(&p), vec!["signatures.1.signer_role"]);
    let p = assert_problem(
        received(
            &app,
            &f.call_id,
            coordinator,
            &json!({"mobility_id": 1}),
            &both(),
            scan_pdf("d"),
            false,
        )
        .await,
        422,
        "validation.failed",
    )
    .await;
    assert_eq!(problem_fields(&p), vec!["application"]);
    assert_eq!(count_for(&app, coordinator, &library).await, 0);
    // Without the scan, and with a `submit` that is neither true nor false.
    let no_file = Form::new()
        .text("application", b.to_string())
        .text("signatures", both().to_string());
    let path = format!("/api/v1/calls/{}/received-applications", f.call_id);
    assert_problem(
        app.req(Method::POST, &path, Some(coordinator))
            .multipart(no_file)
            .send()
            .await
            .unwrap(),
        422,
        "document.file_missing",
    )
    .await;
    let maybe = Form::new()
        .text("application", b.to_string())
        .text("signatures", both().to_string())
        .text("submit", "maybe")
        .part("file", Part::bytes(scan_pdf("m")).file_name("prijava.pdf"));
    let p = assert_problem(
        app.req(Method::POST, &path, Some(coordinator))
            .multipart(maybe)
            .send()
            .await
            .unwrap(),
        422,
        "validation.failed",
    )
    .await;
    assert_eq!(problem_fields(&p), vec!["submit"]);
    assert_eq!(count_for(&app, coordinator, &library).await, 0);
    // Only coordinators key in what came by e-mail.
    assert_problem(
        received(
            &app,
            &f.call_id,
            &f.library.token,
            &b,
            &both(),
            scan_pdf("e"),
            false,
        )
        .await,
        403,
        "auth.forbidden",
    )
    .await;
    // Nothing was left behind: the library's place for this mobility is free.
    let res = received(
        &app,
        &f.call_id,
        coordinator,
        &b,
        &both(),
        scan_pdf("f"),
        false,
    )
    .await;
    assert_eq!(res.status(), 201);
    let a: Value = res.json().await.unwrap();
    assert_eq!(a["status"], "draft");
    assert_eq!(count_for(&app, coordinator, &library).await, 1);
}
