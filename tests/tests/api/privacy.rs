//! A person's request to see their data (GDPR Art. 15 and 20).

use super::applications::{body, create, fixture, scan_pdf, sign_both};
use mobility_tests::*;
use serde_json::{Value, json};
use std::io::Read;

#[tokio::test]
async fn an_admin_exports_everything_held_about_a_person_with_their_files() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let email = "maja.kovac@knjiznica.example";
    let res = create(&app, &f, &f.library.token, &body(&f.mobility_ids[0], email)).await;
    assert_eq!(res.status(), 201);
    let application: Value = res.json().await.unwrap();
    let id = application["id"].as_str().unwrap();
    sign_both(&app, &f.library.token, id).await;
    // She also has an account, as participants do.
    let admin = app.admin_token().await;
    let res = app
        .post(
            "/api/v1/users",
            Some(&admin),
            &json!({"email": email, "full_name": "Maja Kovač", "role": "participant", "organisation_id": f.library_id, "password": PASSWORD}),
        )
        .await;
    assert_eq!(res.status(), 201);

    // Coordinators do not answer such requests; admins do.
    assert_problem(
        app.get(
            &format!("/api/v1/personal-data?email={email}"),
            Some(&f.coordinator.token),
        )
        .await,
        403,
        "auth.forbidden",
    )
    .await;
    let res = app
        .get(
            "/api/v1/personal-data?email=Maja.Kovac@Knjiznica.Example",
            Some(&admin),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/zip");
    let bytes = res.bytes().await.unwrap().to_vec();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    zip.by_name("personal-data.json")
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    assert!(!text.contains("password_hash"), "{text}");
    assert!(!text.contains("$argon2"), "{text}");
    let doc: Value = serde_json::from_str(&text).unwrap();
    let held = &doc["held"];
    assert_eq!(held["users"][0]["email"], email);
    assert_eq!(held["applications"][0]["id"], id);
    assert_eq!(held["applications"][0]["applicant_full_name"], "Maja Kovač");
    assert_eq!(
        held["application_signatures"].as_array().unwrap().len(),
        2,
        "{held}"
    );
    let file = held["application_documents"][0]["file"].as_str().unwrap();
    let mut provided = Vec::new();
    zip.by_name(file)
        .unwrap()
        .read_to_end(&mut provided)
        .unwrap();
    assert_eq!(provided, scan_pdf(id));

    // Nothing held: 404.
    assert_problem(
        app.get(
            "/api/v1/personal-data?email=nobody@nowhere.example",
            Some(&admin),
        )
        .await,
        404,
        "personal_data.not_found",
    )
    .await;
    // The export is audited, without the address.
    let audit: Value = app
        .get("/api/v1/audit-log?object_type=personal_data", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    let entries = audit["items"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{audit}");
    assert_eq!(entries[0]["action"], "export");
    assert!(!audit.to_string().contains("maja.kovac"), "{audit}");
}

#[tokio::test]
async fn erasure_anonymises_an_applicant_and_removes_their_files() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let email = "ana.novak@knjiznica.example";
    let res = create(&app, &f, &f.library.token, &body(&f.mobility_ids[0], email)).await;
    let application: Value = res.json().await.unwrap();
    let id = application["id"].as_str().unwrap();
    sign_both(&app, &f.library.token, id).await;
    let docs: Value = app
        .get(
            &format!("/api/v1/applications/{id}/documents"),
            Some(&f.coordinator.token),
        )
        .await
        .json()
        .await
        .unwrap();
    let sha = docs["items"][0]["sha256"].as_str().unwrap().to_string();
    let blob = app.data_path("blobs").join(&sha[..2]).join(&sha);
    assert!(blob.exists());
    let admin = app.admin_token().await;

    assert_problem(
        app.post(
            "/api/v1/personal-data/erasure",
            Some(&f.coordinator.token),
            &json!({"email": email}),
        )
        .await,
        403,
        "auth.forbidden",
    )
    .await;
    // Nobody erases themselves.
    assert_problem(
        app.post(
            "/api/v1/personal-data/erasure",
            Some(&admin),
            &json!({"email": ADMIN_EMAIL}),
        )
        .await,
        403,
        "user.self_change",
    )
    .await;
    let res = app
        .post(
            "/api/v1/personal-data/erasure",
            Some(&admin),
            &json!({"email": "Ana.Novak@knjiznica.example"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let report: Value = res.json().await.unwrap();
    assert!(
        report["erased"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["what"] == "applications" && e["count"] == 1),
        "{report}"
    );
    assert_eq!(report["kept"], json!([]), "{report}");

    let after: Value = app
        .get(
            &format!("/api/v1/applications/{id}"),
            Some(&f.coordinator.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(after["applicant"]["full_name"], "[erased]", "{after}");
    assert_eq!(after["motivation"], "[erased]");
    assert_ne!(after["applicant"]["email"], email);
    assert_eq!(after["status"], application["status"]);
    assert!(!blob.exists(), "the scan's file is gone");
    let docs: Value = app
        .get(
            &format!("/api/v1/applications/{id}/documents"),
            Some(&f.coordinator.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(docs["items"], json!([]));
    // Nothing is held about the address any more.
    assert_problem(
        app.get(
            &format!("/api/v1/personal-data?email={email}"),
            Some(&admin),
        )
        .await,
        404,
        "personal_data.not_found",
    )
    .await;
    let audit: Value = app
        .get("/api/v1/audit-log?object_type=personal_data", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(audit["items"][0]["action"], "erase");
    assert!(!audit.to_string().contains("ana.novak"), "{audit}");
}

#[tokio::test]
async fn erasure_keeps_what_an_audit_may_ask_for_and_says_why() {
    use super::preparation::selected;
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let (pids, _) = selected(&app, &f, 1).await;
    let p: Value = app
        .get(
            &format!("/api/v1/participants/{}", pids[0]),
            Some(&f.coordinator.token),
        )
        .await
        .json()
        .await
        .unwrap();
    let email = p["email"].as_str().unwrap().to_string();
    let admin = app.admin_token().await;
    let res = app
        .post(
            "/api/v1/users",
            Some(&admin),
            &json!({"email": email, "full_name": "Kandidat 00", "role": "participant", "organisation_id": p["library_id"], "password": PASSWORD}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let res = app
        .post(
            &format!("/api/v1/participants/{}/agreements", pids[0]),
            Some(&f.coordinator.token),
            &json!({"kind": "grant"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let green = format!("/api/v1/participants/{}/sustainability", pids[0]);
    let res = app
        .req(reqwest::Method::PUT, &green, Some(&f.coordinator.token))
        .json(&json!({"travel_mode": "bus", "local_public_transport": true, "local_food": true, "planned_online": false, "notes": "Z avtobusom prek Gradca."}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let zip = app
        .get(
            &format!("/api/v1/personal-data?email={}", email.replace('@', "%40")),
            Some(&admin),
        )
        .await
        .bytes()
        .await
        .unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let mut text = String::new();
    zip.by_name("personal-data.json")
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    assert!(
        text.contains("Z avtobusom prek Gradca."),
        "the export holds the record"
    );

    let report: Value = app
        .post(
            "/api/v1/personal-data/erasure",
            Some(&admin),
            &json!({"email": email}),
        )
        .await
        .json()
        .await
        .unwrap();
    let kept = report["kept"].as_array().unwrap();
    let agreements = kept.iter().find(|k| k["what"] == "agreements").unwrap();
    assert_eq!(agreements["count"], 1);
    // The project ends on 31 March 2027; five years after.
    assert_eq!(agreements["until"], "2032-03-31");
    assert!(agreements["why"].as_str().unwrap().contains("audit"));
    assert!(kept.iter().any(|k| k["what"] == "applications"), "{report}");

    let after: Value = app
        .get(
            &format!("/api/v1/participants/{}", pids[0]),
            Some(&f.coordinator.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(after["full_name"], p["full_name"], "the name is kept");
    let kept: Value = app
        .get(&green, Some(&f.coordinator.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(kept["travel_mode"], "bus", "the figures stay");
    assert!(kept["notes"].is_null(), "the words go");
    assert_ne!(after["email"], p["email"], "the address is not");
    // The account is closed.
    assert_eq!(app.login_response(&email, PASSWORD).await.status(), 401);
}

#[tokio::test]
async fn a_story_contributor_is_found_and_erased_by_name() {
    use super::after::{trip, workshop};
    let app = spawn_app().await;
    let t = trip(&app, true).await;
    let w = workshop(&app, &t).await;
    let res = app
        .post("/api/v1/digital-stories", Some(&t.me), &json!({"workshop_id": w["id"], "title": "Mlini ob Krki", "summary": "Spomini na mline.", "text": "Besedilo.", "language": "sl", "contributors": [{"name": "Ana Kos", "consent_date": "2026-04-01", "consent_scope": "objava na portalu Kamra", "licence": "CC BY-SA 4.0"}, {"name": "Ivan Novak"}]}))
        .await;
    assert_eq!(res.status(), 201);
    let story: Value = res.json().await.unwrap();
    let sid = story["id"].as_str().unwrap();
    let admin = app.admin_token().await;
    // She has no address here: by e-mail alone nothing is found.
    let query = "/api/v1/personal-data?email=ana.kos%40posta.example";
    assert_problem(
        app.get(query, Some(&admin)).await,
        404,
        "personal_data.not_found",
    )
    .await;
    // By name (case and spacing aside) her contribution and consent are found.
    let res = app
        .get(
            &format!("{query}&contributor_name=%20ana%20%20KOS"),
            Some(&admin),
        )
        .await;
    assert_eq!(res.status(), 200);
    let bytes = res.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    zip.by_name("personal-data.json")
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    let found = doc["held"]["story_contributions"].as_array().unwrap();
    assert_eq!(found.len(), 1, "{doc}");
    assert_eq!(found[0]["story_id"], sid);
    assert_eq!(found[0]["contributor"]["name"], "Ana Kos");
    assert_eq!(found[0]["contributor"]["consent_date"], "2026-04-01");
    assert!(!text.contains("Ivan Novak"), "only her");

    let report: Value = app
        .post(
            "/api/v1/personal-data/erasure",
            Some(&admin),
            &json!({"email": "ana.kos@posta.example", "contributor_name": "Ana Kos"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let erased = report["erased"].as_array().unwrap();
    assert!(
        erased
            .iter()
            .any(|e| e["what"] == "story_contributors" && e["count"] == 1),
        "{report}"
    );
    let after: Value = app
        .get(&format!("/api/v1/digital-stories/{sid}"), Some(&t.me))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(after["contributors"][0]["name"], "[erased]");
    assert_eq!(after["contributors"][0]["licence"], "CC BY-SA 4.0");
    assert_eq!(after["contributors"][1]["name"], "Ivan Novak");
    assert_problem(
        app.get(&format!("{query}&contributor_name=Ana%20Kos"), Some(&admin))
            .await,
        404,
        "personal_data.not_found",
    )
    .await;
}

#[tokio::test]
async fn past_the_retention_the_agreements_lose_the_person_too() {
    use super::preparation::selected;
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let (pids, _) = selected(&app, &f, 1).await;
    let pid = &pids[0];
    let p: Value = app
        .get(
            &format!("/api/v1/participants/{pid}"),
            Some(&f.coordinator.token),
        )
        .await
        .json()
        .await
        .unwrap();
    let res = app
        .post(
            &format!("/api/v1/participants/{pid}/agreements"),
            Some(&f.coordinator.token),
            &json!({"kind": "grant"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let agreement: Value = res.json().await.unwrap();
    let name = p["full_name"].as_str().unwrap();
    assert_eq!(agreement["content"]["participant_name"], name);

    // The project ended on 31 March 2027; five years and a day after.
    app.set_time("2032-04-01T09:00:00Z");
    let admin = app.admin_token().await;
    let report: Value = app
        .post(
            "/api/v1/personal-data/erasure",
            Some(&admin),
            &json!({"email": p["email"]}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(report["kept"], json!([]), "{report}");
    let erased: Vec<&str> = report["erased"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["what"].as_str().unwrap())
        .collect();
    assert!(erased.contains(&"agreements"), "{report}");
    let after: Value = app
        .get(
            &format!("/api/v1/participants/{pid}"),
            Some(&f.coordinator.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(after["full_name"], "[erased]");
    let a: Value = app
        .get(
            &format!("/api/v1/agreements/{}", agreement["id"].as_str().unwrap()),
            Some(&f.coordinator.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(a["content"]["participant_name"], "[erased]");
    assert!(!a.to_string().contains(name), "{a}");
    assert_eq!(
        a["content"]["mobility_code"],
        agreement["content"]["mobility_code"]
    );
}
