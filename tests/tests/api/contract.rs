//! What the OpenAPI document promises about every collection and request: the list
//! convention (page and keyset modes, sort, updated_since), unknown parameters, methods,
//! integral numbers, general limits, `Location` and CSV delimiters.

use mobility_tests::*;
use reqwest::Method;
use serde_json::{Value, json};

async fn get_json(app: &TestApp, path: &str, token: &str) -> Value {
    let res = app.get(path, Some(token)).await;
    assert_eq!(res.status(), 200, "{path}");
    res.json().await.unwrap()
}

fn names(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn collections_sort_by_listed_fields_and_refuse_others() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    for name in ["Knjižnica B", "Knjižnica C", "Knjižnica A"] {
        app.create_org(name, "member_library").await;
    }
    let base = "/api/v1/organisations?kind=member_library";
    let asc = names(&get_json(&app, base, &admin).await);
    assert_eq!(asc, vec!["Knjižnica A", "Knjižnica B", "Knjižnica C"]);
    let desc = names(&get_json(&app, &format!("{base}&sort=-name"), &admin).await);
    assert_eq!(desc, vec!["Knjižnica C", "Knjižnica B", "Knjižnica A"]);
    let by_creation = names(&get_json(&app, &format!("{base}&sort=created_at"), &admin).await);
    assert_eq!(
        by_creation,
        vec!["Knjižnica B", "Knjižnica C", "Knjižnica A"]
    );

    let p = assert_problem(
        app.get(&format!("{base}&sort=colour"), Some(&admin)).await,
        400,
        "request.invalid_sort",
    )
    .await;
    assert_eq!(problem_fields(&p), vec!["sort"]);
    assert!(p["detail"].as_str().unwrap().contains("`name`"));
    // A collection read whole sorts the same way.
    assert_problem(
        app.get("/api/v1/practice-adoptions?sort=colour", Some(&admin))
            .await,
        400,
        "request.invalid_sort",
    )
    .await;
}

#[tokio::test]
async fn unknown_query_parameters_are_400_naming_them() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let p = assert_problem(
        app.get("/api/v1/organisations?colour=red&per_page=5", Some(&admin))
            .await,
        400,
        "request.unknown_parameter",
    )
    .await;
    assert_eq!(problem_fields(&p), vec!["colour"]);
    assert!(p["detail"].as_str().unwrap().contains("`colour`"));
    // Operations without any query parameter refuse them too, public ones included.
    let zsk = app.zsk_project().await;
    let path = format!("/api/v1/projects/{}?verbose=1", zsk["id"].as_str().unwrap());
    assert_problem(app.get(&path, None).await, 400, "request.unknown_parameter").await;
    // Also on routes whose segment holds a placeholder and a suffix, and on an encoded path.
    let pid = zsk["id"].as_str().unwrap();
    let p = assert_problem(
        app.get(
            &format!("/api/v1/projects/{pid}/exports/participants.csv?delimter=comma"),
            Some(&admin),
        )
        .await,
        400,
        "request.unknown_parameter",
    )
    .await;
    assert_eq!(problem_fields(&p), vec!["delimter"]);
    assert_problem(
        app.get("/api/v1/organisation%73?colour=red", Some(&admin))
            .await,
        400,
        "request.unknown_parameter",
    )
    .await;
    // A query value past its documented length is refused, naming it.
    let p = assert_problem(
        app.get(
            &format!("/api/v1/organisations?q={}", "k".repeat(201)),
            Some(&admin),
        )
        .await,
        400,
        "request.invalid_query",
    )
    .await;
    assert_eq!(problem_fields(&p), vec!["q"]);
    // Documented parameters pass.
    let res = app
        .get("/api/v1/organisations?per_page=5&q=knj", Some(&admin))
        .await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn keyset_mode_walks_every_record_once_in_creation_order() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let mut created = Vec::new();
    for i in 0..5 {
        created.push(
            app.create_org(&format!("Knjižnica {}", 9 - i), "host")
                .await,
        );
    }
    let mut seen = Vec::new();
    let mut cursor = String::new();
    let mut pages = 0;
    loop {
        let page = get_json(
            &app,
            &format!("/api/v1/organisations?kind=host&per_page=2&cursor={cursor}"),
            &admin,
        )
        .await;
        pages += 1;
        assert!(page.get("total").is_none() && page.get("page").is_none());
        assert_eq!(page["per_page"], 2);
        for o in page["items"].as_array().unwrap() {
            seen.push(o["id"].as_str().unwrap().to_string());
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = next.to_string(),
            None => {
                assert!(page["next_cursor"].is_null());
                break;
            }
        }
    }
    // The seeded hosts come first: they were created first.
    assert_eq!(seen[seen.len() - 5..], created[..]);
    let unique: std::collections::HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len());
    assert!(pages >= 3);

    let p = assert_problem(
        app.get("/api/v1/organisations?cursor=&page=2", Some(&admin))
            .await,
        400,
        "request.invalid_cursor",
    )
    .await;
    assert_eq!(problem_fields(&p), vec!["cursor"]);
    assert_problem(
        app.get("/api/v1/organisations?cursor=&sort=name", Some(&admin))
            .await,
        400,
        "request.invalid_cursor",
    )
    .await;
    assert_problem(
        app.get("/api/v1/organisations?cursor=AAAA", Some(&admin))
            .await,
        400,
        "request.invalid_cursor",
    )
    .await;
}

#[tokio::test]
async fn updated_since_returns_what_changed_at_or_after_the_time() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let first = app.create_org("Knjižnica Prva", "partner").await;
    let second = app.create_org("Knjižnica Druga", "partner").await;
    let org: Value = get_json(&app, &format!("/api/v1/organisations/{second}"), &admin).await;
    let since = org["updated_at"].as_str().unwrap().to_string();
    let list = |since: String| {
        let app = &app;
        let admin = admin.clone();
        async move {
            let page = get_json(
                app,
                &format!(
                    "/api/v1/organisations?kind=partner&updated_since={}",
                    since.replace('+', "%2B")
                ),
                &admin,
            )
            .await;
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["id"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(list(since.clone()).await, vec![second.clone()]);
    let res = app
        .patch(
            &format!("/api/v1/organisations/{first}"),
            Some(&admin),
            &json!({"city": "Celje"}),
            None,
        )
        .await;
    assert_eq!(res.status(), 200);
    let mut changed = list(since).await;
    changed.sort();
    let mut both = vec![first, second];
    both.sort();
    assert_eq!(changed, both);
    assert_problem(
        app.get(
            "/api/v1/organisations?updated_since=yesterday",
            Some(&admin),
        )
        .await,
        400,
        "request.invalid_query",
    )
    .await;
}

#[tokio::test]
async fn a_literal_path_is_not_taken_for_a_placeholder() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let res = app
        .req(Method::PATCH, "/api/v1/organisations/import", Some(&admin))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers().get("allow").unwrap(), "POST");
    assert_problem(res, 405, "request.method_not_allowed").await;
}

#[tokio::test]
async fn an_integral_number_with_a_fraction_is_an_integer_and_a_fraction_is_not() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let zsk = app.zsk_project().await;
    let mobilities = get_json(
        &app,
        &format!(
            "/api/v1/projects/{}/mobilities",
            zsk["id"].as_str().unwrap()
        ),
        &admin,
    )
    .await;
    let m = &mobilities["items"][0];
    let path = format!("/api/v1/mobilities/{}", m["id"].as_str().unwrap());
    let res = app
        .patch(&path, Some(&admin), &json!({"places": 4.0}), None)
        .await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["places"], 4);
    let res = app
        .patch(&path, Some(&admin), &json!({"places": 4.5}), None)
        .await;
    assert_problem(res, 400, "request.invalid_json").await;
}

#[tokio::test]
async fn text_past_the_general_limit_is_refused_naming_the_field() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let zsk = app.zsk_project().await;
    let path = format!("/api/v1/projects/{}", zsk["id"].as_str().unwrap());
    let long = "a".repeat(100_001);
    let p = assert_problem(
        app.patch(&path, Some(&admin), &json!({"description": long}), None)
            .await,
        422,
        "validation.failed",
    )
    .await;
    assert_eq!(problem_fields(&p), vec!["description"]);
    let fits = "a".repeat(100_000);
    let res = app
        .patch(&path, Some(&admin), &json!({"description": fits}), None)
        .await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn a_created_resource_is_where_location_says() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let res = app
        .post(
            "/api/v1/organisations",
            Some(&admin),
            &json!({"name": "Knjižnica Lokacija", "kind": "member_library", "country": "SI", "city": "Kranj"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let location = res
        .headers()
        .get("location")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let created: Value = res.json().await.unwrap();
    assert_eq!(
        location,
        format!("/api/v1/organisations/{}", created["id"].as_str().unwrap())
    );
    let there = get_json(&app, &location, &admin).await;
    assert_eq!(there["id"], created["id"]);

    let zsk = app.zsk_project().await;
    let pid = zsk["id"].as_str().unwrap();
    let mobilities = get_json(&app, &format!("/api/v1/projects/{pid}/mobilities"), &admin).await;
    let res = app
        .post(
            &format!("/api/v1/projects/{pid}/calls"),
            Some(&admin),
            &json!({"title": "Poziv z lokacijo", "published_from": "2026-01-05", "deadline": "2026-02-05", "mobility_ids": [mobilities["items"][0]["id"]]}),
        )
        .await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    let location = res
        .headers()
        .get("location")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(location.starts_with("/api/v1/calls/"));
    assert_eq!(app.get(&location, Some(&admin)).await.status(), 200);
}

#[tokio::test]
async fn every_csv_export_takes_the_delimiter() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let zsk = app.zsk_project().await;
    let pid = zsk["id"].as_str().unwrap();
    for name in ["participants", "activities", "dissemination", "workshops"] {
        for (delimiter, sep) in [("comma", ','), ("semicolon", ';')] {
            let res = app
                .get(
                    &format!("/api/v1/projects/{pid}/exports/{name}.csv?delimiter={delimiter}"),
                    Some(&admin),
                )
                .await;
            assert_eq!(res.status(), 200, "{name}");
            let text = res.text().await.unwrap();
            let header = text.trim_start_matches('\u{feff}').lines().next().unwrap();
            let other = if sep == ',' { ';' } else { ',' };
            assert!(
                header.contains(sep) && !header.contains(other),
                "{name} {delimiter}: {header}"
            );
        }
    }
    let mobilities = get_json(&app, &format!("/api/v1/projects/{pid}/mobilities"), &admin).await;
    let calls = get_json(&app, &format!("/api/v1/projects/{pid}/calls"), &admin).await;
    let call = calls["items"][0]["id"].as_str().unwrap();
    let res = app
        .get(
            &format!("/api/v1/calls/{call}/applications.csv?delimiter=comma"),
            Some(&admin),
        )
        .await;
    assert_eq!(res.status(), 200);
    let text = res.text().await.unwrap();
    let header = text.trim_start_matches('\u{feff}').lines().next().unwrap();
    assert!(header.starts_with("id,mobility,library,"), "{header}");
    let mobility = mobilities["items"][0]["id"].as_str().unwrap();
    let res = app
        .get(
            &format!(
                "/api/v1/mobilities/{mobility}/selection-record.csv?delimiter=comma&call_id={call}"
            ),
            Some(&admin),
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let text = res.text().await.unwrap();
    let header = text.trim_start_matches('\u{feff}').lines().next().unwrap();
    assert!(header.starts_with("rank,application_id,"), "{header}");
    assert_problem(
        app.get(
            &format!("/api/v1/projects/{pid}/exports/participants.csv?delimiter=tab"),
            Some(&admin),
        )
        .await,
        400,
        "request.invalid_query",
    )
    .await;
}
