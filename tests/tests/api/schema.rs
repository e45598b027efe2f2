//! The entities and the database agree: every foreign key of the schema is a relation its
//! entity declares, so joins and batched loads go through `Related`, not hand-written keys.

use mobility_tests::*;
use sea_orm::{
    ConnectionTrait, DbBackend, EntityName, Identity, Iterable, RelationTrait, Statement,
};
use std::collections::BTreeSet;

macro_rules! declared {
    ($($e:ident),* $(,)?) => {{
        let mut out = BTreeSet::new();
        $(
            for r in <entity::$e::Relation as Iterable>::iter() {
                let d = r.def();
                if let Identity::Unary(col) = &d.from_col {
                    out.insert((entity::$e::Entity.table_name().to_string(), col.to_string()));
                }
            }
        )*
        out
    }};
}

#[tokio::test]
async fn every_foreign_key_is_a_declared_relation() {
    let app = spawn_app().await;
    let db = mobility_api::db::connect_url(&app.settings.database_url(), 1)
        .await
        .unwrap();
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Sqlite => {
            r#"SELECT m.name AS tbl, p."from" AS col FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) p WHERE m.type = 'table'"#
        }
        _ => {
            "SELECT tc.table_name::text AS tbl, kcu.column_name::text AS col FROM information_schema.table_constraints tc JOIN information_schema.key_column_usage kcu ON tc.constraint_name = kcu.constraint_name AND tc.table_schema = kcu.table_schema WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema()"
        }
    };
    let mut in_schema = BTreeSet::new();
    for row in db
        .query_all_raw(Statement::from_string(backend, sql))
        .await
        .unwrap()
    {
        let tbl: String = row.try_get("", "tbl").unwrap();
        let col: String = row.try_get("", "col").unwrap();
        in_schema.insert((tbl, col));
    }
    assert!(in_schema.len() > 50, "{in_schema:?}");
    let declared = declared!(
        agreement,
        api_token,
        agreement_evidence,
        agreement_signature,
        application,
        application_document,
        application_score,
        application_signature,
        application_status_change,
        audit_log,
        calendar_feed,
        idempotency_key,
        call,
        call_committee_member,
        call_mobility,
        conflict_of_interest,
        cost,
        digital_story,
        dissemination_item,
        dissemination_participant,
        meeting,
        meeting_attendance,
        mobility,
        mobility_selection,
        mobility_visit,
        notification,
        organisation,
        participant,
        participant_report,
        practice_adoption,
        preparation_task,
        project,
        project_partner,
        project_team_member,
        questionnaire,
        questionnaire_response,
        refresh_token,
        selection_criterion,
        selection_settings,
        shared_document,
        shared_document_version,
        story_media,
        sustainability_record,
        travel_details,
        unit_cost_rates,
        user,
        webhook_delivery,
        webhook_endpoint,
        workshop,
    );
    let undeclared: Vec<_> = in_schema.difference(&declared).collect();
    assert!(
        undeclared.is_empty(),
        "foreign keys without a relation: {undeclared:?}"
    );
    let unbacked: Vec<_> = declared.difference(&in_schema).collect();
    assert!(
        unbacked.is_empty(),
        "relations without a foreign key: {unbacked:?}"
    );
}
