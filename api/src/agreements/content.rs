//! What an agreement says, and its PDF.

use crate::render::{Block, Document, Section};
use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::{AgreementKind, FollowUp, Party};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The parties of each kind of agreement.
pub fn parties(kind: AgreementKind) -> &'static [Party] {
    match kind {
        AgreementKind::Grant => &[Party::Zsk, Party::Participant, Party::Library],
        AgreementKind::Learning => &[Party::Zsk, Party::Host, Party::Participant],
        AgreementKind::Europass => &[Party::Zsk, Party::Host],
    }
}

/// The content of an agreement (and of the Europass Mobility record).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Default)]
pub struct AgreementContent {
    pub project_code: String,
    pub project_title: String,
    pub coordinator_name: String,
    pub participant_name: String,
    pub participant_email: String,
    pub library_name: String,
    pub host_name: String,
    pub mobility_code: String,
    pub mobility_title: String,
    pub city: String,
    pub country: String,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub planned_period: Option<String>,
    pub programme_days: i32,
    pub travel_days: i32,
    pub goals: Vec<String>,
    pub programme: Vec<String>,
    pub learning_outcomes: Vec<String>,
    /// Paid directly by the project.
    pub paid_by_project: Vec<String>,
    /// Paid by the employer, not reimbursed.
    pub paid_by_employer: Vec<String>,
    pub recognition: String,
    /// The participant's obligations after the mobility.
    pub obligations: Vec<String>,
    /// The host's mentor (learning agreement, Europass).
    pub mentor: Option<String>,
    pub special_conditions: Option<String>,
    /// Europass: objectives of the stay.
    pub objectives: Option<String>,
    /// Europass: activities carried out.
    pub activities: Option<String>,
    /// Europass: skills and competences acquired, written by the host.
    pub skills_acquired: Option<String>,
    /// Europass: the language of the record.
    pub language: Option<String>,
}

pub fn learning_outcomes() -> Vec<String> {
    [
        "spoznali metodologijo DTFL (Design Thinking for Libraries), uporabno pri razvijanju novih izobraževalnih vsebin, pri čemer izhajajo iz potreb učečih se odraslih",
        "okrepili svoje kompetence za delo z učečimi se odraslimi pri ozaveščanju o pomenu kulturne dediščine",
        "razvijali splošne in medosebne kompetence (komunikacija, timsko delo, medčloveški odnos) ter jezikovne kompetence",
        "dobili priložnost za širitev mednarodnih stikov in sodelovanj",
        "spoznali nove pristope, metode in načine dela ter dobili nove ideje, ki jih bodo lahko prenesli v delo z učečimi se odraslimi v svoji domači organizaciji – knjižnici",
        "dobili možnost, da izboljšajo storitve v korist učečih se odraslih",
        "izkušnje mobilnosti preko knjižnične mreže oziroma na strokovnih dogodkih prenašali tudi na druge splošne knjižnice v Sloveniji",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

pub fn paid_by_project() -> Vec<String> {
    vec![
        "povratna letalska karta".into(),
        "stroški bivanja".into(),
        "zavarovanje".into(),
    ]
}

pub fn paid_by_employer() -> Vec<String> {
    vec![
        "potni nalog (dnevnice)".into(),
        "prevoz na letališče in z njega".into(),
        "lokalni promet".into(),
    ]
}

pub fn obligations(track: FollowUp) -> Vec<String> {
    let mut out: Vec<String> = [
        "ustna in pisna evalvacija mobilnosti; izpolnitev vprašalnika o zadovoljstvu",
        "povzetek ugotovitev o doseženih ciljih, rezultatih in učinkih, novih idejah in možnostih prenosa v redno delo",
        "priprava poročila o mobilnosti",
        "predstavitev poročila sodelavcem v knjižnici in širši strokovni javnosti",
        "objave na portalu Knjižnice.si in v Knjižničarskih novicah (dogovor med udeleženci)",
        "objava novice in poročila na spletni strani knjižnice",
        "3 objave na družbenih omrežjih knjižnice, že med mobilnostjo",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    match track {
        FollowUp::DtflWorkshop => out.extend([
            "priprava in izvedba delavnice po metodi DTFL v knjižnici za približno 10 starejših odraslih ter poročilo o njihovih izobraževalnih potrebah".to_string(),
            "načrt za vključitev metode DTFL v redno delo in njegova izvedba".to_string(),
        ]),
        FollowUp::HeritageWorkshop => out.extend([
            "priprava in izvedba delavnice o kulturni dediščini v knjižnici za približno 10 starejših odraslih in zbiranje vsebin za digitalne zgodbe".to_string(),
            "priprava digitalne zgodbe na portalu Kamra".to_string(),
            "vključitev ene nove metode ali dobre prakse v redno dejavnost knjižnice".to_string(),
        ]),
    }
    out
}

fn title(kind: AgreementKind) -> &'static str {
    match kind {
        AgreementKind::Grant => "Sporazum o nepovratnih sredstvih",
        AgreementKind::Learning => "Učni sporazum",
        AgreementKind::Europass => "Europass Mobility",
    }
}

fn party_name(c: &AgreementContent, p: Party) -> String {
    match p {
        Party::Zsk => format!("{} (organizacija prijaviteljica)", c.coordinator_name),
        Party::Participant => format!("{} (udeleženec/-ka)", c.participant_name),
        Party::Library => format!("{} (delodajalec, knjižnica)", c.library_name),
        Party::Host => format!("{} (organizacija gostiteljica)", c.host_name),
    }
}

/// The document for one version of an agreement. Its bytes depend on nothing else.
pub fn document(
    kind: AgreementKind,
    c: &AgreementContent,
    identifier: String,
    dated: DateTime<Utc>,
) -> Document {
    let list = |items: &[String]| {
        items
            .iter()
            .map(|s| Block::Bullet(s.clone()))
            .collect::<Vec<_>>()
    };
    let when = match (c.start_date, c.end_date) {
        (Some(s), Some(e)) => format!("{s} – {e}"),
        _ => c
            .planned_period
            .clone()
            .unwrap_or_else(|| "datum še ni določen".into()),
    };
    let mut sections = vec![
        Section {
            heading: "Stranke".into(),
            blocks: parties(kind)
                .iter()
                .map(|p| Block::Bullet(party_name(c, *p)))
                .collect(),
        },
        Section {
            heading: "Mobilnost".into(),
            blocks: vec![
                Block::Field(
                    "Projekt".into(),
                    format!("{} – {}", c.project_code, c.project_title),
                ),
                Block::Field(
                    "Mobilnost".into(),
                    format!("{} ({})", c.mobility_title, c.mobility_code),
                ),
                Block::Field("Kraj".into(), format!("{}, {}", c.city, c.country)),
                Block::Field("Organizacija gostiteljica".into(), c.host_name.clone()),
                Block::Field("Čas".into(), when),
                Block::Field(
                    "Trajanje".into(),
                    format!(
                        "{} dni programa + {} dni potovanja",
                        c.programme_days, c.travel_days
                    ),
                ),
            ],
        },
    ];
    if kind == AgreementKind::Europass {
        sections.push(Section {
            heading: "Zapis o mobilnosti".into(),
            blocks: vec![
                Block::Field("Imetnik".into(), c.participant_name.clone()),
                Block::Field(
                    "Organizacija pošiljateljica".into(),
                    c.coordinator_name.clone(),
                ),
                Block::Field("Mentor".into(), c.mentor.clone().unwrap_or_default()),
                Block::Field("Cilji".into(), c.objectives.clone().unwrap_or_default()),
                Block::Field(
                    "Dejavnosti".into(),
                    c.activities.clone().unwrap_or_default(),
                ),
                Block::Field(
                    "Pridobljene spretnosti in kompetence".into(),
                    c.skills_acquired.clone().unwrap_or_default(),
                ),
                Block::Field("Jezik".into(), c.language.clone().unwrap_or_default()),
            ],
        });
    } else {
        sections.push(Section {
            heading: "Cilji".into(),
            blocks: list(&c.goals),
        });
        sections.push(Section {
            heading: "Program (preliminarno)".into(),
            blocks: list(&c.programme),
        });
        sections.push(Section {
            heading: "Pričakovani učni rezultati".into(),
            blocks: list(&c.learning_outcomes),
        });
        if kind == AgreementKind::Learning {
            sections.push(Section {
                heading: "Mentor pri gostitelju".into(),
                blocks: vec![Block::Paragraph(
                    c.mentor.clone().unwrap_or_else(|| "še ni določen".into()),
                )],
            });
        }
        sections.push(Section {
            heading: "Stroški, ki jih neposredno krije projekt".into(),
            blocks: list(&c.paid_by_project),
        });
        sections.push(Section {
            heading: "Stroški delodajalca (niso refundirani)".into(),
            blocks: list(&c.paid_by_employer),
        });
        sections.push(Section {
            heading: "Priznavanje".into(),
            blocks: vec![Block::Paragraph(c.recognition.clone())],
        });
        sections.push(Section {
            heading: "Obveznosti udeleženca po mobilnosti".into(),
            blocks: list(&c.obligations),
        });
    }
    if let Some(s) = &c.special_conditions {
        sections.push(Section {
            heading: "Posebni pogoji".into(),
            blocks: vec![Block::Paragraph(s.clone())],
        });
    }
    sections.push(Section {
        heading: "Podpisi".into(),
        blocks: parties(kind)
            .iter()
            .map(|p| Block::Field(party_name(c, *p), "____________________".into()))
            .collect(),
    });
    Document {
        title: title(kind).into(),
        subtitle: format!("{} · {}", c.project_title, identifier),
        identifier,
        dated,
        sections,
    }
}
