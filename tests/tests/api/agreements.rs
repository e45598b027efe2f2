//! Grant and learning agreements, their versions and signatures, and the Europass record.

use super::applications::{fixture, scan_pdf};
use super::preparation::{participant_user, selected};
use mobility_tests::*;
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

async fn issue(app: &TestApp, token: &str, pid: &str, kind: &str) -> Value {
    let res = app
        .post(
            &format!("/api/v1/participants/{pid}/agreements"),
            Some(token),
            &json!({"kind": kind}),
        )
        .await;
    assert_eq!(res.status(), 201, "issue {kind}");
    res.json().await.unwrap()
}

async fn sign(
    app: &TestApp,
    token: &str,
    a: &Value,
    party: &str,
    extra: Value,
) -> reqwest::Response {
    let mut body = json!({"party": party, "method": "in_app", "version": a["version"], "document_sha256": a["document_sha256"], "confirm": true});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    app.post(
        &format!(
            "/api/v1/agreements/{}/signatures",
            a["id"].as_str().unwrap()
        ),
        Some(token),
        &body,
    )
    .await
}

async fn evidence(app: &TestApp, token: &str, a: &Value, bytes: Vec<u8>) -> reqwest::Response {
    let form = Form::new().part(
        "file",
        Part::bytes(bytes)
            .file_name("podpisano.pdf")
            .mime_str("application/pdf")
            .unwrap(),
    );
    app.req(
        Method::POST,
        &format!("/api/v1/agreements/{}/evidence", a["id"].as_str().unwrap()),
        Some(token),
    )
    .multipart(form)
    .send()
    .await
    .unwrap()
}

/// Run a poppler command; `None` when poppler-utils are not installed, unless
/// `MOBILITY_TEST_POPPLER=required` (as `.ci/run` sets it), which makes that a failure.
pub fn poppler(command: &mut std::process::Command) -> Option<std::process::Output> {
    match command.output() {
        Ok(out) => Some(out),
        Err(e) if std::env::var("MOBILITY_TEST_POPPLER").as_deref() == Ok("required") => {
            panic!("poppler-utils are required here: {e}")
        }
        Err(_) => None,
    }
}

/// Text of a PDF by poppler's pdftotext, when it is installed (CI installs it).
pub fn pdftotext(bytes: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = poppler(std::process::Command::new("pdftotext").arg(&path).arg("-"))?;
    assert!(out.status.success(), "pdftotext could not read the PDF");
    Some(String::from_utf8(out.stdout).unwrap())
}

#[tokio::test]
async fn agreements_are_filled_from_the_mobility_and_render_the_same_pdf_every_time() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let (pids, apps) = selected(&app, &f, 1).await;
    app.patch(
        &format!("/api/v1/mobilities/{}", f.mobility_ids[0]),
        Some(&f.coordinator.token),
        &json!({"start_date": "2026-03-25", "end_date": "2026-03-29"}),
        None,
    )
    .await;
    let grant = issue(&app, &f.coordinator.token, &pids[0], "grant").await;
    assert_eq!(grant["version"], 1);
    assert_eq!(grant["status"], "draft");
    let parties: Vec<&str> = grant["parties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["party"].as_str().unwrap())
        .collect();
    assert_eq!(parties, vec!["zsk", "participant", "library"]);
    let c = &grant["content"];
    assert_eq!(
        c["host_name"],
        "Dokk1 (Main Library), Aarhus Public Libraries"
    );
    assert_eq!(c["coordinator_name"], "Združenje splošnih knjižnic");
    assert_eq!(c["start_date"], "2026-03-25");
    assert!(
        c["paid_by_project"]
            .as_array()
            .unwrap()
            .contains(&json!("zavarovanje"))
    );
    assert!(
        c["paid_by_employer"]
            .as_array()
            .unwrap()
            .contains(&json!("potni nalog (dnevnice)"))
    );
    assert!(c["recognition"].as_str().unwrap().contains("Europass"));
    assert!(
        c["obligations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o.as_str().unwrap().contains("DTFL"))
    );
    assert!(
        !c["goals"].as_array().unwrap().is_empty()
            && !c["learning_outcomes"].as_array().unwrap().is_empty()
    );
    let learning = issue(&app, &f.coordinator.token, &pids[0], "learning").await;
    let parties: Vec<&str> = learning["parties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["party"].as_str().unwrap())
        .collect();
    assert_eq!(parties, vec!["zsk", "host", "participant"]);
    assert_problem(
        app.post(
            &format!("/api/v1/participants/{}/agreements", pids[0]),
            Some(&f.coordinator.token),
            &json!({"kind": "grant"}),
        )
        .await,
        409,
        "agreement.exists",
    )
    .await;
    assert_problem(
        app.post(
            &format!("/api/v1/participants/{}/agreements", pids[0]),
            Some(&apps[0].library.token),
            &json!({"kind": "grant"}),
        )
        .await,
        403,
        "auth.forbidden",
    )
    .await;

    let path = format!(
        "/api/v1/agreements/{}/document",
        grant["id"].as_str().unwrap()
    );
    let first = app.get(&path, Some(&apps[0].library.token)).await;
    assert_eq!(first.status(), 200);
    assert_eq!(
        first.headers().get("content-type").unwrap(),
        "application/pdf"
    );
    let first = first.bytes().await.unwrap().to_vec();
    let second = app
        .get(&path, Some(&f.coordinator.token))
        .await
        .bytes()
        .await
        .unwrap()
        .to_vec();
    assert_eq!(first, second, "byte-identical for the same version");
    use sha2::Digest;
    assert_eq!(
        hex::encode(sha2::Sha256::digest(&first)),
        grant["document_sha256"].as_str().unwrap()
    );
    if let Some(text) = pdftotext(&first) {
        assert!(text.contains("Sporazum o nepovratnih sredstvih"), "{text}");
        assert!(text.contains("Združenje splošnih knjižnic"));
        assert!(text.contains("Stroški delodajalca (niso refundirani)"));
        assert!(text.contains("povratna letalska karta"));
    } else {
        eprintln!("pdftotext is not installed: the PDF text check did not run");
    }
}

#[tokio::test]
async fn a_change_after_a_signature_makes_a_new_version_and_old_ones_cannot_be_signed() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let (pids, _) = selected(&app, &f, 1).await;
    let me = participant_user(&app, &f, &pids[0]).await;
    let v1 = issue(&app, &f.coordinator.token, &pids[0], "grant").await;
    let path = format!("/api/v1/agreements/{}", v1["id"].as_str().unwrap());

    // A draft nobody signed changes in place.
    let res = app
        .patch(
            &path,
            Some(&f.coordinator.token),
            &json!({"special_conditions": "Udeleženka potuje dan prej."}),
            None,
        )
        .await;
    let edited: Value = res.json().await.unwrap();
    assert_eq!(edited["version"], 1);
    assert_ne!(edited["document_sha256"], v1["document_sha256"]);
    assert_problem(
        sign(&app, &me, &v1, "participant", json!({})).await,
        409,
        "agreement.stale_version",
    )
    .await;
    let res = sign(&app, &me, &edited, "participant", json!({})).await;
    assert_eq!(res.status(), 200);
    let signed1: Value = res.json().await.unwrap();
    assert_eq!(signed1["status"], "awaiting_signatures");
    let me_sig = signed1["parties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["party"] == "participant")
        .unwrap();
    assert_eq!(me_sig["method"], "in_app");
    assert!(me_sig["signed_at"].is_string());
    assert_problem(
        sign(&app, &me, &edited, "participant", json!({})).await,
        409,
        "agreement.already_signed",
    )
    .await;

    // A change after a signature: version 2; version 1 is superseded and read-only.
    let res = app
        .patch(
            &path,
            Some(&f.coordinator.token),
            &json!({"mentor": "Anne Hansen"}),
            None,
        )
        .await;
    let v2: Value = res.json().await.unwrap();
    assert_eq!(v2["version"], 2);
    assert_ne!(v2["id"], v1["id"]);
    assert!(
        v2["parties"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["signed"] == false)
    );
    let old: Value = app
        .get(&path, Some(&f.coordinator.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(old["status"], "superseded");
    assert_problem(
        sign(&app, &f.coordinator.token, &edited, "zsk", json!({})).await,
        409,
        "agreement.stale_version",
    )
    .await;
    assert_problem(
        app.patch(
            &path,
            Some(&f.coordinator.token),
            &json!({"mentor": "X"}),
            None,
        )
        .await,
        409,
        "agreement.superseded",
    )
    .await;
    let mut wrong_hash = v2.clone();
    wrong_hash["document_sha256"] = edited["document_sha256"].clone();
    assert_problem(
        sign(&app, &me, &wrong_hash, "participant", json!({})).await,
        409,
        "agreement.stale_version",
    )
    .await;

    let res = app
        .post(
            &format!("/api/v1/agreements/{}/amend", v2["id"].as_str().unwrap()),
            Some(&f.coordinator.token),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let v3: Value = res.json().await.unwrap();
    assert_eq!(v3["version"], 3);
    let all: Value = app
        .get(
            &format!("/api/v1/participants/{}/agreements", pids[0]),
            Some(&me),
        )
        .await
        .json()
        .await
        .unwrap();
    let versions: Vec<(i64, &str)> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["version"].as_i64().unwrap(),
                a["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        versions,
        vec![(1, "superseded"), (2, "superseded"), (3, "draft")]
    );
}

#[tokio::test]
async fn each_party_signs_for_itself_and_both_agreements_make_the_participant_contracted() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let (pids, apps) = selected(&app, &f, 2).await;
    let me = participant_user(&app, &f, &pids[0]).await;
    let grant = issue(&app, &f.coordinator.token, &pids[0], "grant").await;
    let learning = issue(&app, &f.coordinator.token, &pids[0], "learning").await;
    let zsk = app.zsk_project().await;
    let mobs: Value = app
        .get(
            &format!(
                "/api/v1/projects/{}/mobilities",
                zsk["id"].as_str().unwrap()
            ),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    let dokk1 = mobs["items"][0]["host_organisation_id"]
        .as_str()
        .unwrap()
        .to_string();
    let host = app.user("host", Some(&dokk1)).await;
    let other_host_org = app.create_org("Drug gostitelj", "host").await;
    let other_host = app.user("host", Some(&other_host_org)).await;
    let committee = app.user("committee", None).await;

    // Not one's own party.
    assert_problem(
        sign(&app, &apps[1].library.token, &grant, "library", json!({})).await,
        404,
        "agreement.not_found",
    )
    .await;
    assert_problem(
        sign(&app, &committee.token, &grant, "library", json!({})).await,
        404,
        "agreement.not_found",
    )
    .await;
    let accountant = app.user("accountant", None).await;
    assert_problem(
        sign(&app, &accountant.token, &grant, "library", json!({})).await,
        403,
        "auth.forbidden",
    )
    .await;
    assert_problem(
        sign(&app, &me, &grant, "library", json!({})).await,
        403,
        "auth.forbidden",
    )
    .await;
    assert_problem(
        sign(&app, &other_host.token, &learning, "host", json!({})).await,
        404,
        "agreement.not_found",
    )
    .await;
    assert_problem(
        sign(&app, &host.token, &grant, "host", json!({})).await,
        422,
        "agreement.unknown_party",
    )
    .await;
    // Methods.
    assert_problem(
        sign(&app, &me, &grant, "participant", json!({"confirm": false})).await,
        422,
        "agreement.confirmation_required",
    )
    .await;
    assert_problem(
        sign(
            &app,
            &apps[0].library.token,
            &grant,
            "library",
            json!({"method": "scanned_handwritten"}),
        )
        .await,
        422,
        "signature.document_required",
    )
    .await;
    let scan: Value = evidence(&app, &apps[0].library.token, &grant, scan_pdf("lib"))
        .await
        .json()
        .await
        .unwrap();
    assert_problem(
        sign(
            &app,
            &apps[0].library.token,
            &grant,
            "library",
            json!({"method": "qualified_electronic", "evidence_id": scan["id"]}),
        )
        .await,
        422,
        "signature.not_digitally_signed",
    )
    .await;
    assert_problem(
        evidence(&app, &accountant.token, &grant, scan_pdf("x")).await,
        403,
        "auth.forbidden",
    )
    .await;
    assert_problem(
        evidence(&app, &me, &grant, b"not a pdf".to_vec()).await,
        415,
        "document.not_pdf",
    )
    .await;
    // A PDF Ana Novak signed is not this agreement signed.
    let elsewhere: Value = evidence(
        &app,
        &apps[0].library.token,
        &grant,
        signed_pdf("Ana Novak"),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(elsewhere["pdf_signatures"][0]["verified"], true);
    assert_eq!(elsewhere["extends_document"], false);
    assert_problem(
        sign(
            &app,
            &apps[0].library.token,
            &grant,
            "library",
            json!({"method": "qualified_electronic", "evidence_id": elsewhere["id"], "signer_name": "Ana Novak"}),
        )
        .await,
        422,
        "signature.other_document",
    )
    .await;
    // The agreement's own PDF, signed as a signing tool signs it.
    let own = app
        .get(
            &format!(
                "/api/v1/agreements/{}/document",
                grant["id"].as_str().unwrap()
            ),
            Some(&apps[0].library.token),
        )
        .await
        .bytes()
        .await
        .unwrap()
        .to_vec();
    let signed_copy: Value = evidence(
        &app,
        &apps[0].library.token,
        &grant,
        mobility_tests::signing::sign_pdf(own, "Ana Novak"),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(signed_copy["has_pdf_signature"], true);
    assert_eq!(signed_copy["extends_document"], true);

    assert_eq!(signed_copy["pdf_signatures"][0]["verified"], true);
    // The certificate names Ana Novak: it is not the signature of anyone else.
    let p = assert_problem(
        sign(
            &app,
            &apps[0].library.token,
            &grant,
            "library",
            json!({"method": "qualified_electronic", "evidence_id": signed_copy["id"], "signer_name": "Petra Bizjak"}),
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
            .contains("Ana Novak (verified)")
    );
    let res = sign(
        &app,
        &apps[0].library.token,
        &grant,
        "library",
        json!({"method": "qualified_electronic", "evidence_id": signed_copy["id"], "signer_name": "dr. Ana Novak"}),
    )
    .await;
    assert_eq!(res.status(), 200);
    let g: Value = res.json().await.unwrap();
    let lib = g["parties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["party"] == "library")
        .unwrap();
    assert_eq!(lib["signer_name"], "dr. Ana Novak");
    assert_eq!(lib["pdf_signer_name"], "Ana Novak");
    assert_eq!(
        sign(&app, &me, &grant, "participant", json!({}))
            .await
            .status(),
        200
    );
    let g: Value = sign(
        &app,
        &f.coordinator.token,
        &grant,
        "zsk",
        json!({"method": "scanned_handwritten", "evidence_id": scan["id"]}),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(g["status"], "signed");
    let p: Value = app
        .get(&format!("/api/v1/participants/{}", pids[0]), Some(&me))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(p["status"], "selected", "one agreement is not enough");

    assert_eq!(
        sign(&app, &host.token, &learning, "host", json!({}))
            .await
            .status(),
        200
    );
    assert_eq!(
        sign(&app, &me, &learning, "participant", json!({}))
            .await
            .status(),
        200
    );
    // The project's responsible person signs for ZSK too.
    let responsible = app.user("committee", None).await;
    let admin = app.admin_token().await;
    app.post(
        &format!("/api/v1/projects/{}/team", zsk["id"].as_str().unwrap()),
        Some(&admin),
        &json!({"user_id": responsible.id, "function": "responsible_person"}),
    )
    .await;
    let l: Value = sign(&app, &responsible.token, &learning, "zsk", json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(l["status"], "signed");
    let p: Value = app
        .get(&format!("/api/v1/participants/{}", pids[0]), Some(&me))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(p["status"], "contracted");
    let tasks: Value = app
        .get(
            &format!("/api/v1/participants/{}/tasks", pids[0]),
            Some(&me),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        tasks["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["key"] == "sign_agreements")
            .unwrap()["done"],
        true
    );

    // Amending reopens it: the new version needs signing again.
    app.post(
        &format!(
            "/api/v1/agreements/{}/amend",
            learning["id"].as_str().unwrap()
        ),
        Some(&f.coordinator.token),
        &json!({}),
    )
    .await;
    let p: Value = app
        .get(&format!("/api/v1/participants/{}", pids[0]), Some(&me))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(p["status"], "selected");
}

#[tokio::test]
async fn all_preparation_done_makes_the_participant_prepared() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let (pids, apps) = selected(&app, &f, 1).await;
    let me = participant_user(&app, &f, &pids[0]).await;
    let zsk = app.zsk_project().await;
    let mobs: Value = app
        .get(
            &format!(
                "/api/v1/projects/{}/mobilities",
                zsk["id"].as_str().unwrap()
            ),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    let host = app
        .user(
            "host",
            Some(mobs["items"][0]["host_organisation_id"].as_str().unwrap()),
        )
        .await;
    let grant = issue(&app, &f.coordinator.token, &pids[0], "grant").await;
    let learning = issue(&app, &f.coordinator.token, &pids[0], "learning").await;
    for (a, party, token) in [
        (&grant, "zsk", &f.coordinator.token),
        (&grant, "participant", &me),
        (&grant, "library", &apps[0].library.token),
        (&learning, "zsk", &f.coordinator.token),
        (&learning, "host", &host.token),
        (&learning, "participant", &me),
    ] {
        assert_eq!(sign(&app, token, a, party, json!({})).await.status(), 200);
    }
    let mpath = format!("/api/v1/mobilities/{}/meetings", f.mobility_ids[0]);
    for kind in ["coordinator_preparation", "host_preparation"] {
        let m: Value = app.post(&mpath, Some(&f.coordinator.token), &json!({"kind": kind, "title": kind, "starts_at": "2026-02-20T10:00:00Z", "duration_minutes": 60})).await.json().await.unwrap();
        let res = app
            .req(
                Method::PUT,
                &format!("/api/v1/meetings/{}/attendance", m["id"].as_str().unwrap()),
                Some(&f.coordinator.token),
            )
            .json(&json!({"participant_id": pids[0], "attended": true}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
    }
    app.req(Method::PUT, &format!("/api/v1/participants/{}/travel-details", pids[0]), Some(&me)).json(&json!({"name_as_in_passport": "MAJA", "date_of_birth": "1980-01-01", "phone": "+38641000000"})).send().await.unwrap();
    let tasks: Value = app
        .get(
            &format!("/api/v1/participants/{}/tasks", pids[0]),
            Some(&me),
        )
        .await
        .json()
        .await
        .unwrap();
    for t in tasks["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["automatic"] == false)
    {
        let p: Value = app
            .get(&format!("/api/v1/participants/{}", pids[0]), Some(&me))
            .await
            .json()
            .await
            .unwrap();
        assert_ne!(p["status"], "prepared");
        app.patch(
            &format!("/api/v1/tasks/{}", t["id"].as_str().unwrap()),
            Some(&me),
            &json!({"done": true}),
            None,
        )
        .await;
    }
    let p: Value = app
        .get(&format!("/api/v1/participants/{}", pids[0]), Some(&me))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(p["status"], "prepared");
}

#[tokio::test]
async fn the_europass_record_is_written_by_the_coordinator_and_the_host_and_signed_by_both_organisations()
 {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let (pids, _) = selected(&app, &f, 1).await;
    let zsk = app.zsk_project().await;
    let mobs: Value = app
        .get(
            &format!(
                "/api/v1/projects/{}/mobilities",
                zsk["id"].as_str().unwrap()
            ),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    let host = app
        .user(
            "host",
            Some(mobs["items"][0]["host_organisation_id"].as_str().unwrap()),
        )
        .await;
    let path = format!("/api/v1/participants/{}/europass", pids[0]);
    assert_problem(
        app.get(&path, Some(&f.coordinator.token)).await,
        404,
        "europass.not_found",
    )
    .await;
    // A refused first change leaves no record behind.
    let res = app
        .req(Method::PUT, &path, Some(&f.coordinator.token))
        .json(&json!({"start_date": "2026-03-29", "end_date": "2026-03-25"}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 422, "validation.failed").await;
    assert_problem(
        app.get(&path, Some(&f.coordinator.token)).await,
        404,
        "europass.not_found",
    )
    .await;
    let res = app.req(Method::PUT, &path, Some(&f.coordinator.token)).json(&json!({"mentor": "Anne Hansen, Dokk1", "objectives": "Spoznati metodo DTFL.", "activities": "Delavnica DTFL; ogled IRIS MediaLab.", "language": "sl"})).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_problem(
        app.req(Method::PUT, &path, Some(&host.token))
            .json(&json!({"objectives": "x"}))
            .send()
            .await
            .unwrap(),
        403,
        "auth.forbidden",
    )
    .await;
    let res = app.req(Method::PUT, &path, Some(&host.token)).json(&json!({"skills_acquired": "Načrtovanje delavnic po metodi DTFL; sodelovanje s skupnostjo."})).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let e: Value = res.json().await.unwrap();
    assert_eq!(e["kind"], "europass");
    assert_eq!(
        e["content"]["skills_acquired"],
        "Načrtovanje delavnic po metodi DTFL; sodelovanje s skupnostjo."
    );
    assert!(
        e["content"]["participant_name"]
            .as_str()
            .unwrap()
            .starts_with("Kandidat")
    );
    let parties: Vec<&str> = e["parties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["party"].as_str().unwrap())
        .collect();
    assert_eq!(parties, vec!["zsk", "host"]);
    assert_eq!(
        sign(&app, &host.token, &e, "host", json!({}))
            .await
            .status(),
        200
    );
    let signed: Value = sign(&app, &f.coordinator.token, &e, "zsk", json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(signed["status"], "signed");
    let pdf = app
        .get(&format!("{path}/document"), Some(&f.coordinator.token))
        .await;
    assert_eq!(
        pdf.headers().get("content-type").unwrap(),
        "application/pdf"
    );
    let bytes = pdf.bytes().await.unwrap().to_vec();
    if let Some(text) = pdftotext(&bytes) {
        assert!(
            text.contains("Europass Mobility")
                && text.contains("Načrtovanje delavnic po metodi DTFL"),
            "{text}"
        );
    }
}

/// A version's PDF is rendered once and kept in the blob store under its hash; downloads serve
/// the kept bytes, not a new rendering. Versions without kept bytes (made before documents
/// were kept) are rendered and kept by the start-up step, once.
#[tokio::test]
async fn a_versions_pdf_is_kept_once_and_served_as_kept() {
    use sha2::Digest;
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let (pids, _) = selected(&app, &f, 1).await;
    let grant = issue(&app, &f.coordinator.token, &pids[0], "grant").await;
    let sha = grant["document_sha256"].as_str().unwrap().to_string();
    let blob = app.data_dir.path().join("blobs").join(&sha[..2]).join(&sha);
    let kept = std::fs::read(&blob).expect("the version's PDF is kept under its hash");
    assert_eq!(hex::encode(sha2::Sha256::digest(&kept)), sha);
    let path = format!(
        "/api/v1/agreements/{}/document",
        grant["id"].as_str().unwrap()
    );
    let served = app.get(&path, Some(&f.coordinator.token)).await;
    assert_eq!(served.status(), 200);
    assert_eq!(served.bytes().await.unwrap().as_ref(), kept.as_slice());

    // What is kept is what is served: were the kept file other bytes, those would be served.
    let mut other = kept.clone();
    other.extend_from_slice(b"\n%kept\n");
    std::fs::write(&blob, &other).unwrap();
    let served = app.get(&path, Some(&f.coordinator.token)).await;
    assert_eq!(served.bytes().await.unwrap().as_ref(), other.as_slice());

    // A version made before documents were kept: the start-up step keeps it, once.
    std::fs::remove_file(&blob).unwrap();
    let db = mobility_api::db::connect_url(&app.settings.database_url(), 1)
        .await
        .unwrap();
    let blobs = mobility_api::storage::LocalBlobStore::new(app.data_dir.path().join("blobs"));
    let n = mobility_api::agreements::service::store_rendered(&db, &blobs)
        .await
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(std::fs::read(&blob).unwrap(), kept);
    let n = mobility_api::agreements::service::store_rendered(&db, &blobs)
        .await
        .unwrap();
    assert_eq!(n, 0);
}

/// A blob store that, the first time a PDF is stored, renames the mobility on a connection of
/// its own, as another coordinator might while the document renders.
struct RenamingStore {
    inner: mobility_api::storage::LocalBlobStore,
    db: sea_orm::DatabaseConnection,
    mobility_id: uuid::Uuid,
    puts: std::sync::atomic::AtomicUsize,
}

#[async_trait::async_trait]
impl mobility_api::storage::BlobStore for RenamingStore {
    async fn put(&self, bytes: Vec<u8>) -> std::io::Result<String> {
        use sea_orm::{ActiveModelTrait, ActiveValue::Set};
        if self.puts.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
            entity::mobility::ActiveModel {
                id: Set(self.mobility_id),
                title: Set("Preimenovana mobilnost".into()),
                ..Default::default()
            }
            .update(&self.db)
            .await
            .map_err(std::io::Error::other)?;
        }
        self.inner.put(bytes).await
    }
    async fn get(&self, sha256: &str) -> std::io::Result<Vec<u8>> {
        self.inner.get(sha256).await
    }
    async fn contains(&self, sha256: &str) -> std::io::Result<bool> {
        self.inner.contains(sha256).await
    }
    async fn remove(&self, sha256: &str) -> std::io::Result<()> {
        self.inner.remove(sha256).await
    }
}

/// A version's PDF is rendered and stored before the write transaction that keeps it, so the
/// database is free meanwhile (on SQLite the rename below would otherwise wait for the write
/// lock the agreement holds, and fail); the write then finds that what the document was
/// made from has changed, and renders it again rather than keep a stale document.
#[tokio::test]
async fn a_version_is_rendered_outside_the_write_and_again_if_its_sources_changed_meanwhile() {
    use sea_orm::EntityTrait;
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let (pids, _) = selected(&app, &f, 1).await;
    let db = mobility_api::db::connect_url(&app.settings.database_url(), 2)
        .await
        .unwrap();
    let pid: uuid::Uuid = pids[0].parse().unwrap();
    let p = entity::participant::Entity::find_by_id(pid)
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    let store = RenamingStore {
        inner: mobility_api::storage::LocalBlobStore::new(app.data_dir.path().join("blobs")),
        db: mobility_api::db::connect_url(&app.settings.database_url(), 1)
            .await
            .unwrap(),
        mobility_id: p.mobility_id,
        puts: Default::default(),
    };
    let coordinator = mobility_api::http::AuthUser {
        id: f.coordinator.id.parse().unwrap(),
        email: f.coordinator.email.clone(),
        full_name: "Koordinatorka".into(),
        role: entity::enums::Role::Coordinator,
        organisation_id: None,
        request_id: None,
        session: None,
    };
    let a = mobility_api::agreements::service::create(
        &db,
        &store,
        &coordinator,
        pid,
        entity::enums::AgreementKind::Grant,
    )
    .await
    .expect("the agreement is issued although its mobility changed while it rendered");
    assert_eq!(
        store.puts.load(std::sync::atomic::Ordering::SeqCst),
        2,
        "rendered again after the change"
    );
    assert_eq!(a.content["mobility_title"], "Preimenovana mobilnost");
    let served = app
        .get(
            &format!("/api/v1/agreements/{}/document", a.id),
            Some(&f.coordinator.token),
        )
        .await;
    assert_eq!(served.status(), 200);
    let bytes = served.bytes().await.unwrap();
    assert_eq!(
        hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes)),
        a.document_sha256,
        "the kept document is the one rendered from the changed mobility"
    );
    if let Some(text) = pdftotext(&bytes) {
        assert!(text.contains("Preimenovana mobilnost"), "{text}");
    }
}

/// A party signs the current version by the agreement's ETag, without reading it first for
/// its version and hash; an ETag from before a change is 412.
#[tokio::test]
async fn a_party_signs_the_version_its_etag_names() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let (pids, apps) = selected(&app, &f, 1).await;
    let me = participant_user(&app, &f, &pids[0]).await;
    let res = app
        .post(
            &format!("/api/v1/participants/{}/agreements", pids[0]),
            Some(&f.coordinator.token),
            &json!({"kind": "grant"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let issued_tag = res.headers()["etag"].to_str().unwrap().to_string();
    let a: Value = res.json().await.unwrap();
    let path = format!(
        "/api/v1/agreements/{}/signatures",
        a["id"].as_str().unwrap()
    );
    let body = |party: &str| json!({"party": party, "method": "in_app", "confirm": true});
    let p = assert_problem(
        app.post(&path, Some(&me), &body("participant")).await,
        422,
        "validation.failed",
    )
    .await;
    assert_eq!(problem_fields(&p), vec!["version"]);
    let res = app
        .req(Method::POST, &path, Some(&me))
        .header("If-Match", &issued_tag)
        .json(&body("participant"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let after_tag = res.headers()["etag"].to_str().unwrap().to_string();
    let signed: Value = res.json().await.unwrap();
    assert_eq!(signed["version"], a["version"]);
    assert_eq!(signed["document_sha256"], a["document_sha256"]);
    let participant = signed["parties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["party"] == "participant")
        .unwrap();
    assert_eq!(participant["signed"], true);
    // The library holds the ETag from before the participant signed: it changed since.
    let library = &apps[0].library.token;
    assert_problem(
        app.req(Method::POST, &path, Some(library))
            .header("If-Match", &issued_tag)
            .json(&body("library"))
            .send()
            .await
            .unwrap(),
        412,
        "request.precondition_failed",
    )
    .await;
    let res = app
        .req(Method::POST, &path, Some(library))
        .header("If-Match", &after_tag)
        .json(&body("library"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}
