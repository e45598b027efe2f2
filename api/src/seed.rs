//! The project's own data, from the project description: the ZSK project, its organisations,
//! both job-shadowing mobilities and the call. Idempotent: what exists (by natural key) is
//! left as it is. `--demo` adds clearly labelled demo libraries and one demo user per role.
//! Facts the description does not give are left empty.

use crate::audit::{self, Actor};
use crate::auth::password;
use crate::db::begin_write;
use crate::organisations::service::{dedupe_key, find_by_name_city};
use chrono::{NaiveDate, Utc};
use entity::enums::{
    ActivityType, CallStatus, FollowUp, MobilityStatus, OrganisationKind, ProjectStatus, Role,
    TeamFunction,
};
use entity::{
    call, call_mobility, mobility, mobility_visit, organisation, project, project_team_member, user,
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, PaginatorTrait, QueryFilter,
};
use uuid::Uuid;

pub const PROJECT_CODE: &str = "2025-1-SI01-KA122-ADU-000337358";
pub const DEMO_LABEL: &str = "[DEMO]";

#[derive(Debug, Default)]
pub struct SeedReport {
    /// What was created, one line each.
    pub created: Vec<String>,
    /// Demo users created now, with their one-time passwords.
    pub demo_credentials: Vec<(String, Role, String)>,
}

/// A database that has never been seeded: no project at all.
pub async fn database_is_new(db: &DatabaseConnection) -> anyhow::Result<bool> {
    Ok(project::Entity::find().count(db).await? == 0)
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid seed date")
}

struct Org {
    name: &'static str,
    kind: OrganisationKind,
    country: &'static str,
    city: Option<&'static str>,
    email: Option<&'static str>,
}

const ZSK: Org = Org {
    name: "Združenje splošnih knjižnic",
    kind: OrganisationKind::Coordinator,
    country: "SI",
    city: None,
    email: Some("zdruzenje@zdruzenje-knjiznic.si"),
};
const MKL: Org = Org {
    name: "Mestna knjižnica Ljubljana",
    kind: OrganisationKind::Partner,
    country: "SI",
    city: Some("Ljubljana"),
    email: None,
};
const DOKK1: Org = Org {
    name: "Dokk1 (Main Library), Aarhus Public Libraries",
    kind: OrganisationKind::Host,
    country: "DK",
    city: Some("Aarhus"),
    email: None,
};
const PASVALYS: Org = Org {
    name: "Pasvalys Marius Katiliškis Public Library",
    kind: OrganisationKind::Host,
    country: "LT",
    city: Some("Pasvalys"),
    email: None,
};
const PANEVEZYS: Org = Org {
    name: "Panevėžys County Library",
    kind: OrganisationKind::Partner,
    country: "LT",
    city: Some("Panevėžys"),
    email: None,
};
const KAUNAS: Org = Org {
    name: "Kaunas County Ąžuolynas Library",
    kind: OrganisationKind::Partner,
    country: "LT",
    city: Some("Kaunas"),
    email: None,
};

async fn ensure_org(
    db: &impl ConnectionTrait,
    actor: &Actor,
    o: &Org,
    report: &mut SeedReport,
) -> anyhow::Result<Uuid> {
    if let Some(existing) = find_by_name_city(db, o.name, o.city).await? {
        return Ok(existing.id);
    }
    let now = Utc::now();
    let m = organisation::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(o.name.into()),
        kind: Set(o.kind),
        country: Set(o.country.into()),
        city: Set(o.city.map(Into::into)),
        dedupe_key: Set(dedupe_key(o.name, o.city)),
        email: Set(o.email.map(Into::into)),
        website: Set(None),
        erasmus_oid: Set(None),
        director_name: Set(None),
        director_email: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    audit::record(db, actor, "create", "organisation", m.id, &[]).await?;
    report.created.push(format!("organisation {}", o.name));
    Ok(m.id)
}

struct Mob {
    code: &'static str,
    title: &'static str,
    title_en: &'static str,
    city: &'static str,
    country: &'static str,
    planned_period: &'static str,
    window: (NaiveDate, NaiveDate),
    follow_up: FollowUp,
    goals: &'static [&'static str],
    programme: &'static [&'static str],
}

fn mobilities() -> [Mob; 2] {
    [
        Mob {
            code: "JS1",
            title: "Sledenje na delovnem mestu 1",
            title_en: "Job shadowing 1",
            city: "Aarhus",
            country: "DK",
            planned_period: "last week of March 2026",
            window: (date(2026, 3, 25), date(2026, 3, 31)),
            follow_up: FollowUp::DtflWorkshop,
            goals: &[
                "Pridobiti vpogled v delovanje splošnih knjižnic v Aarhusu",
                "Spoznati knjižnice kot središča za ljudi in skupnost",
                "Poglobljeno spoznati metodologijo Design Thinking for Libraries (DTFL) - uporabna pri razvoju novih izobraževalnih vsebin, ki izhajajo iz potreb okolja.",
                "Pripraviti prenos metodologije v slovensko okolje.",
            ],
            programme: &[
                "Delavnica Design Thinking for Libraries",
                "CTR / SDG-Lab",
                "IRIS MediaLab (laboratorij za nove medije in tehnologije)",
                "Demokracija",
                "Projekti in pobude Dokk1 (Main Library)",
                "Ogledi: Dokk1 (Main Library) ter ene od enot Aarhus Public Libraries",
            ],
        },
        Mob {
            code: "JS2",
            title: "Sledenje na delovnem mestu 2",
            title_en: "Job shadowing 2",
            city: "Pasvalys",
            country: "LT",
            planned_period: "first half of May 2026",
            window: (date(2026, 5, 1), date(2026, 5, 15)),
            follow_up: FollowUp::HeritageWorkshop,
            goals: &[
                "Pridobiti vpogled v delovanje splošnih knjižnic v Litvi",
                "Spoznati aktivnost knjižnic na področju ohranjanja in promocije domoznanstva in kulturne dediščine, programe in dejavnosti za odrasle in starejše uporabnike.",
                "Prenos dobrih praks v delo slovenskih splošnih knjižnic.",
            ],
            programme: &[
                "Pasvalys Marius Katiliškis Public Library: E-knjižnica Pasvalia",
                "Pasvalys Marius Katiliškis Public Library: projekt Network of Inclusive Libraries for people of disadvantaged social groups",
                "Panevėžys County Library: center digitalizacije v regiji",
                "Kaunas County Ąžuolynas Library: metodološko, bibliografsko in informacijsko središče za šolske in javne knjižnice v okrožju",
            ],
        },
    ]
}

/// Seed the project's own data; with `demo`, also demo libraries and users.
pub async fn seed(db: &DatabaseConnection, demo: bool) -> anyhow::Result<SeedReport> {
    let actor = Actor::system("system:seed");
    let mut report = SeedReport::default();
    let txn = begin_write(db).await?;

    let zsk = ensure_org(&txn, &actor, &ZSK, &mut report).await?;
    ensure_org(&txn, &actor, &MKL, &mut report).await?;
    let dokk1 = ensure_org(&txn, &actor, &DOKK1, &mut report).await?;
    let pasvalys = ensure_org(&txn, &actor, &PASVALYS, &mut report).await?;
    let panevezys = ensure_org(&txn, &actor, &PANEVEZYS, &mut report).await?;
    let kaunas = ensure_org(&txn, &actor, &KAUNAS, &mut report).await?;

    let now = Utc::now();
    let project_id = match project::Entity::find()
        .filter(project::Column::Code.eq(PROJECT_CODE))
        .one(&txn)
        .await?
    {
        Some(p) => p.id,
        None => {
            let p = project::ActiveModel {
                id: Set(Uuid::now_v7()),
                code: Set(PROJECT_CODE.into()),
                programme: Set("Erasmus+, Key Action 1".into()),
                action_type: Set("KA122-ADU".into()),
                title: Set("Knjižnice gradijo skupnost znanja".into()),
                title_en: Set(Some("Libraries Build a Community of Knowledge".into())),
                description: Set(Some(
                    "Projekt je namenjen krepitvi kompetenc izobraževalcev odraslih v 58 splošnih knjižnicah, ki želijo okrepiti svojo izobraževalno vlogo na področju izobraževanja odraslih, zlasti za ciljno skupino starejših odraslih z namenom socialne vključenosti ter okrepitve občutka evropske pripadnosti skozi učenje o skupni dediščini. Nova znanja bodo knjižnicam v pomoč pri prepoznavanju potreb ciljne skupine znotraj lokalnih skupnosti in pri načrtovanju novih učnih programov in aktivnosti.".into(),
                )),
                applicant_id: Set(zsk),
                start_date: Set(date(2025, 10, 1)),
                end_date: Set(date(2027, 3, 31)),
                timezone: Set("Europe/Ljubljana".into()),
                status: Set(ProjectStatus::Active),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?;
            audit::record(&txn, &actor, "create", "project", p.id, &[]).await?;
            report.created.push(format!("project {PROJECT_CODE}"));
            p.id
        }
    };

    let mut mobility_ids = Vec::new();
    for (mob, host, visits) in mobilities().into_iter().zip([
        (dokk1, vec![]),
        (
            pasvalys,
            vec![
                (panevezys, "Regionalni center digitalizacije / regional digitisation centre"),
                (kaunas, "Metodološko, bibliografsko in informacijsko središče za šolske in javne knjižnice v okrožju"),
            ],
        ),
    ]).map(|(m, (h, v))| (m, h, v)) {
        let existing = mobility::Entity::find()
            .filter(mobility::Column::ProjectId.eq(project_id))
            .filter(mobility::Column::Code.eq(mob.code))
            .one(&txn)
            .await?;
        let id = match existing {
            Some(m) => m.id,
            None => {
                let m = mobility::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    project_id: Set(project_id),
                    code: Set(mob.code.into()),
                    title: Set(mob.title.into()),
                    title_en: Set(Some(mob.title_en.into())),
                    activity_type: Set(ActivityType::JobShadowing),
                    host_organisation_id: Set(host),
                    city: Set(mob.city.into()),
                    country: Set(mob.country.into()),
                    planned_period: Set(Some(mob.planned_period.into())),
                    window_start: Set(Some(mob.window.0)),
                    window_end: Set(Some(mob.window.1)),
                    outside_window_reason: Set(None),
                    start_date: Set(None),
                    end_date: Set(None),
                    programme_days: Set(3),
                    travel_days: Set(2),
                    places: Set(10),
                    reserve_places: Set(3),
                    obligation_deadlines: Set(None),
                    distance_km: Set(None),
                    green_travel: Set(false),
                    follow_up: Set(mob.follow_up),
                    goals: Set(serde_json::json!(mob.goals)),
                    programme: Set(serde_json::json!(mob.programme)),
                    status: Set(MobilityStatus::Planned),
                    created_at: Set(now),
                    updated_at: Set(now),
                }
                .insert(&txn)
                .await?;
                audit::record(&txn, &actor, "create", "mobility", m.id, &[]).await?;
                report.created.push(format!("mobility {}", mob.code));
                m.id
            }
        };
        for (org, description) in visits {
            if mobility_visit::Entity::find_by_id((id, org)).one(&txn).await?.is_none() {
                mobility_visit::ActiveModel {
                    mobility_id: Set(id),
                    organisation_id: Set(org),
                    description: Set(Some(description.into())),
                }
                .insert(&txn)
                .await?;
            }
        }
        mobility_ids.push(id);
    }

    let call_title = "Vabilo k prijavi za udeležbo na mobilnosti";
    let call_id = match call::Entity::find()
        .filter(call::Column::ProjectId.eq(project_id))
        .filter(call::Column::Title.eq(call_title))
        .one(&txn)
        .await?
    {
        Some(c) => c.id,
        None => {
            let c = call::ActiveModel {
                id: Set(Uuid::now_v7()),
                project_id: Set(project_id),
                title: Set(call_title.into()),
                published_from: Set(date(2025, 10, 13)),
                deadline: Set(date(2025, 11, 7)),
                selection_due: Set(Some(date(2025, 11, 30))),
                submission_email: Set(Some("zdruzenje@zdruzenje-knjiznic.si".into())),
                info_url: Set(None),
                status: Set(CallStatus::Open),
                published_at: Set(None),
                closed_at: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?;
            audit::record(&txn, &actor, "create", "call", c.id, &[]).await?;
            report.created.push(format!("call {call_title}"));
            c.id
        }
    };
    for m in &mobility_ids {
        if call_mobility::Entity::find_by_id((call_id, *m))
            .one(&txn)
            .await?
            .is_none()
        {
            call_mobility::ActiveModel {
                call_id: Set(call_id),
                mobility_id: Set(*m),
            }
            .insert(&txn)
            .await?;
        }
    }

    seed_reference_data(&txn, &actor, &mut report).await?;

    if demo {
        seed_demo(&txn, &actor, project_id, dokk1, &mut report).await?;
    }
    txn.commit().await?;
    Ok(report)
}

/// Reference data every database needs, whatever its projects: the unit-cost travel bands
/// of the calls 2024–2026. Idempotent; runs at every start.
pub async fn seed_reference_data(
    db: &impl ConnectionTrait,
    actor: &Actor,
    report: &mut SeedReport,
) -> anyhow::Result<()> {
    for year in crate::budget::rates::SEEDED_YEARS {
        if crate::budget::service::seed_year(db, actor, *year).await? {
            report
                .created
                .push(format!("unit-cost rates {year} (travel bands)"));
        }
    }
    Ok(())
}

async fn seed_demo(
    db: &impl ConnectionTrait,
    actor: &Actor,
    project_id: Uuid,
    host: Uuid,
    report: &mut SeedReport,
) -> anyhow::Result<()> {
    let libraries = [
        Org {
            name: "[DEMO] Knjižnica Alfa",
            kind: OrganisationKind::MemberLibrary,
            country: "SI",
            city: Some("Demo"),
            email: None,
        },
        Org {
            name: "[DEMO] Knjižnica Beta",
            kind: OrganisationKind::MemberLibrary,
            country: "SI",
            city: Some("Demo"),
            email: None,
        },
        Org {
            name: "[DEMO] Knjižnica Gama",
            kind: OrganisationKind::MemberLibrary,
            country: "SI",
            city: Some("Demo"),
            email: None,
        },
    ];
    let mut library_ids = Vec::new();
    for l in &libraries {
        library_ids.push(ensure_org(db, actor, l, report).await?);
    }
    let users: [(Role, Option<Uuid>, Option<TeamFunction>); 7] = [
        (Role::Admin, None, None),
        (Role::Coordinator, None, Some(TeamFunction::Coordinator)),
        (Role::Committee, None, Some(TeamFunction::CommitteeMember)),
        (Role::Accountant, None, Some(TeamFunction::Accountant)),
        (Role::Library, Some(library_ids[0]), None),
        (Role::Participant, Some(library_ids[0]), None),
        (Role::Host, Some(host), None),
    ];
    for (role, org, function) in users {
        let email = format!("demo.{role}@example.org");
        if user::Entity::find()
            .filter(user::Column::Email.eq(&email))
            .one(db)
            .await?
            .is_some()
        {
            continue;
        }
        let pw = password::generate();
        let hash = password::hash(&pw)?;
        let now = Utc::now();
        let u = user::ActiveModel {
            id: Set(Uuid::now_v7()),
            email: Set(email.clone()),
            password_hash: Set(hash),
            full_name: Set(format!("{DEMO_LABEL} {}", capitalise(role.as_str()))),
            role: Set(role),
            organisation_id: Set(org),
            active: Set(true),
            last_login_at: Set(None),
            reminders: Set(true),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(db)
        .await?;
        audit::record(db, actor, "create", "user", u.id, &[]).await?;
        if let Some(f) = function {
            let m = project_team_member::ActiveModel {
                id: Set(Uuid::now_v7()),
                project_id: Set(project_id),
                user_id: Set(u.id),
                function: Set(f),
                created_at: Set(now),
            }
            .insert(db)
            .await?;
            audit::record(db, actor, "create", "project_team_member", m.id, &[]).await?;
        }
        report.created.push(format!("demo user {email}"));
        report.demo_credentials.push((email, role, pw));
    }
    Ok(())
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
