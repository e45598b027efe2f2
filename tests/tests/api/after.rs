//! After the mobility: evaluation, knowledge sharing, workshops, digital stories, new
//! practice, obligations, progress, indicators and exports.

use super::applications::{Fixture, fixture};
use super::preparation::participant_user;
use super::selection::{Submitted, selected_with};
use mobility_tests::*;
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

pub const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

pub struct Trip {
    pub f: Fixture,
    pub pid: String,
    pub me: String,
    pub app: Submitted,
}

/// One participant on the first mobility (DTFL) or the second (heritage), dated 25–29
/// March 2026, back home and `travelled`, the clock on 2 April 2026.
pub async fn trip(app: &TestApp, heritage: bool) -> Trip {
    let mut f = fixture(app).await;
    if heritage {
        f.mobility_ids.swap(0, 1);
    }
    let (pids, mut apps) = selected_with(app, &f, &[true]).await;
    // The heritage mobility was announced for the first half of May.
    let dates = if heritage {
        json!({"start_date": "2026-03-25", "end_date": "2026-03-29", "outside_window_reason": "Gostitelj nas lahko sprejme le konec marca."})
    } else {
        json!({"start_date": "2026-03-25", "end_date": "2026-03-29"})
    };
    let res = app
        .patch(
            &format!("/api/v1/mobilities/{}", f.mobility_ids[0]),
            Some(&f.coordinator.token),
            &dates,
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    let me = participant_user(app, &f, &pids[0]).await;
    app.set_time("2026-04-02T08:00:00Z");
    // After the last day a return is not early: no reason is taken.
    let p = assert_problem(
        app.post(
            &format!("/api/v1/participants/{}/return", pids[0]),
            Some(&f.coordinator.token),
            &json!({"early_return_reason": "Prej domov."}),
        )
        .await,
        422,
        "validation.failed",
    )
    .await;
    assert_eq!(p["errors"][0]["code"], "not_early");
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
    obligations["obligations"]
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

pub async fn workshop(app: &TestApp, t: &Trip) -> Value {
    let res = app.post("/api/v1/workshops", Some(&t.app.library.token), &json!({"mobility_id": t.f.mobility_ids[0], "title": "Delavnica za starejše", "planned_on": "2026-04-01", "facilitators": [t.pid]})).await;
    assert_eq!(res.status(), 201);
    let w: Value = res.json().await.unwrap();
    let res = app.patch(&format!("/api/v1/workshops/{}", w["id"].as_str().unwrap()), Some(&t.app.library.token), &json!({"held_on": "2026-04-01", "attendees_count": 11, "attendees_profile": {"age_60_69": 5, "age_70_79": 4, "age_80_plus": 2, "retired": 11, "first_time_in_library": 3}}), None).await;
    assert_eq!(res.status(), 200);
    let held: Value = res.json().await.unwrap();
    assert_eq!(held["status"], "held");
    held
}

/// The feed read by Python's feedparser, when `MOBILITY_TEST_FEEDPARSER` names a Python that
/// has it (CI sets it): well-formed, an Atom 1.0 feed, every entry with an id and a link.
fn feedparser_reads(atom: &str, entries: usize) {
    let Some(python) = std::env::var("MOBILITY_TEST_FEEDPARSER")
        .ok()
        .filter(|p| !p.is_empty())
    else {
        eprintln!("MOBILITY_TEST_FEEDPARSER unset: the Atom feed is checked with roxmltree only");
        return;
    };
    let script = r#"
import json, sys, feedparser
d = feedparser.parse(sys.stdin.buffer.read())
print(json.dumps({"bozo": bool(d.bozo), "error": str(d.get("bozo_exception", "")),
                  "version": d.version, "title": d.feed.get("title"),
                  "entries": [{"id": e.get("id"), "link": e.get("link"), "title": e.get("title")}
                              for e in d.entries]}))
"#;
    let mut child = std::process::Command::new(&python)
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("MOBILITY_TEST_FEEDPARSER={python}: {e}"));
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), atom.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "feedparser: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let parsed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(parsed["bozo"], false, "{parsed}");
    assert_eq!(parsed["version"], "atom10");
    assert!(parsed["title"].is_string());
    let items = parsed["entries"].as_array().unwrap();
    assert_eq!(items.len(), entries);
    assert!(
        items
            .iter()
            .all(|e| e["id"].as_str().unwrap().starts_with("urn:uuid:")
                && e["link"].as_str().unwrap().starts_with("https://"))
    );
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
    let keys: Vec<&str> = o["obligations"]
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
    assert!(
        o["obligations"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["status"] != "met")
    );
    // Posts were due by the last day of the mobility.
    assert_eq!(status_of(&o, "social_media_posts"), "overdue");
    assert_eq!(status_of(&o, "report"), "pending");
    let due = o["obligations"]
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
        o["obligations"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["status"] == "met"),
        "{o}"
    );
    assert_eq!(
        o["obligations"]
            .as_array()
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
    let website = items["items"]
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
    let keys: Vec<&str> = o["obligations"]
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
    // Text parts without the file, or a part the form does not take, are refused.
    let upload = |form: Form| {
        app.req(
            Method::POST,
            &format!("/api/v1/digital-stories/{sid}/media"),
            Some(&t.me),
        )
        .multipart(form)
        .send()
    };
    let res = upload(Form::new().text("caption", "Brez datoteke"))
        .await
        .unwrap();
    assert_problem(res, 422, "document.file_missing").await;
    let res = upload(
        Form::new()
            .part("file", Part::bytes(PNG.to_vec()).file_name("mlin.png"))
            .text("colour", "red"),
    )
    .await
    .unwrap();
    assert_problem(res, 400, "request.invalid_multipart").await;
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
    // Media go in as they are (already compressed formats); the text is deflated.
    assert_eq!(
        zip.by_name("media/mlin.png").unwrap().compression(),
        zip::CompressionMethod::Stored
    );
    assert_eq!(
        zip.by_name("story.json").unwrap().compression(),
        zip::CompressionMethod::Deflated
    );
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

    // The project's public Atom feed: the story and the web publications, by library.
    let project = app.zsk_project().await["id"].as_str().unwrap().to_string();
    let res = app
        .get(&format!("/api/v1/projects/{project}/feed.atom"), None)
        .await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/atom+xml")
    );
    let atom = res.text().await.unwrap();
    let doc = roxmltree::Document::parse(&atom).expect("well-formed Atom");
    let ns = "http://www.w3.org/2005/Atom";
    let entries: Vec<_> = doc
        .root_element()
        .children()
        .filter(|n| n.has_tag_name((ns, "entry")))
        .collect();
    let child = |n: &roxmltree::Node, name: &str| {
        n.children()
            .find(|c| c.has_tag_name((ns, name)))
            .map(|c| c.text().unwrap_or("").to_string())
    };
    let attr = |n: &roxmltree::Node, name: &str, a: &str| {
        n.children()
            .find(|c| c.has_tag_name((ns, name)))
            .and_then(|c| c.attribute(a).map(str::to_string))
    };
    let mut kinds: Vec<String> = entries
        .iter()
        .filter_map(|e| attr(e, "category", "term"))
        .collect();
    kinds.sort();
    assert_eq!(
        kinds,
        [
            "digital_story",
            "knjiznicarske_novice",
            "library_website",
            "portal_publication",
            "social_media_post",
            "social_media_post",
            "social_media_post"
        ],
        "publications only: no presentations or talks"
    );
    let story_entry = entries
        .iter()
        .find(|e| attr(e, "category", "term").as_deref() == Some("digital_story"))
        .unwrap();
    assert_eq!(
        child(story_entry, "title").unwrap(),
        "Mlini ob Krki & spomini"
    );
    assert_eq!(attr(story_entry, "link", "href").unwrap(), url);
    assert_eq!(child(story_entry, "id").unwrap(), format!("urn:uuid:{sid}"));
    for e in &entries {
        let author = e
            .children()
            .find(|c| c.has_tag_name((ns, "author")))
            .and_then(|a| a.children().find(|c| c.has_tag_name((ns, "name"))))
            .and_then(|n| n.text())
            .unwrap();
        assert_eq!(author, t.app.library_name);
    }
    assert!(!atom.contains("Kandidat"), "no person is named");
    feedparser_reads(&atom, entries.len());
    assert_problem(
        app.get(
            &format!("/api/v1/projects/{}/feed.atom", uuid::Uuid::now_v7()),
            None,
        )
        .await,
        404,
        "project.not_found",
    )
    .await;

    adopt(&app, &t, "good_practice").await;
    let o = obligations(&app, &t).await;
    assert!(
        o["obligations"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["status"] == "met"),
        "{o}"
    );
    assert_eq!(participant_status(&app, &t).await, "completed");
}

#[tokio::test]
async fn the_questionnaire_opens_after_the_mobility_takes_one_response_and_aggregates_without_names()
 {
    let app = spawn_app().await;
    let mut f = fixture(&app).await;
    let (pids, _) = selected_with(&app, &f, &[false, false]).await;
    app.patch(
        &format!("/api/v1/mobilities/{}", f.mobility_ids[0]),
        Some(&f.coordinator.token),
        &json!({"start_date": "2026-03-25", "end_date": "2026-03-29"}),
        None,
    )
    .await;
    let me = participant_user(&app, &f, &pids[0]).await;
    let other = participant_user(&app, &f, &pids[1]).await;
    let path = |pid: &str| format!("/api/v1/participants/{pid}/questionnaire-response");
    let answers = json!({"answers": {"overall": 4, "programme": 5, "preparation": 3, "goals": 4, "recommend": "da", "best": "Delavnica.", "improve": "Več časa."}});
    app.set_time("2026-03-28T10:00:00Z");
    assert_problem(
        app.req(Method::PUT, &path(&pids[0]), Some(&me))
            .json(&answers)
            .send()
            .await
            .unwrap(),
        409,
        "questionnaire.not_open",
    )
    .await;
    app.set_time("2026-03-30T10:00:00Z");
    let bad = json!({"answers": {"overall": 6, "programme": 5, "preparation": 3, "goals": 4, "recommend": "mogoče", "extra": 1}});
    let p = assert_problem(
        app.req(Method::PUT, &path(&pids[0]), Some(&me))
            .json(&bad)
            .send()
            .await
            .unwrap(),
        422,
        "validation.failed",
    )
    .await;
    assert_eq!(
        problem_fields(&p),
        vec![
            "answers.best",
            "answers.extra",
            "answers.improve",
            "answers.overall",
            "answers.recommend"
        ]
    );
    // Another participant cannot even see this one: 404.
    assert_problem(
        app.req(Method::PUT, &path(&pids[0]), Some(&other))
            .json(&answers)
            .send()
            .await
            .unwrap(),
        404,
        "participant.not_found",
    )
    .await;
    assert_eq!(
        app.req(Method::PUT, &path(&pids[0]), Some(&me))
            .json(&answers)
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    assert_problem(
        app.req(Method::PUT, &path(&pids[0]), Some(&me))
            .json(&answers)
            .send()
            .await
            .unwrap(),
        409,
        "questionnaire.already_answered",
    )
    .await;
    let second = json!({"answers": {"overall": 5, "programme": 5, "preparation": 5, "goals": 5, "recommend": "da", "best": "Ljudje.", "improve": ""}});
    assert_eq!(
        app.req(Method::PUT, &path(&pids[1]), Some(&other))
            .json(&second)
            .send()
            .await
            .unwrap()
            .status(),
        204
    );

    let res = app
        .get(
            &format!(
                "/api/v1/mobilities/{}/questionnaire/results",
                f.mobility_ids[0]
            ),
            Some(&f.coordinator.token),
        )
        .await;
    let text = res.text().await.unwrap();
    assert!(
        !text.contains("Kandidat") && !text.contains("@"),
        "no names or e-mails: {text}"
    );
    let r: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(r["responses"], 2);
    let overall = r["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["key"] == "overall")
        .unwrap();
    assert_eq!(overall["mean"], 4.5);
    assert_eq!(overall["distribution"], json!({"4": 1, "5": 1}));
    let recommend = r["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["key"] == "recommend")
        .unwrap();
    assert_eq!(recommend["distribution"], json!({"da": 2}));
    let improve = r["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["key"] == "improve")
        .unwrap();
    assert_eq!(improve["texts"], json!(["Več časa."]));
    assert!(
        r["completion"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["answered"] == true)
    );
    assert_problem(
        app.get(
            &format!(
                "/api/v1/mobilities/{}/questionnaire/results",
                f.mobility_ids[0]
            ),
            Some(&me),
        )
        .await,
        403,
        "auth.forbidden",
    )
    .await;
    // The questions are fixed once answers exist.
    let q: Value = app
        .get(
            &format!("/api/v1/mobilities/{}/questionnaire", f.mobility_ids[0]),
            Some(&me),
        )
        .await
        .json()
        .await
        .unwrap();
    let res = app
        .req(
            Method::PUT,
            &format!("/api/v1/mobilities/{}/questionnaire", f.mobility_ids[0]),
            Some(&f.coordinator.token),
        )
        .json(&json!({"questions": q["questions"]}))
        .send()
        .await
        .unwrap();
    assert_problem(res, 409, "questionnaire.locked").await;
    f.mobility_ids.swap(0, 1);
    let res = app
        .req(
            Method::PUT,
            &format!("/api/v1/mobilities/{}/questionnaire", f.mobility_ids[0]),
            Some(&f.coordinator.token),
        )
        .json(&json!({"questions": [{"key": "x", "text": "Izbira", "kind": "single_choice", "options": ["a"]}]}))
        .send()
        .await
        .unwrap();
    let p = assert_problem(res, 422, "validation.failed").await;
    assert_eq!(problem_fields(&p), vec!["questions[0].options"]);
}

#[tokio::test]
async fn reports_are_editable_until_submitted_and_the_evaluation_compiles_them() {
    let app = spawn_app().await;
    let t = trip(&app, false).await;
    let path = format!("/api/v1/participants/{}/report", t.pid);
    let body = json!({"goals_achieved": "Delno.", "results": "R", "impacts": "I", "new_ideas": "N", "transfer_possibilities": "T"});
    assert_eq!(
        app.req(Method::PUT, &path, Some(&t.me))
            .json(&body)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let mut changed = body.clone();
    changed["goals_achieved"] = json!("V celoti.");
    assert_eq!(
        app.req(Method::PUT, &path, Some(&t.me))
            .json(&changed)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_problem(
        app.req(Method::PUT, &path, Some(&t.f.coordinator.token))
            .json(&body)
            .send()
            .await
            .unwrap(),
        403,
        "auth.forbidden",
    )
    .await;
    let p = assert_problem(app.req(Method::PUT, &path, Some(&t.me)).json(&json!({"goals_achieved": "", "results": "R", "impacts": "I", "new_ideas": "N", "transfer_possibilities": "T"})).send().await.unwrap(), 422, "validation.failed").await;
    assert_eq!(problem_fields(&p), vec!["goals_achieved"]);
    assert_eq!(
        app.post(&format!("{path}/submit"), Some(&t.me), &json!({}))
            .await
            .status(),
        200
    );
    assert_problem(
        app.req(Method::PUT, &path, Some(&t.me))
            .json(&body)
            .send()
            .await
            .unwrap(),
        409,
        "report.submitted",
    )
    .await;
    assert_problem(
        app.post(&format!("{path}/submit"), Some(&t.me), &json!({}))
            .await,
        409,
        "report.submitted",
    )
    .await;
    let r: Value = app
        .get(&path, Some(&t.f.coordinator.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(r["goals_achieved"], "V celoti.");
    assert_problem(
        app.get(&path, Some(&t.app.library.token)).await,
        404,
        "report.not_found",
    )
    .await;
    oral_evaluation(&app, &t).await;
    let e: Value = app
        .get(
            &format!("/api/v1/mobilities/{}/evaluation", t.f.mobility_ids[0]),
            Some(&t.f.coordinator.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(e["reports_submitted"], 1);
    assert_eq!(e["findings"][0]["goals_achieved"], "V celoti.");
    assert_eq!(e["oral_evaluations"][0]["attended"], 1);
}

#[tokio::test]
async fn knowledge_sharing_checks_urls_counts_joint_items_and_posts_during_the_mobility() {
    let app = spawn_app().await;
    let mut f = fixture(&app).await;
    let (first_mobility, second_mobility) = (f.mobility_ids[0].clone(), f.mobility_ids[1].clone());
    f.mobility_ids.truncate(1);
    let (pids, _) = selected_with(&app, &f, &[false, false]).await;
    app.patch(
        &format!("/api/v1/mobilities/{}", f.mobility_ids[0]),
        Some(&f.coordinator.token),
        &json!({"start_date": "2026-03-25", "end_date": "2026-03-29"}),
        None,
    )
    .await;
    let me = participant_user(&app, &f, &pids[0]).await;
    let path = format!("/api/v1/participants/{}/dissemination", pids[0]);
    let p = assert_problem(app.post(&path, Some(&me), &json!({"kind": "portal_publication", "date": "2026-04-10", "title": "Članek", "url": "ftp://knjiznice.si/x"})).await, 422, "validation.failed").await;
    assert_eq!(problem_fields(&p), vec!["url"]);
    assert_problem(app.post(&path, Some(&me), &json!({"kind": "portal_publication", "date": "2026-04-10", "title": "Članek", "url": "javascript:alert(1)"})).await, 422, "validation.failed").await;
    // Co-authors are participants of the same mobility.
    // A participant of the other mobility, selected through a call of its own.
    let zsk = app.zsk_project().await;
    let call: Value = app
        .post(
            &format!("/api/v1/projects/{}/calls", zsk["id"].as_str().unwrap()),
            Some(&f.coordinator.token),
            &json!({"title": "Poziv za Litvo", "published_from": "2025-10-13", "deadline": "2025-11-07", "mobility_ids": [second_mobility]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let call_id = call["id"].as_str().unwrap().to_string();
    app.post(
        &format!("/api/v1/calls/{call_id}/publish"),
        Some(&f.coordinator.token),
        &json!({}),
    )
    .await;
    let first_call = std::mem::replace(&mut f.call_id, call_id);
    f.mobility_ids = vec![second_mobility.clone()];
    app.set_time("2025-11-03T10:00:00Z");
    let (others, _) = selected_with(&app, &f, &[false]).await;
    f.mobility_ids = vec![first_mobility.clone()];
    f.call_id = first_call;
    app.set_time("2026-04-20T10:00:00Z");
    // Sharing is recorded once it has happened, and after the return (posts aside).
    for (kind, date, code) in [
        ("colleagues_presentation", "2026-04-21", "in_future"),
        ("social_media_post", "2026-04-21", "in_future"),
        ("colleagues_presentation", "2026-03-10", "before_return"),
        ("portal_publication", "2026-03-27", "before_return"),
    ] {
        let p = assert_problem(
            app.post(
                &path,
                Some(&me),
                &json!({"kind": kind, "date": date, "title": "Predstavitev"}),
            )
            .await,
            422,
            "validation.failed",
        )
        .await;
        assert_eq!(p["errors"][0]["code"], code, "{kind} on {date}");
    }
    let p = assert_problem(
        app.post(&path, Some(&me), &json!({"kind": "knjiznicarske_novice", "date": "2026-04-10", "title": "Članek", "also_participant_ids": [others[0]]})).await,
        422,
        "validation.failed",
    )
    .await;
    assert_eq!(p["errors"][0]["code"], "not_in_mobility");
    // She reads who else travels with her, by name and library, without their contacts.
    let co: Value = app
        .get(
            &format!("/api/v1/participants/{}/co-participants", pids[0]),
            Some(&me),
        )
        .await
        .json()
        .await
        .unwrap();
    let items = co["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{co}");
    assert_eq!(items[0]["participant_id"], pids[1].as_str());
    assert!(items[0]["full_name"].is_string() && items[0]["library_name"].is_string());
    assert!(!co.to_string().contains('@'), "no contacts: {co}");
    assert_problem(
        app.get(
            &format!("/api/v1/participants/{}/co-participants", pids[1]),
            Some(&me),
        )
        .await,
        404,
        "participant.not_found",
    )
    .await;
    // A joint article counts for both participants.
    let res = app.post(&path, Some(&me), &json!({"kind": "knjiznicarske_novice", "date": "2026-04-10", "title": "Skupni članek", "url": "https://www.knjiznice.si/novice/1", "also_participant_ids": [pids[1]]})).await;
    assert_eq!(res.status(), 201);
    let item: Value = res.json().await.unwrap();
    let mut both = vec![pids[0].clone(), pids[1].clone()];
    both.sort();
    assert_eq!(item["participant_ids"], json!(both));
    app.set_time("2026-05-01T10:00:00Z");
    for pid in &pids {
        let o: Value = app
            .get(
                &format!("/api/v1/participants/{pid}/obligations"),
                Some(&f.coordinator.token),
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(status_of(&o, "knjiznicarske_novice"), "met");
    }
    // Posts outside the mobility's dates do not count towards the three during it.
    for d in ["2026-03-24", "2026-03-26", "2026-03-28", "2026-03-30"] {
        assert_eq!(
            app.post(
                &path,
                Some(&me),
                &json!({"kind": "social_media_post", "date": d, "title": "Objava"})
            )
            .await
            .status(),
            201
        );
    }
    let o: Value = app
        .get(
            &format!("/api/v1/participants/{}/obligations", pids[0]),
            Some(&me),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status_of(&o, "social_media_posts"), "overdue");
    assert_eq!(
        app.post(
            &path,
            Some(&me),
            &json!({"kind": "social_media_post", "date": "2026-03-29", "title": "Zadnji dan"})
        )
        .await
        .status(),
        201
    );
    let o: Value = app
        .get(
            &format!("/api/v1/participants/{}/obligations", pids[0]),
            Some(&me),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status_of(&o, "social_media_posts"), "met");
    let stranger = app.user("participant", None).await;
    assert_problem(
        app.get(
            &format!("/api/v1/dissemination/{}", item["id"].as_str().unwrap()),
            Some(&stranger.token),
        )
        .await,
        404,
        "dissemination.not_found",
    )
    .await;
    let form = Form::new().part("file", Part::bytes(PNG.to_vec()).file_name("posnetek.png"));
    let res = app
        .req(
            Method::POST,
            &format!(
                "/api/v1/dissemination/{}/evidence",
                item["id"].as_str().unwrap()
            ),
            Some(&me),
        )
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.json::<Value>().await.unwrap()["evidence_sha256"].is_string());
}

#[tokio::test]
async fn workshops_are_one_per_library_held_with_a_count_and_never_name_attendees() {
    let app = spawn_app().await;
    let t = trip(&app, false).await;
    let body =
        json!({"mobility_id": t.f.mobility_ids[0], "title": "Delavnica", "facilitators": [t.pid]});
    let w: Value = app
        .post("/api/v1/workshops", Some(&t.app.library.token), &body)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(w["kind"], "dtfl_needs");
    assert_problem(
        app.post("/api/v1/workshops", Some(&t.app.library.token), &body)
            .await,
        409,
        "workshop.duplicate",
    )
    .await;
    let other_org = app
        .create_org("Knjižnica Brez Udeleženca", "member_library")
        .await;
    let other = app.user("library", Some(&other_org)).await;
    assert_problem(
        app.post("/api/v1/workshops", Some(&other.token), &body)
            .await,
        422,
        "workshop.library_not_participating",
    )
    .await;
    let path = format!("/api/v1/workshops/{}", w["id"].as_str().unwrap());
    // Held only on a day not in the future, and with a count.
    let p = assert_problem(
        app.patch(
            &path,
            Some(&t.app.library.token),
            &json!({"held_on": "2026-05-01", "attendees_count": 10}),
            None,
        )
        .await,
        422,
        "validation.failed",
    )
    .await;
    assert_eq!(problem_fields(&p), vec!["held_on"]);
    let p = assert_problem(
        app.patch(
            &path,
            Some(&t.app.library.token),
            &json!({"held_on": "2026-04-01"}),
            None,
        )
        .await,
        422,
        "validation.failed",
    )
    .await;
    assert_eq!(problem_fields(&p), vec!["attendees_count"]);
    let p = assert_problem(app.patch(&path, Some(&t.app.library.token), &json!({"held_on": "2026-04-01", "attendees_count": 5, "attendees_profile": {"age_60_69": 4, "age_70_79": 3, "retired": 6}}), None).await, 422, "validation.failed").await;
    assert_eq!(
        problem_fields(&p),
        vec!["attendees_profile", "attendees_profile.retired"]
    );
    // No place for names.
    let res = app
        .patch(
            &path,
            Some(&t.app.library.token),
            &json!({"attendees_profile": {"names": ["Marija"]}}),
            None,
        )
        .await;
    assert_problem(res, 400, "request.invalid_json").await;
    assert_problem(
        app.req(
            Method::PUT,
            &format!("{path}/report"),
            Some(&t.app.library.token),
        )
        .json(&json!({"learning_needs": [{"need": "x", "raised_by": 1}]}))
        .send()
        .await
        .unwrap(),
        409,
        "workshop.not_held",
    )
    .await;
    let held: Value = app
        .patch(
            &path,
            Some(&t.app.library.token),
            &json!({"held_on": "2026-04-01", "attendees_count": 10}),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(held["status"], "held");
    let p = assert_problem(
        app.req(
            Method::PUT,
            &format!("{path}/report"),
            Some(&t.app.library.token),
        )
        .json(&json!({"topics": ["x"]}))
        .send()
        .await
        .unwrap(),
        422,
        "validation.failed",
    )
    .await;
    assert_eq!(problem_fields(&p), vec!["learning_needs"]);
    let p = assert_problem(
        app.req(
            Method::PUT,
            &format!("{path}/report"),
            Some(&t.app.library.token),
        )
        .json(&json!({"learning_needs": [{"need": "Telefoni", "raised_by": 12}]}))
        .send()
        .await
        .unwrap(),
        422,
        "validation.failed",
    )
    .await;
    assert_eq!(problem_fields(&p), vec!["learning_needs[0].raised_by"]);
    assert_problem(
        app.get(&path, Some(&other.token)).await,
        404,
        "workshop.not_found",
    )
    .await;
    // Stories come from heritage workshops only.
    let res = app.post("/api/v1/digital-stories", Some(&t.app.library.token), &json!({"workshop_id": w["id"], "title": "X", "summary": "Y", "text": "Z", "language": "sl"})).await;
    assert_problem(res, 422, "story.not_heritage_workshop").await;
}

#[tokio::test]
async fn a_practice_moves_forward_and_adoption_needs_its_date_and_first_activity() {
    let app = spawn_app().await;
    let t = trip(&app, false).await;
    let a: Value = app.post("/api/v1/practice-adoptions", Some(&t.app.library.token), &json!({"mobility_id": t.f.mobility_ids[0], "method": "dtfl", "description": "DTFL v redno delo"})).await.json().await.unwrap();
    assert_eq!(a["status"], "planned");
    assert_problem(app.post("/api/v1/practice-adoptions", Some(&t.app.library.token), &json!({"mobility_id": t.f.mobility_ids[0], "method": "dtfl", "description": "Še enkrat"})).await, 409, "practice.duplicate").await;
    let path = format!("/api/v1/practice-adoptions/{}", a["id"].as_str().unwrap());
    let p = assert_problem(
        app.patch(
            &path,
            Some(&t.app.library.token),
            &json!({"status": "adopted"}),
            None,
        )
        .await,
        422,
        "validation.failed",
    )
    .await;
    assert_eq!(
        problem_fields(&p),
        vec!["adopted_on", "first_regular_activity"]
    );
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
    assert_problem(
        app.patch(
            &path,
            Some(&t.app.library.token),
            &json!({"status": "planned"}),
            None,
        )
        .await,
        409,
        "practice.invalid_transition",
    )
    .await;
    let done: Value = app.patch(&path, Some(&t.app.library.token), &json!({"status": "adopted", "adopted_on": "2026-04-01", "first_regular_activity": "Prva redna delavnica."}), None).await.json().await.unwrap();
    assert_eq!(done["status"], "adopted");
    assert_problem(
        app.patch(&path, Some(&t.me), &json!({"description": "x"}), None)
            .await,
        403,
        "auth.forbidden",
    )
    .await;
}

#[tokio::test]
async fn deadlines_are_configurable_per_mobility_and_make_obligations_overdue() {
    let app = spawn_app().await;
    let t = trip(&app, false).await;
    let dpath = format!(
        "/api/v1/mobilities/{}/obligation-deadlines",
        t.f.mobility_ids[0]
    );
    let defaults: Value = app
        .get(&dpath, Some(&t.f.coordinator.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        defaults["report"],
        json!({"days_after_return": 30, "date": null})
    );
    let p = assert_problem(app.req(Method::PUT, &dpath, Some(&t.f.coordinator.token)).json(&json!({"report": {"days_after_return": 2, "date": "2026-04-01"}, "dance": {"days_after_return": 1}})).send().await.unwrap(), 422, "validation.failed").await;
    assert_eq!(problem_fields(&p), vec!["dance", "report"]);
    let res = app
        .req(Method::PUT, &dpath, Some(&t.f.coordinator.token))
        .json(&json!({"report": {"days_after_return": 2}, "workshop_held": {"date": "2026-04-01"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let o = obligations(&app, &t).await;
    let report = o["obligations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["key"] == "report")
        .unwrap();
    assert_eq!(report["due"], "2026-03-31");
    assert_eq!(report["status"], "overdue");
    assert_eq!(status_of(&o, "workshop_held"), "overdue");
    assert_eq!(status_of(&o, "questionnaire"), "pending");
    assert_problem(
        app.req(Method::PUT, &dpath, Some(&t.me))
            .json(&json!({}))
            .send()
            .await
            .unwrap(),
        403,
        "auth.forbidden",
    )
    .await;
}

#[tokio::test]
async fn indicators_and_exports_for_the_final_report() {
    let app = spawn_app().await;
    let t = trip(&app, false).await;
    let zsk = app.zsk_project().await;
    let pid = zsk["id"].as_str().unwrap();
    app.patch(
        &format!("/api/v1/mobilities/{}", t.f.mobility_ids[0]),
        Some(&t.f.coordinator.token),
        &json!({"distance_km": 1200}),
        None,
    )
    .await;
    let w = workshop(&app, &t).await;
    app.req(Method::PUT, &format!("/api/v1/workshops/{}/report", w["id"].as_str().unwrap()), Some(&t.app.library.token)).json(&json!({"learning_needs": [{"need": "Telefoni", "raised_by": 8}, {"need": "E-knjige", "raised_by": 3}]})).send().await.unwrap();
    all_sharing(&app, &t).await;
    adopt(&app, &t, "dtfl").await;

    let ind: Value = app
        .get(
            &format!("/api/v1/projects/{pid}/indicators"),
            Some(&t.f.coordinator.token),
        )
        .await
        .json()
        .await
        .unwrap();
    let get = |v: &Value, k: &str| {
        v["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["key"] == k)
            .cloned()
            .unwrap_or(Value::Null)
    };
    assert_eq!(
        get(&ind, "participants"),
        json!({"key": "participants", "value": 1, "target": 20})
    );
    assert_eq!(get(&ind, "workshops_held")["value"], 1);
    assert_eq!(get(&ind, "workshops_held")["target"], 20);
    assert_eq!(
        get(&ind, "older_adults_reached"),
        json!({"key": "older_adults_reached", "value": 11, "target": 200})
    );
    assert_eq!(get(&ind, "learning_needs_found")["value"], 2);
    assert_eq!(get(&ind, "social_media_posts")["value"], 3);
    assert_eq!(get(&ind, "presentations")["value"], 2);
    assert_eq!(get(&ind, "publications")["value"], 3);
    assert_eq!(get(&ind, "libraries_adopting_new_practice")["target"], 10);
    assert_eq!(get(&ind, "stories_published")["target"], 10);
    assert_eq!(
        get(&ind, "participants_with_fewer_opportunities")["value"],
        1
    );
    let public: Value = app
        .get(&format!("/api/v1/projects/{pid}/indicators/public"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(get(&public, "older_adults_reached")["value"], 11);
    assert!(
        get(&public, "participants_with_fewer_opportunities").is_null(),
        "aggregates only"
    );
    assert_problem(
        app.get(&format!("/api/v1/projects/{pid}/indicators"), Some(&t.me))
            .await,
        403,
        "auth.forbidden",
    )
    .await;

    let csv = |name: &str| {
        let url = format!("/api/v1/projects/{pid}/exports/{name}.csv");
        let token = t.f.coordinator.token.clone();
        let app = &app;
        async move { app.get(&url, Some(&token)).await }
    };
    let res = csv("activities").await;
    assert!(
        res.headers()
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let bytes = res.bytes().await.unwrap().to_vec();
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]));
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "activity_id;activity_type;participant;sending_organisation;sending_country;sending_city;receiving_organisation;receiving_country;receiving_city;start_date;end_date;travel_days;distance_band;green_travel;fewer_opportunities"
    );
    assert!(lines[1].contains(";job_shadowing;") && lines[1].contains(";Združenje splošnih knjižnic;SI;;Dokk1 (Main Library), Aarhus Public Libraries;DK;Aarhus;2026-03-25;2026-03-29;2;500-1999 km;no;yes"), "{}", lines[1]);
    let ws =
        String::from_utf8(csv("workshops").await.bytes().await.unwrap()[3..].to_vec()).unwrap();
    assert!(
        ws.contains("Telefoni (8); E-knjige (3)") && ws.contains(";11;5;4;2;11;3;"),
        "{ws}"
    );
    let ds =
        String::from_utf8(csv("dissemination").await.bytes().await.unwrap()[3..].to_vec()).unwrap();
    assert_eq!(ds.lines().count(), 9);
    let ps =
        String::from_utf8(csv("participants").await.bytes().await.unwrap()[3..].to_vec()).unwrap();
    assert!(ps.lines().nth(1).unwrap().contains(";travelled;yes;"));
    assert_problem(csv("secrets").await, 404, "export.not_found").await;
    assert_problem(
        app.get(
            &format!("/api/v1/projects/{pid}/exports/participants.csv"),
            Some(&t.app.library.token),
        )
        .await,
        403,
        "auth.forbidden",
    )
    .await;
}

#[tokio::test]
async fn the_report_waits_for_the_end_and_a_return_is_recorded_once() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let (pids, _) = selected_with(&app, &f, &[false]).await;
    app.patch(
        &format!("/api/v1/mobilities/{}", f.mobility_ids[0]),
        Some(&f.coordinator.token),
        &json!({"start_date": "2026-03-25", "end_date": "2026-03-29"}),
        None,
    )
    .await;
    let me = participant_user(&app, &f, &pids[0]).await;
    // Not before the mobility has begun.
    app.set_time("2026-03-24T10:00:00Z");
    assert_problem(
        app.post(
            &format!("/api/v1/participants/{}/return", pids[0]),
            Some(&f.coordinator.token),
            &json!({"early_return_reason": "Ni odpotovala."}),
        )
        .await,
        409,
        "participant.mobility_not_started",
    )
    .await;
    app.set_time("2026-03-27T10:00:00Z");
    let body = json!({"goals_achieved": "G", "results": "R", "impacts": "I", "new_ideas": "N", "transfer_possibilities": "T"});
    let res = app
        .req(
            Method::PUT,
            &format!("/api/v1/participants/{}/report", pids[0]),
            Some(&me),
        )
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_problem(res, 409, "report.not_open").await;
    let ret = format!("/api/v1/participants/{}/return", pids[0]);
    assert_problem(
        app.post(&ret, Some(&me), &json!({})).await,
        403,
        "auth.forbidden",
    )
    .await;
    // Before the last day a return is early and says why.
    let p = assert_problem(
        app.post(&ret, Some(&f.coordinator.token), &json!({})).await,
        422,
        "validation.failed",
    )
    .await;
    assert_eq!(p["errors"][0]["field"], "early_return_reason");
    assert_eq!(p["errors"][0]["code"], "required");
    let res = app
        .post(
            &ret,
            Some(&f.coordinator.token),
            &json!({"early_return_reason": "Bolezen v družini."}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let back: Value = res.json().await.unwrap();
    assert_eq!(back["early_return_reason"], "Bolezen v družini.");
    assert!(back["returned_at"].is_string());
    assert_problem(
        app.post(&ret, Some(&f.coordinator.token), &json!({})).await,
        409,
        "participant.invalid_transition",
    )
    .await;
    // Back home early: the report opens with the return.
    let res = app
        .req(
            Method::PUT,
            &format!("/api/v1/participants/{}/report", pids[0]),
            Some(&me),
        )
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

/// The SQL statements each list and aggregate runs, by path.
async fn statements(app: &TestApp, paths: &[String], token: &str) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    for p in paths {
        let (n, status) = app.statements_of_get(p, Some(token)).await;
        assert_eq!(status, 200, "{p}");
        out.push((p.clone(), n));
    }
    out
}

/// Lists and aggregates run as many SQL statements for four records as for one: children are
/// loaded in batches and pages are cut in SQL, never a query per row.
#[tokio::test]
async fn lists_and_aggregates_run_as_many_statements_for_four_records_as_for_one() {
    let app = spawn_app().await;
    let t = trip(&app, true).await;
    let coordinator = t.f.coordinator.token.clone();
    let accountant = app.user("accountant", None).await;
    let w = workshop(&app, &t).await;
    let m = &t.f.mobility_ids[0];
    // Sharing is recorded once it has happened.
    app.set_time("2026-04-10T08:00:00Z");
    let add_one = |i: usize| {
        let (app, t, w, accountant) = (&app, &t, &w, &accountant);
        async move {
            let date = format!("2026-04-0{}", 2 + i);
            assert_eq!(share(app, t, "library_website", &date).await.status(), 201);
            let res = app.post("/api/v1/digital-stories", Some(&t.me), &json!({"workshop_id": w["id"], "title": format!("Zgodba {i}"), "summary": "Spomini.", "text": "Besedilo.", "language": "sl", "contributors": [{"name": "Ana Kos"}, {"name": "Ivan Novak"}]})).await;
            assert_eq!(res.status(), 201);
            let res = app.post(&format!("/api/v1/mobilities/{m}/meetings"), Some(&t.f.coordinator.token), &json!({"kind": "evaluation", "title": format!("Srečanje {i}"), "starts_at": format!("2026-04-0{}T14:00:00Z", 2 + i), "duration_minutes": 60})).await;
            assert_eq!(res.status(), 201);
            let res = app.post(&format!("/api/v1/participants/{}/costs", t.pid), Some(&accountant.token), &json!({"kind": "flight", "amount": "100.00", "paid_by": "project", "description": format!("Let {i}")})).await;
            assert_eq!(res.status(), 201);
            // One more version of the grant agreement: issued the first time, amended after.
            let versions: Value = app
                .get(
                    &format!("/api/v1/participants/{}/agreements", t.pid),
                    Some(&t.f.coordinator.token),
                )
                .await
                .json()
                .await
                .unwrap();
            let current = versions["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|a| a["kind"] == "grant" && a["status"] != "superseded")
                .cloned();
            let res = match current {
                None => {
                    app.post(
                        &format!("/api/v1/participants/{}/agreements", t.pid),
                        Some(&t.f.coordinator.token),
                        &json!({"kind": "grant"}),
                    )
                    .await
                }
                Some(a) => {
                    app.post(
                        &format!("/api/v1/agreements/{}/amend", a["id"].as_str().unwrap()),
                        Some(&t.f.coordinator.token),
                        &json!({}),
                    )
                    .await
                }
            };
            assert_eq!(res.status(), 201);
        }
    };
    let project = app.zsk_project().await["id"].as_str().unwrap().to_string();
    let paths: Vec<String> = [
        format!("/api/v1/participants/{}/dissemination", t.pid),
        "/api/v1/digital-stories".to_string(),
        format!("/api/v1/mobilities/{m}/meetings"),
        format!("/api/v1/participants/{}/costs", t.pid),
        "/api/v1/workshops".to_string(),
        format!("/api/v1/mobilities/{m}/participants"),
        format!("/api/v1/participants/{}/obligations", t.pid),
        format!("/api/v1/mobilities/{m}/progress"),
        format!("/api/v1/participants/{}/agreements", t.pid),
        format!("/api/v1/participants/{}/tasks", t.pid),
        format!("/api/v1/participants/{}/calendar.ics", t.pid),
        format!("/api/v1/mobilities/{m}/calendar.ics"),
        format!("/api/v1/projects/{project}/exports/participants.csv"),
        format!("/api/v1/projects/{project}/exports/activities.csv"),
        format!("/api/v1/projects/{project}/exports/dissemination.csv"),
        format!("/api/v1/projects/{project}/exports/workshops.csv"),
        format!("/api/v1/projects/{project}/indicators"),
        format!("/api/v1/projects/{project}/indicators/public"),
        "/api/v1/projects".to_string(),
    ]
    .into();
    add_one(0).await;
    let one = statements(&app, &paths, &coordinator).await;
    for i in 1..4 {
        add_one(i).await;
    }
    let four = statements(&app, &paths, &coordinator).await;
    let grown: Vec<String> = one
        .iter()
        .zip(&four)
        .filter(|((_, a), (_, b))| b > a)
        .map(|((p, a), (_, b))| format!("{p}: {a} -> {b}"))
        .collect();
    assert!(grown.is_empty(), "statements grow with the rows: {grown:?}");
}

/// The questionnaire's aggregates run as many SQL statements for four responses as for one.
#[tokio::test]
async fn questionnaire_results_run_as_many_statements_for_four_responses_as_for_one() {
    let mut counts = Vec::new();
    for n in [1usize, 4] {
        let app = spawn_app().await;
        let f = fixture(&app).await;
        let (pids, _) = selected_with(&app, &f, &vec![false; n]).await;
        let m = &f.mobility_ids[0];
        let res = app
            .patch(
                &format!("/api/v1/mobilities/{m}"),
                Some(&f.coordinator.token),
                &json!({"start_date": "2026-03-25", "end_date": "2026-03-29"}),
                None,
            )
            .await;
        assert_eq!(res.status(), 200);
        app.set_time("2026-04-02T08:00:00Z");
        for pid in &pids {
            let me = participant_user(&app, &f, pid).await;
            let res = app
                .req(
                    Method::PUT,
                    &format!("/api/v1/participants/{pid}/questionnaire-response"),
                    Some(&me),
                )
                .json(&json!({"answers": {"overall": 4, "programme": 5, "preparation": 3, "goals": 4, "recommend": "da", "best": "Delavnica.", "improve": "Več časa."}}))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 204);
        }
        let (statements, status) = app
            .statements_of_get(
                &format!("/api/v1/mobilities/{m}/questionnaire/results"),
                Some(&f.coordinator.token),
            )
            .await;
        assert_eq!(status, 200);
        counts.push(statements);
    }
    assert!(
        counts[1] <= counts[0],
        "statements grow with the responses: {} -> {}",
        counts[0],
        counts[1]
    );
}

/// Obligations past their deadline: the participant is reminded once, and an
/// `obligation.overdue` event is written once per obligation, however often reminders run.
#[tokio::test]
async fn overdue_obligations_are_reminded_and_raised_once() {
    let app = spawn_app().await;
    let t = trip(&app, false).await;
    let db = app.db().await;
    let coordinator = t.f.coordinator.token.clone();
    let head: Value = app
        .get("/api/v1/events?after=now", Some(&coordinator))
        .await
        .json()
        .await
        .unwrap();
    let head = head["next_cursor"].as_str().unwrap().to_string();
    app.set_time("2027-03-01T08:00:00Z");
    let first = mobility_api::notifications::reminders::run(&db, app.clock.as_ref())
        .await
        .unwrap();
    assert!(first.obligation_overdue > 0, "{first:?}");
    let again = mobility_api::notifications::reminders::run(&db, app.clock.as_ref())
        .await
        .unwrap();
    assert_eq!(again, Default::default(), "nothing twice");
    let events: Value = app
        .get(
            &format!("/api/v1/events?after={head}&types=obligation.overdue"),
            Some(&coordinator),
        )
        .await
        .json()
        .await
        .unwrap();
    let items = events["items"].as_array().unwrap();
    assert_eq!(items.len(), first.obligation_overdue);
    assert!(items.iter().all(|e| e["object_id"] == t.pid.as_str()));
    // The participant's library sees them; another library does not.
    let mine: Value = app
        .get(
            &format!("/api/v1/events?after={head}&types=obligation.overdue"),
            Some(&t.app.library.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["items"].as_array().unwrap().len(), items.len());
    let outbox: Value = app
        .get(
            "/api/v1/notifications/outbox?kind=reminder.obligation_overdue",
            Some(&coordinator),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        outbox["items"].as_array().unwrap().len(),
        first.obligation_overdue
    );
    assert!(
        outbox["items"][0]["subject"]
            .as_str()
            .unwrap()
            .starts_with("Zamujena obveznost")
    );
}

/// A workshop nobody came to was not held: it stays planned and meets no obligation.
#[tokio::test]
async fn a_workshop_without_attendees_is_not_held() {
    let app = spawn_app().await;
    let t = trip(&app, false).await;
    let res = app.post("/api/v1/workshops", Some(&t.app.library.token), &json!({"mobility_id": t.f.mobility_ids[0], "title": "Delavnica", "planned_on": "2026-04-01", "facilitators": [t.pid]})).await;
    assert_eq!(res.status(), 201);
    let w: Value = res.json().await.unwrap();
    let path = format!("/api/v1/workshops/{}", w["id"].as_str().unwrap());
    let p = assert_problem(
        app.patch(
            &path,
            Some(&t.app.library.token),
            &json!({"held_on": "2026-04-01", "attendees_count": 0}),
            None,
        )
        .await,
        422,
        "validation.failed",
    )
    .await;
    assert_eq!(problem_fields(&p), vec!["attendees_count"]);
    let now: Value = app
        .get(&path, Some(&t.app.library.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(now["status"], "planned");
    let o = obligations(&app, &t).await;
    assert_ne!(status_of(&o, "workshop_held"), "met");
}

/// The sustainability commitments are recorded per participant and summarised in the
/// indicators.
#[tokio::test]
async fn sustainability_is_recorded_and_counted_in_the_indicators() {
    let app = spawn_app().await;
    let t = trip(&app, false).await;
    let path = format!("/api/v1/participants/{}/sustainability", t.pid);
    assert_problem(
        app.get(&path, Some(&t.me)).await,
        404,
        "sustainability.not_found",
    )
    .await;
    let body = json!({"travel_mode": "train", "local_public_transport": true, "local_food": false, "planned_online": true, "notes": "Vlak Ljubljana–München–Aarhus."});
    let put =
        |token: &str, body: &Value| app.req(Method::PUT, &path, Some(token)).json(body).send();
    assert_problem(
        put(&t.app.library.token, &body).await.unwrap(),
        403,
        "auth.forbidden",
    )
    .await;
    let p = assert_problem(
        put(&t.me, &json!({"travel_mode": "rocket", "local_public_transport": true, "local_food": true, "planned_online": true})).await.unwrap(),
        400,
        "request.invalid_json",
    )
    .await;
    assert!(p["detail"].as_str().unwrap().contains("rocket"), "{p}");
    let res = put(&t.me, &body).await.unwrap();
    assert_eq!(res.status(), 200);
    let rec: Value = res.json().await.unwrap();
    assert_eq!(rec["green_travel"], true);
    let seen: Value = app
        .get(&path, Some(&t.app.library.token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(seen["travel_mode"], "train");
    assert_eq!(seen["local_food"], false);

    let zsk = app.zsk_project().await;
    let ind: Value = app
        .get(
            &format!(
                "/api/v1/projects/{}/indicators/public",
                zsk["id"].as_str().unwrap()
            ),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    let value = |key: &str| {
        ind["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["key"] == key)
            .unwrap()["value"]
            .clone()
    };
    assert_eq!(value("sustainability_recorded"), 1);
    assert_eq!(value("green_travel"), 1);
    assert_eq!(value("local_public_transport"), 1);
    assert_eq!(value("local_food"), 0);
    assert_eq!(value("planned_online"), 1);
    // A change replaces the record.
    let by_plane = json!({"travel_mode": "plane", "local_public_transport": true, "local_food": true, "planned_online": true});
    assert_eq!(
        put(&t.f.coordinator.token, &by_plane)
            .await
            .unwrap()
            .status(),
        200
    );
    let seen: Value = app.get(&path, Some(&t.me)).await.json().await.unwrap();
    assert_eq!(seen["green_travel"], false);
    assert!(seen["notes"].is_null());
}
