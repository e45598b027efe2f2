//! Participants: who sees them, in a single read and in the list alike.

use super::applications::fixture;
use super::selection::selected_with;
use mobility_tests::*;
use serde_json::{Value, json};

/// A participant user linked to the record by account (with an e-mail address other than the
/// one on the application) opens their record and finds it in the mobility's list; the list
/// and the single read answer from one rule.
#[tokio::test]
async fn a_participant_linked_by_account_sees_their_record_in_the_list_too() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let (ids, _) = selected_with(&app, &f, &[false, false]).await;
    let person = app.user("participant", None).await;
    let linked = app
        .patch(
            &format!("/api/v1/participants/{}", ids[0]),
            Some(&f.coordinator.token),
            &json!({"user_id": person.id}),
            None,
        )
        .await;
    assert_eq!(linked.status(), 200);

    let one = app
        .get(
            &format!("/api/v1/participants/{}", ids[0]),
            Some(&person.token),
        )
        .await;
    assert_eq!(one.status(), 200);
    let list: Value = app
        .get(
            &format!("/api/v1/mobilities/{}/participants", f.mobility_ids[0]),
            Some(&person.token),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 1, "{list}");
    assert_eq!(list["items"][0]["id"], ids[0].as_str());

    // The other participant stays out of both.
    let other = app
        .get(
            &format!("/api/v1/participants/{}", ids[1]),
            Some(&person.token),
        )
        .await;
    assert_eq!(other.status(), 404);
}
