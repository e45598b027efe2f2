//! What the agreement PDFs say, read back with poppler (`pdftotext`, `pdfinfo`) where it is
//! installed (CI installs it): numbered articles, the parties with their representatives, the
//! amounts from the unit costs or "to be confirmed", signature blocks with name, function and
//! place, true metadata; a change of the amounts makes a new version.

use super::agreements::{pdftotext, poppler};
use super::applications::fixture;
use super::preparation::selected;
use mobility_tests::*;
use reqwest::Method;
use serde_json::{Value, json};

fn pdfinfo(bytes: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = poppler(std::process::Command::new("pdfinfo").arg(&path))?;
    assert!(out.status.success(), "pdfinfo could not read the PDF");
    Some(String::from_utf8(out.stdout).unwrap())
}

async fn document(app: &TestApp, token: &str, id: &str) -> Vec<u8> {
    app.get(&format!("/api/v1/agreements/{id}/document"), Some(token))
        .await
        .bytes()
        .await
        .unwrap()
        .to_vec()
}

#[tokio::test]
async fn a_grant_agreement_names_parties_amounts_and_signatories_and_new_amounts_make_a_new_version()
 {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let (pids, apps) = selected(&app, &f, 1).await;
    let coordinator = &f.coordinator.token;
    let admin = app.admin_token().await;
    let zsk = app.zsk_project().await;
    // The library's director and town; the project's responsible person; the distance.
    let res = app
        .patch(
            &format!("/api/v1/organisations/{}", apps[0].library_id),
            Some(&admin),
            &json!({"director_name": "Ana Novak", "city": "Kranj"}),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    let responsible = app.user("committee", None).await;
    app.post(
        &format!("/api/v1/projects/{}/team", zsk["id"].as_str().unwrap()),
        Some(&admin),
        &json!({"user_id": responsible.id, "function": "responsible_person"}),
    )
    .await;
    let res = app
        .patch(
            &format!("/api/v1/mobilities/{}", f.mobility_ids[0]),
            Some(coordinator),
            &json!({"distance_km": 1500}),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);

    let res = app
        .post(
            &format!("/api/v1/participants/{}/agreements", pids[0]),
            Some(coordinator),
            &json!({"kind": "grant"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let grant: Value = res.json().await.unwrap();
    assert_eq!(grant["amounts_changed"], false);
    let id = grant["id"].as_str().unwrap().to_string();
    let c = &grant["content"];
    let library = c["signatories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["party"] == "library")
        .unwrap();
    assert_eq!(library["name"], "Ana Novak");
    assert_eq!(library["function"], "direktor/-ica");
    assert_eq!(library["place"], "Kranj");
    let zsk_signs = c["signatories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["party"] == "zsk")
        .unwrap();
    let me: Value = app
        .get("/api/v1/auth/me", Some(&responsible.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(zsk_signs["name"], me["full_name"]);
    assert_eq!(zsk_signs["function"], "odgovorna oseba projekta");
    // Travel from the seeded bands; individual support waits for its rate.
    let amounts = c["amounts"].as_array().unwrap();
    assert_eq!(amounts[0]["item"], "Potni stroški");
    assert!(amounts[0]["amount"].is_string(), "{amounts:?}");
    assert_eq!(amounts[1]["item"], "Individualna podpora");
    assert!(amounts[1]["amount"].is_null());

    let pdf = document(&app, coordinator, &id).await;
    if let Some(text) = pdftotext(&pdf) {
        // Lines wrap where they wrap: compare with white space collapsed.
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for expected in [
            "1. člen: Stranke",
            "ki jo zastopa Ana Novak (direktor/-ica)",
            "člen: Finančna podpora",
            "znesek bo potrjen",
            "Ime in priimek: Ana Novak",
            "Funkcija: odgovorna oseba projekta",
            "Kraj in datum: Kranj,",
            "člen: Obveznosti udeleženca po mobilnosti",
        ] {
            assert!(text.contains(expected), "{expected:?} missing in:\n{text}");
        }
        let info = pdfinfo(&pdf).unwrap();
        assert!(
            info.lines()
                .any(|l| l.starts_with("PDF version:") && l.trim_end().ends_with("1.7")),
            "{info}"
        );
        assert!(
            info.lines()
                .any(|l| l.starts_with("Title:") && l.ends_with("Sporazum o nepovratnih sredstvih")),
            "{info}"
        );
        assert!(
            info.lines()
                .any(|l| l.starts_with("Author:") && l.contains("Združenje")),
            "{info}"
        );
    } else {
        eprintln!("poppler-utils are not installed: the PDF text checks did not run");
    }

    // ZSK signs version 1; then the rate is entered: amending makes version 2 with the
    // amount, to be signed again.
    let res = app
        .post(
            &format!("/api/v1/agreements/{id}/signatures"),
            Some(coordinator),
            &json!({"party": "zsk", "method": "in_app", "confirm": true, "version": 1, "document_sha256": grant["document_sha256"]}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let accountant = app.user("accountant", None).await;
    let mut rates: Value = app
        .get("/api/v1/unit-cost-rates/2025", Some(&accountant.token))
        .await
        .json()
        .await
        .unwrap();
    rates["individual_support_per_day"] = json!({"1": "100.00", "2": "90.00", "3": "80.00"});
    let res = app
        .req(
            Method::PUT,
            "/api/v1/unit-cost-rates/2025",
            Some(&accountant.token),
        )
        .json(&rates)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let v1: Value = app
        .get(&format!("/api/v1/agreements/{id}"), Some(coordinator))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        v1["amounts_changed"], true,
        "the rates give other amounts now"
    );
    let res = app
        .post(
            &format!("/api/v1/agreements/{id}/amend"),
            Some(coordinator),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 201, "{:?}", res.text().await);
    let v2: Value = res.json().await.unwrap();
    assert_eq!(v2["version"], 2);
    assert_eq!(v2["amounts_changed"], false);
    assert!(
        v2["parties"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["signed"] == false),
        "{v2}"
    );
    let v1: Value = app
        .get(&format!("/api/v1/agreements/{id}"), Some(coordinator))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v1["status"], "superseded");
    let individual = &v2["content"]["amounts"][1];
    assert!(individual["amount"].is_string(), "{individual:?}");
    if let Some(text) = pdftotext(&document(&app, coordinator, v2["id"].as_str().unwrap()).await) {
        let amount = individual["amount"].as_str().unwrap().replace('.', ",");
        assert!(
            text.contains(&format!("Individualna podpora: {amount} EUR")),
            "{text}"
        );
    }
}

#[tokio::test]
async fn the_europass_record_prints_no_empty_labels() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let (pids, _) = selected(&app, &f, 1).await;
    let path = format!("/api/v1/participants/{}/europass", pids[0]);
    let res = app
        .req(Method::PUT, &path, Some(&f.coordinator.token))
        .json(&json!({"objectives": "Spoznati metodo DTFL."}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let bytes = app
        .get(&format!("{path}/document"), Some(&f.coordinator.token))
        .await
        .bytes()
        .await
        .unwrap();
    if let Some(text) = pdftotext(&bytes) {
        assert!(text.contains("Cilji: Spoznati metodo DTFL."), "{text}");
        for empty in ["Mentor:", "Dejavnosti:", "Jezik:", "Pridobljene spretnosti"] {
            assert!(
                !text.contains(empty),
                "{empty} printed without a value:\n{text}"
            );
        }
        assert!(!text.contains("člen"), "the record is not a contract");
    }
}

/// The learning agreement names the host's representative and the host's town at its
/// signature. With `MOBILITY_SAMPLE_PDFS_DIR` set, the three kinds of document are written
/// there (the README's pictures are their first pages: `pdftoppm -png -r 50 -singlefile`).
#[tokio::test]
async fn the_learning_agreement_is_signed_for_the_host_by_its_director() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let (pids, apps) = selected(&app, &f, 1).await;
    let coordinator = &f.coordinator.token;
    let admin = app.admin_token().await;
    let m: Value = app
        .get(&format!("/api/v1/mobilities/{}", f.mobility_ids[0]), None)
        .await
        .json()
        .await
        .unwrap();
    for (org, change) in [
        (
            m["host_organisation_id"].as_str().unwrap(),
            json!({"director_name": "Knud Schulz", "city": "Aarhus"}),
        ),
        (
            apps[0].library_id.as_str(),
            json!({"name": "Mestna knjižnica Kranj", "director_name": "Ana Novak", "city": "Kranj"}),
        ),
    ] {
        let res = app
            .patch(
                &format!("/api/v1/organisations/{org}"),
                Some(&admin),
                &change,
                None,
            )
            .await;
        assert_eq!(res.status(), 200);
    }
    let mut docs = Vec::new();
    for kind in ["grant", "learning"] {
        let a: Value = app
            .post(
                &format!("/api/v1/participants/{}/agreements", pids[0]),
                Some(coordinator),
                &json!({"kind": kind}),
            )
            .await
            .json()
            .await
            .unwrap();
        docs.push((
            kind,
            document(&app, coordinator, a["id"].as_str().unwrap()).await,
        ));
    }
    let path = format!("/api/v1/participants/{}/europass", pids[0]);
    let res = app
        .req(Method::PUT, &path, Some(coordinator))
        .json(&json!({"mentor": "Anne Hansen, Dokk1", "objectives": "Spoznati metodo DTFL in knjižnico kot prostor skupnosti.", "activities": "Delavnica DTFL; ogled IRIS MediaLab in CTR / SDG-Lab.", "skills_acquired": "Načrtovanje delavnic po metodi DTFL; sodelovanje s skupnostjo.", "language": "sl"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let europass = app
        .get(&format!("{path}/document"), Some(coordinator))
        .await
        .bytes()
        .await
        .unwrap()
        .to_vec();
    docs.push(("europass", europass));
    if let Some(text) = pdftotext(&docs[1].1) {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for expected in [
            "Učni sporazum",
            "1. člen: Stranke",
            "ki jo zastopa Knud Schulz (direktor/-ica)",
            "Ime in priimek: Knud Schulz",
            "Kraj in datum: Aarhus,",
        ] {
            assert!(text.contains(expected), "{expected:?} missing in:\n{text}");
        }
        assert!(
            !text.contains("Finančna podpora"),
            "amounts belong to the grant agreement"
        );
    }
    if let Ok(dir) = std::env::var("MOBILITY_SAMPLE_PDFS_DIR") {
        for (kind, bytes) in &docs {
            std::fs::write(
                std::path::Path::new(&dir).join(format!("{kind}.pdf")),
                bytes,
            )
            .unwrap();
        }
    }
}
