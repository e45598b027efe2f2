//! Shared documents: links and files in versions, seen by the participants, libraries and
//! hosts of the mobility (or project) they are shared with, listed in their overview.

use super::applications::{fixture, scan_pdf};
use super::preparation::{participant_user, selected};
use mobility_tests::*;
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

async fn form(app: &TestApp, token: &str, path: &str, form: Form) -> reqwest::Response {
    app.req(Method::POST, path, Some(token))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

fn file(name: &str, bytes: Vec<u8>) -> Part {
    Part::bytes(bytes).file_name(name.to_string())
}

async fn titles(app: &TestApp, project: &str, token: &str) -> Vec<String> {
    let list: Value = app
        .get(
            &format!("/api/v1/projects/{project}/shared-documents"),
            Some(token),
        )
        .await
        .json()
        .await
        .unwrap();
    let mut out: Vec<String> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["title"].as_str().unwrap().to_string())
        .collect();
    out.sort();
    out
}

async fn host_of(app: &TestApp, mobility: &str) -> TestUser {
    let m: Value = app
        .get(&format!("/api/v1/mobilities/{mobility}"), None)
        .await
        .json()
        .await
        .unwrap();
    app.user("host", m["host_organisation_id"].as_str()).await
}

#[tokio::test]
async fn shared_documents_reach_those_taking_part_in_versions() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let project = app.zsk_project().await["id"].as_str().unwrap().to_string();
    let (pids, apps) = selected(&app, &f, 1).await;
    let petra = participant_user(&app, &f, &pids[0]).await;
    let host = host_of(&app, &f.mobility_ids[0]).await;
    let other_host = host_of(&app, &f.mobility_ids[1]).await;
    let committee = app.user("committee", None).await;
    let coordinator = &f.coordinator.token;
    let list = format!("/api/v1/projects/{project}/shared-documents");

    // A link for the whole project, as JSON.
    let res = app
        .post(&list, Some(coordinator), &json!({"title": "DTFL priročnik", "category": "handbook", "url": "https://example.org/dtfl.pdf", "note": "Javna različica."}))
        .await;
    assert_eq!(res.status(), 201);
    let handbook: Value = res.json().await.unwrap();
    assert_eq!(handbook["current_version"], 1);
    assert!(handbook["mobility_id"].is_null());
    assert_eq!(
        handbook["versions"][0]["url"],
        "https://example.org/dtfl.pdf"
    );
    assert!(handbook["versions"][0]["content_path"].is_null());
    // A file for the first mobility, as a form.
    let v1 = scan_pdf("programme v1");
    let res = form(
        &app,
        coordinator,
        &list,
        Form::new()
            .text("title", "Program obiska")
            .text("category", "programme")
            .text("mobility_id", f.mobility_ids[0].clone())
            .part("file", file("program.pdf", v1.clone())),
    )
    .await;
    assert_eq!(res.status(), 201);
    let programme: Value = res.json().await.unwrap();
    let pid = programme["id"].as_str().unwrap().to_string();
    assert_eq!(programme["versions"][0]["content_type"], "application/pdf");
    assert_eq!(programme["versions"][0]["filename"], "program.pdf");
    // And one for the other mobility only.
    let other: Value = app
        .post(&list, Some(coordinator), &json!({"title": "Program Pasvalys", "category": "programme", "mobility_id": f.mobility_ids[1], "url": "https://example.org/pasvalys"}))
        .await
        .json()
        .await
        .unwrap();

    // Each sees what is shared with them.
    let mine = vec!["DTFL priročnik".to_string(), "Program obiska".to_string()];
    assert_eq!(titles(&app, &project, &petra).await, mine);
    assert_eq!(titles(&app, &project, &host.token).await, mine);
    assert_eq!(titles(&app, &project, &apps[0].library.token).await, mine);
    assert_eq!(
        titles(&app, &project, &other_host.token).await,
        vec!["DTFL priročnik".to_string(), "Program Pasvalys".to_string()]
    );
    assert!(titles(&app, &project, &committee.token).await.is_empty());
    assert_eq!(titles(&app, &project, coordinator).await.len(), 3);
    assert_problem(
        app.get(
            &format!("/api/v1/shared-documents/{}", other["id"].as_str().unwrap()),
            Some(&petra),
        )
        .await,
        404,
        "shared_document.not_found",
    )
    .await;

    // Only coordinators share and version.
    assert_problem(
        app.post(
            &list,
            Some(&petra),
            &json!({"title": "x", "category": "other", "url": "https://example.org/x"}),
        )
        .await,
        403,
        "auth.forbidden",
    )
    .await;
    let versions = format!("/api/v1/shared-documents/{pid}/versions");
    assert_problem(
        app.post(
            &versions,
            Some(&petra),
            &json!({"url": "https://example.org/y"}),
        )
        .await,
        403,
        "auth.forbidden",
    )
    .await;

    // A new version becomes the current one; the earlier stays readable.
    let v2 = scan_pdf("programme v2");
    let res = form(
        &app,
        coordinator,
        &versions,
        Form::new()
            .text("note", "Dodan obisk knjižnice Dokk1.")
            .part("file", file("program-v2.pdf", v2.clone())),
    )
    .await;
    assert_eq!(res.status(), 201);
    let d: Value = res.json().await.unwrap();
    assert_eq!(d["current_version"], 2);
    assert_eq!(d["versions"][0]["version"], 2);
    assert_eq!(d["versions"][0]["note"], "Dodan obisk knjižnice Dokk1.");
    assert_eq!(d["versions"][1]["version"], 1);
    let content = format!("/api/v1/shared-documents/{pid}/content");
    let res = app.get(&content, Some(&petra)).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(res.bytes().await.unwrap().to_vec(), v2);
    let old = app
        .get(&format!("{content}?version=1"), Some(&host.token))
        .await;
    assert_eq!(old.bytes().await.unwrap().to_vec(), v1);
    assert_problem(
        app.get(&format!("{content}?version=9"), Some(&petra)).await,
        404,
        "shared_document_version.not_found",
    )
    .await;
    assert_problem(
        app.get(
            &format!(
                "/api/v1/shared-documents/{}/content",
                handbook["id"].as_str().unwrap()
            ),
            Some(&petra),
        )
        .await,
        409,
        "shared_document.link",
    )
    .await;

    // The overview lists them for the participant and the host.
    for token in [&petra, &host.token] {
        let o: Value = app
            .get("/api/v1/me/overview", Some(token))
            .await
            .json()
            .await
            .unwrap();
        let shared = o["shared_documents"].as_array().unwrap();
        assert_eq!(shared.len(), 2, "{shared:?}");
        let p = shared.iter().find(|s| s["id"] == pid.as_str()).unwrap();
        assert_eq!(p["current_version"], 2);
        assert_eq!(p["mobility_id"], f.mobility_ids[0].as_str());
    }

    // Every change is audited.
    let log: Value = app
        .get(
            &format!("/api/v1/audit-log?object_type=shared_document&object_id={pid}"),
            Some(&app.admin_token().await),
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
    assert_eq!(actions, vec!["update", "create"]);

    // Stopped sharing: gone for everyone.
    let res = app
        .delete(
            &format!("/api/v1/shared-documents/{pid}"),
            Some(coordinator),
        )
        .await;
    assert_eq!(res.status(), 204);
    assert_problem(
        app.get(&format!("/api/v1/shared-documents/{pid}"), Some(&petra))
            .await,
        404,
        "shared_document.not_found",
    )
    .await;
}

#[tokio::test]
async fn a_shared_document_is_one_file_or_one_link_of_a_known_type() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let project = app.zsk_project().await["id"].as_str().unwrap().to_string();
    let coordinator = &f.coordinator.token;
    let list = format!("/api/v1/projects/{project}/shared-documents");
    let fields = || {
        Form::new()
            .text("title", "Predloga poročila")
            .text("category", "template")
    };
    assert_problem(
        form(
            &app,
            coordinator,
            &list,
            fields()
                .text("url", "https://example.org/t")
                .part("file", file("t.pdf", scan_pdf("t"))),
        )
        .await,
        422,
        "shared_document.file_or_link",
    )
    .await;
    assert_problem(
        app.post(
            &list,
            Some(coordinator),
            &json!({"title": "Brez vsebine", "category": "other"}),
        )
        .await,
        422,
        "shared_document.file_or_link",
    )
    .await;
    assert_problem(
        form(
            &app,
            coordinator,
            &list,
            fields().part("file", file("slika.gif", b"GIF89a....".to_vec())),
        )
        .await,
        415,
        "document.unsupported_type",
    )
    .await;
    // A ZIP that calls itself .pdf is not a PDF; one that is a Word document is taken as one.
    let zip = b"PK\x03\x04 a zip archive".to_vec();
    assert_problem(
        form(
            &app,
            coordinator,
            &list,
            fields().part("file", file("x.pdf", zip.clone())),
        )
        .await,
        415,
        "document.unsupported_type",
    )
    .await;
    let res = form(
        &app,
        coordinator,
        &list,
        fields().part("file", file("predloga.docx", zip)),
    )
    .await;
    assert_eq!(res.status(), 201);
    let d: Value = res.json().await.unwrap();
    assert_eq!(
        d["versions"][0]["content_type"],
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    let p = assert_problem(
        app.post(&list, Some(coordinator), &json!({"title": "Drug projekt", "category": "other", "url": "https://example.org/z", "mobility_id": "0190f1c2-0000-7000-8000-000000000001"}))
            .await,
        422,
        "validation.failed",
    )
    .await;
    assert_eq!(problem_fields(&p), vec!["mobility_id"]);
    assert_problem(
        app.post(
            &list,
            Some(coordinator),
            &json!({"title": "Skripta", "category": "other", "url": "javascript:alert(1)"}),
        )
        .await,
        422,
        "validation.failed",
    )
    .await;
    assert_problem(
        form(
            &app,
            coordinator,
            &list,
            fields()
                .text("colour", "red")
                .text("url", "https://example.org/t"),
        )
        .await,
        400,
        "request.invalid_multipart",
    )
    .await;
}
