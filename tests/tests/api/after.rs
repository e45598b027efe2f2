//! After the mobility: evaluation, knowledge sharing, workshops, digital stories, new
//! practice, obligations, progress, indicators and exports.

use super::applications::{Fixture, fixture};
use super::preparation::participant_user;
use super::selection::{Submitted, selected_with};
use mobility_tests::*;
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

struct Trip {
    f: Fixture,
    pid: String,
    me: String,
    app: Submitted,
}

/// One participant on the first mobility (DTFL) or the second (heritage), dated 25–29
/// March 2026, back home and `travelled`, the clock on 2 April 2026.
async fn trip(app: &TestApp, heritage: bool) -> Trip {
    let mut f = fixture(app).await;
    if heritage {
        f.mobility_ids.swap(0, 1);
    }
    let (pids, mut apps) = selected_with(app, &f, &[true]).await;
    let res = app
        .patch(
            &format!("/api/v1/mobilities/{}", f.mobility_ids[0]),
            Some(&f.coordinator.token),
            &json!({"start_date": "2026-03-25", "end_date": "2026-03-29"}),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    let me = participant_user(app, &f, &pids[0]).await;
    app.set_time("2026-04-02T08:00:00Z");
    let res = app
        .post(
            &format!("/api/v1/participants/{}/return", pids[0]),
            Some(&f.coordinator.token),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "travelled");
    Trip {
        pid: pids[0].clone(),
        me,
        app: apps.remove(0),
        f,
    }
}

fn status_of<'a>(obligations: &'a Value, key: &str) -> &'a str {
    obligations
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["key"] == key)
        .unwrap_or_else(|| panic!("no obligation {key}"))["status"]
        .as_str()
        .unwrap()
}

async fn obligations(app: &TestApp, t: &Trip) -> Value {
    app.get(
        &format!("/api/v1/participants/{}/obligations", t.pid),
        Some(&t.me),
    )
    .await
    .json()
    .await
    .unwrap()
}

async fn answer_questionnaire(app: &TestApp, t: &Trip) -> reqwest::Response {
    app.req(Method::PUT, &format!("/api/v1/participants/{}/questionnaire-response", t.pid), Some(&t.me))
        .json(&json!({"answers": {"overall": 5, "programme": 4, "preparation": 4, "goals": 5, "recommend": "da", "best": "Delavnica DTFL.", "improve": ""}}))
        .send()
        .await
        .unwrap()
}

async fn report(app: &TestApp, t: &Trip) {
    let res = app
        .req(Method::PUT, &format!("/api/v1/participants/{}/report", t.pid), Some(&t.me))
        .json(&json!({"goals_achieved": "Da.", "results": "Nova znanja.", "impacts": "Boljše delavnice.", "new_ideas": "Klub bralcev.", "transfer_possibilities": "Mesečne delavnice."}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        app.post(
            &format!("/api/v1/participants/{}/report/submit", t.pid),
            Some(&t.me),
            &json!({})
        )
        .await
        .status(),
        200
    );
}

async fn oral_evaluation(app: &TestApp, t: &Trip) {
    let m: Value = app
        .post(&format!("/api/v1/mobilities/{}/meetings", t.f.mobility_ids[0]), Some(&t.f.coordinator.token), &json!({"kind": "evaluation", "title": "Ustna evalvacija", "starts_at": "2026-04-01T14:00:00Z", "duration_minutes": 60}))
        .await
        .json()
        .await
        .unwrap();
    let res = app
        .req(
            Method::PUT,
            &format!("/api/v1/meetings/{}/attendance", m["id"].as_str().unwrap()),
            Some(&t.f.coordinator.token),
        )
        .json(&json!({"participant_id": t.pid, "attended": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

async fn share(app: &TestApp, t: &Trip, kind: &str, date: &str) -> reqwest::Response {
    app.post(&format!("/api/v1/participants/{}/dissemination", t.pid), Some(&t.me), &json!({"kind": kind, "date": date, "title": format!("{kind} {date}"), "url": "https://www.knjiznice.si/novica"})).await
}

async fn all_sharing(app: &TestApp, t: &Trip) {
    for (kind, date) in [
        ("social_media_post", "2026-03-25"),
        ("social_media_post", "2026-03-27"),
        ("social_media_post", "2026-03-29"),
        ("colleagues_presentation", "2026-04-02"),
        ("professional_event", "2026-04-02"),
        ("portal_publication", "2026-04-02"),
        ("knjiznicarske_novice", "2026-04-02"),
        ("library_website", "2026-04-02"),
    ] {
        assert_eq!(share(app, t, kind, date).await.status(), 201, "{kind}");
    }
}

async fn workshop(app: &TestApp, t: &Trip) -> Value {
    let res = app.post("/api/v1/workshops", Some(&t.app.library.token), &json!({"mobility_id": t.f.mobility_ids[0], "title": "Delavnica za starejše", "planned_on": "2026-04-01", "facilitators": [t.pid]})).await;
    assert_eq!(res.status(), 201);
    let w: Value = res.json().await.unwrap();
    let res = app.patch(&format!("/api/v1/workshops/{}", w["id"].as_str().unwrap()), Some(&t.app.library.token), &json!({"held_on": "2026-04-01", "attendees_count": 11, "attendees_profile": {"age_60_69": 5, "age_70_79": 4, "age_80_plus": 2, "retired": 11, "first_time_in_library": 3}}), None).await;
    assert_eq!(res.status(), 200);
    let held: Value = res.json().await.unwrap();
    assert_eq!(held["status"], "held");
    held
}

async fn adopt(app: &TestApp, t: &Trip, method: &str) {
    let a: Value = app
        .post("/api/v1/practice-adoptions", Some(&t.app.library.token), &json!({"mobility_id": t.f.mobility_ids[0], "method": method, "description": "Mesečne delavnice", "plan": [{"step": "Pilot", "due": "2026-04-01"}]}))
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/api/v1/practice-adoptions/{}", a["id"].as_str().unwrap());
    assert_eq!(
        app.patch(
            &path,
            Some(&t.app.library.token),
            &json!({"status": "piloted"}),
            None
        )
        .await
        .status(),
        200
    );
    let res = app.patch(&path, Some(&t.app.library.token), &json!({"status": "adopted", "adopted_on": "2026-04-01", "first_regular_activity": "Prva redna delavnica 1. aprila."}), None).await;
    assert_eq!(res.status(), 200);
}

async fn participant_status(app: &TestApp, t: &Trip) -> String {
    let p: Value = app
        .get(&format!("/api/v1/participants/{}", t.pid), Some(&t.me))
        .await
        .json()
        .await
        .unwrap();
    p["status"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_dtfl_participant_walks_from_travelled_to_completed() {
    let app = spawn_app().await;
    let t = trip(&app, false).await;
    let o = obligations(&app, &t).await;
    let keys: Vec<&str> = o
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        vec![
            "questionnaire",
            "oral_evaluation",
            "report",
            "colleagues_presentation",
            "professional_event",
            "portal_publication",
            "knjiznicarske_novice",
            "library_website",
            "social_media_posts",
            "workshop_held",
            "workshop_report",
            "practice_plan",
            "practice_adopted"
        ]
    );
    assert!(o.as_array().unwrap().iter().all(|x| x["status"] != "met"));
    // Posts were due by the last day of the mobility.
    assert_eq!(status_of(&o, "social_media_posts"), "overdue");
    assert_eq!(status_of(&o, "report"), "pending");
    let due = o
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["key"] == "report")
        .unwrap()["due"]
        .clone();
    assert_eq!(due, "2026-04-28", "30 days after the return by default");

    assert_eq!(answer_questionnaire(&app, &t).await.status(), 204);
    report(&app, &t).await;
    oral_evaluation(&app, &t).await;
    all_sharing(&app, &t).await;
    let w = workshop(&app, &t).await;
    let res = app
        .req(Method::PUT, &format!("/api/v1/workshops/{}/report", w["id"].as_str().unwrap()), Some(&t.app.library.token))
        .json(&json!({"learning_needs": [{"need": "Varna raba pametnega telefona", "description": "Bančništvo, sporočila", "raised_by": 8}, {"need": "Družinska zgodovina", "raised_by": 4}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(participant_status(&app, &t).await, "travelled");
    adopt(&app, &t, "dtfl").await;

    let o = obligations(&app, &t).await;
    assert!(
        o.as_array().unwrap().iter().all(|x| x["status"] == "met"),
        "{o}"
    );
    assert_eq!(
        o.as_array()
            .unwrap()
            .iter()
            .find(|x| x["key"] == "social_media_posts")
            .unwrap()["records"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(participant_status(&app, &t).await, "completed");

    let progress: Value = app
        .get(
            &format!("/api/v1/mobilities/{}/progress", t.f.mobility_ids[0]),
            Some(&t.f.coordinator.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(progress["participants"][0]["met"], 13);
    assert_eq!(progress["participants"][0]["overdue"], 0);
    assert_problem(
        app.get(
            &format!("/api/v1/mobilities/{}/progress", t.f.mobility_ids[0]),
            Some(&t.me),
        )
        .await,
        403,
        "auth.forbidden",
    )
    .await;

    // Removing a record that met an obligation takes the participant back to `travelled`.
    let items: Value = app
        .get(
            &format!("/api/v1/participants/{}/dissemination", t.pid),
            Some(&t.me),
        )
        .await
        .json()
        .await
        .unwrap();
    let website = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "library_website")
        .unwrap();
    assert_eq!(
        app.delete(
            &format!("/api/v1/dissemination/{}", website["id"].as_str().unwrap()),
            Some(&t.me)
        )
        .await
        .status(),
        204
    );
    assert_eq!(participant_status(&app, &t).await, "travelled");
}

#[tokio::test]
async fn a_heritage_participant_walks_to_completed_through_a_published_story() {
    let app = spawn_app().await;
    let t = trip(&app, true).await;
    let o = obligations(&app, &t).await;
    let keys: Vec<&str> = o
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["key"].as_str().unwrap())
        .collect();
    assert!(
        keys.contains(&"digital_story")
            && !keys.contains(&"workshop_report")
            && !keys.contains(&"practice_plan")
    );
    assert_eq!(answer_questionnaire(&app, &t).await.status(), 204);
    report(&app, &t).await;
    oral_evaluation(&app, &t).await;
    all_sharing(&app, &t).await;
    let w = workshop(&app, &t).await;
    assert_eq!(w["kind"], "cultural_heritage");
    let res = app
        .req(
            Method::PUT,
            &format!("/api/v1/workshops/{}/report", w["id"].as_str().unwrap()),
            Some(&t.app.library.token),
        )
        .json(&json!({"topics": ["mlinarstvo"], "materials_collected": ["fotografije mlinov"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    let story: Value = app
        .post("/api/v1/digital-stories", Some(&t.me), &json!({"workshop_id": w["id"], "title": "Mlini ob Krki & spomini", "summary": "Spomini starejših na mline.", "text": "Besedilo zgodbe …", "language": "sl", "place": "Krško", "period": "1950–1970", "subjects": ["mlinarstvo", "reka Krka"], "contributors": [{"name": "Ana Kos", "consent_date": "2026-04-01", "consent_scope": "objava na portalu Kamra in v Europeani", "licence": "CC BY-SA 4.0"}, {"name": "Ivan Novak"}]}))
        .await
        .json()
        .await
        .unwrap();
    let sid = story["id"].as_str().unwrap().to_string();
    let form = Form::new()
        .part("file", Part::bytes(PNG.to_vec()).file_name("mlin.png"))
        .text("caption", "Mlin na Krki")
        .text("creator", "Ana Kos");
    let res = app
        .req(
            Method::POST,
            &format!("/api/v1/digital-stories/{sid}/media"),
            Some(&t.me),
        )
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let media: Value = res.json().await.unwrap();
    assert_eq!(media["content_type"], "image/png");
    assert_eq!(media["filename"], "mlin.png");

    let p = assert_problem(
        app.post(
            &format!("/api/v1/digital-stories/{sid}/submit"),
            Some(&t.me),
            &json!({}),
        )
        .await,
        422,
        "story.consent_missing",
    )
    .await;
    assert!(p["detail"].as_str().unwrap().contains("Ivan Novak"));
    let both = json!([{"name": "Ana Kos", "consent_date": "2026-04-01", "consent_scope": "objava na portalu Kamra in v Europeani", "licence": "CC BY-SA 4.0"}, {"name": "Ivan Novak", "consent_date": "2026-04-01", "consent_scope": "objava na portalu Kamra", "licence": "CC BY 4.0"}]);
    assert_eq!(
        app.patch(
            &format!("/api/v1/digital-stories/{sid}"),
            Some(&t.me),
            &json!({"contributors": both}),
            None
        )
        .await
        .status(),
        200
    );
    assert_problem(
        app.post(
            &format!("/api/v1/digital-stories/{sid}/submit"),
            Some(&t.me),
            &json!({}),
        )
        .await,
        422,
        "story.media_licence_missing",
    )
    .await;
    let mpath = format!(
        "/api/v1/digital-stories/{sid}/media/{}",
        media["id"].as_str().unwrap()
    );
    assert_eq!(
        app.patch(
            &mpath,
            Some(&t.me),
            &json!({"licence": "CC BY-SA 4.0"}),
            None
        )
        .await
        .status(),
        200
    );
    let form = Form::new()
        .part(
            "file",
            Part::bytes(b"GIF89a....".to_vec()).file_name("x.gif"),
        )
        .text("licence", "CC0");
    assert_problem(
        app.req(
            Method::POST,
            &format!("/api/v1/digital-stories/{sid}/media"),
            Some(&t.me),
        )
        .multipart(form)
        .send()
        .await
        .unwrap(),
        415,
        "document.unsupported_type",
    )
    .await;

    // Publishing needs the submission first and then an https address on kamra.si.
    assert_problem(
        app.post(
            &format!("/api/v1/digital-stories/{sid}/publish"),
            Some(&t.me),
            &json!({"kamra_url": "https://www.kamra.si/x"}),
        )
        .await,
        409,
        "story.invalid_transition",
    )
    .await;
    let res = app
        .post(
            &format!("/api/v1/digital-stories/{sid}/submit"),
            Some(&t.me),
            &json!({}),
        )
        .await;
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "submitted");
    let p = assert_problem(
        app.post(
            &format!("/api/v1/digital-stories/{sid}/publish"),
            Some(&t.me),
            &json!({"kamra_url": "http://www.kamra.si/x"}),
        )
        .await,
        422,
        "validation.failed",
    )
    .await;
    assert_eq!(problem_fields(&p), vec!["kamra_url"]);
    assert_problem(
        app.post(
            &format!("/api/v1/digital-stories/{sid}/publish"),
            Some(&t.me),
            &json!({"kamra_url": "https://kamra.si.example.com/x"}),
        )
        .await,
        422,
        "validation.failed",
    )
    .await;
    assert_eq!(participant_status(&app, &t).await, "travelled");
    let url = "https://www.kamra.si/digitalne-zgodbe/item/mlini-ob-krki.html";
    let published: Value = app
        .post(
            &format!("/api/v1/digital-stories/{sid}/publish"),
            Some(&t.me),
            &json!({"kamra_url": url}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(published["status"], "published");

    // The hand-over package for Kamra, read back with a real ZIP reader and XML parser.
    let res = app
        .get(
            &format!("/api/v1/digital-stories/{sid}/kamra-package"),
            Some(&t.f.coordinator.token),
        )
        .await;
    assert_eq!(
        res.headers().get("content-type").unwrap(),
        "application/zip"
    );
    let bytes = res.bytes().await.unwrap().to_vec();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut names: Vec<String> = (0..zip.len())
        .map(|i| zip.by_index(i).unwrap().name().to_string())
        .collect();
    names.sort();
    assert_eq!(
        names,
        vec!["dublin-core.xml", "media/mlin.png", "story.json"]
    );
    let mut png = Vec::new();
    std::io::Read::read_to_end(&mut zip.by_name("media/mlin.png").unwrap(), &mut png).unwrap();
    assert_eq!(png, PNG);
    let mut story_json = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("story.json").unwrap(), &mut story_json)
        .unwrap();
    let sj: Value = serde_json::from_str(&story_json).unwrap();
    assert_eq!(sj["kamra_url"], url);
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("dublin-core.xml").unwrap(), &mut xml).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let dc = "http://purl.org/dc/elements/1.1/";
    let values = |name: &str| {
        doc.descendants()
            .filter(|n| n.has_tag_name((dc, name)))
            .map(|n| n.text().unwrap_or("").to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(values("title"), vec!["Mlini ob Krki & spomini"]);
    assert_eq!(values("description"), vec!["Spomini starejših na mline."]);
    assert_eq!(values("creator"), vec![t.app.library_name.clone()]);
    assert_eq!(values("contributor"), vec!["Ana Kos", "Ivan Novak"]);
    assert_eq!(values("subject"), vec!["mlinarstvo", "reka Krka"]);
    assert_eq!(values("coverage"), vec!["Krško", "1950–1970"]);
    assert_eq!(values("language"), vec!["sl"]);
    assert_eq!(values("rights"), vec!["CC BY 4.0", "CC BY-SA 4.0"]);
    assert_eq!(values("date").len(), 1);

    adopt(&app, &t, "good_practice").await;
    let o = obligations(&app, &t).await;
    assert!(
        o.as_array().unwrap().iter().all(|x| x["status"] == "met"),
        "{o}"
    );
    assert_eq!(participant_status(&app, &t).await, "completed");
}
