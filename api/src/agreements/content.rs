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
    /// Who signs for each party, in what function, and where.
    #[serde(default)]
    pub signatories: Vec<Signatory>,
    /// What the project covers for this participant from the Erasmus+ unit costs (grant
    /// agreement); an amount is `null` where a rate or an input is still missing.
    #[serde(default)]
    pub amounts: Vec<GrantLine>,
}

/// The person who signs for a party.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Signatory {
    pub party: Party,
    /// The organisation (or, for the participant, the person) the party is.
    pub organisation: String,
    /// The representative's name, where it is recorded.
    pub name: Option<String>,
    #[schema(example = "direktorica")]
    pub function: String,
    /// Where they sign: the organisation's city.
    pub place: Option<String>,
}

/// One amount the project covers for the participant.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct GrantLine {
    #[schema(example = "Potni stroški")]
    pub item: String,
    /// In euros, e.g. `"309.00"`; `null` until the rate or input it needs is known.
    pub amount: Option<String>,
    /// How it is computed, or what is still missing.
    pub basis: String,
}

/// How a missing amount reads in the document.
pub const TO_BE_CONFIRMED: &str = "znesek bo potrjen";

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

/// The document for one version of an agreement, in numbered articles. Its bytes depend on
/// nothing else.
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
    let signatory = |p: Party| c.signatories.iter().find(|s| s.party == p);
    let mut articles: Vec<(String, Vec<Block>)> = vec![
        (
            "Stranke".into(),
            parties(kind)
                .iter()
                .map(|p| {
                    let mut line = party_name(c, *p);
                    if let Some(s) = signatory(*p).filter(|_| *p != Party::Participant) {
                        line.push_str(&match &s.name {
                            Some(name) => format!(", ki jo zastopa {name} ({})", s.function),
                            None => format!(", ki jo zastopa {}", s.function),
                        });
                    }
                    Block::Bullet(line)
                })
                .collect(),
        ),
        (
            "Mobilnost".into(),
            vec![
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
        ),
    ];
    let field = |label: &str, v: &Option<String>| {
        v.as_ref()
            .filter(|v| !v.trim().is_empty())
            .map(|v| Block::Field(label.into(), v.clone()))
    };
    if kind == AgreementKind::Europass {
        let blocks: Vec<Block> = [
            Some(Block::Field("Imetnik".into(), c.participant_name.clone())),
            Some(Block::Field(
                "Organizacija pošiljateljica".into(),
                c.coordinator_name.clone(),
            )),
            field("Mentor", &c.mentor),
            field("Cilji", &c.objectives),
            field("Dejavnosti", &c.activities),
            field("Pridobljene spretnosti in kompetence", &c.skills_acquired),
            field("Jezik", &c.language),
        ]
        .into_iter()
        .flatten()
        .collect();
        articles.push(("Zapis o mobilnosti".into(), blocks));
    } else {
        articles.push(("Cilji".into(), list(&c.goals)));
        articles.push(("Program (preliminarno)".into(), list(&c.programme)));
        articles.push((
            "Pričakovani učni rezultati".into(),
            list(&c.learning_outcomes),
        ));
        if kind == AgreementKind::Learning {
            articles.push((
                "Mentor pri gostitelju".into(),
                vec![Block::Paragraph(
                    c.mentor.clone().unwrap_or_else(|| "še ni določen".into()),
                )],
            ));
        }
        if kind == AgreementKind::Grant {
            let mut blocks = vec![Block::Paragraph(
                "Projekt za udeleženca krije naslednje zneske iz enotnih stroškov programa Erasmus+ \
                 (zneski, ki še niso znani, bodo potrjeni z novo različico sporazuma):"
                    .into(),
            )];
            blocks.extend(c.amounts.iter().map(|l| {
                Block::Field(
                    l.item.clone(),
                    format!(
                        "{} ({})",
                        l.amount
                            .as_ref()
                            .map(|a| format!("{} EUR", a.replace('.', ",")))
                            .unwrap_or_else(|| TO_BE_CONFIRMED.into()),
                        l.basis
                    ),
                )
            }));
            articles.push(("Finančna podpora".into(), blocks));
        }
        articles.push((
            "Stroški, ki jih neposredno krije projekt".into(),
            list(&c.paid_by_project),
        ));
        articles.push((
            "Stroški delodajalca (niso refundirani)".into(),
            list(&c.paid_by_employer),
        ));
        articles.push((
            "Priznavanje".into(),
            vec![Block::Paragraph(c.recognition.clone())],
        ));
        articles.push((
            "Obveznosti udeleženca po mobilnosti".into(),
            list(&c.obligations),
        ));
    }
    if let Some(s) = c
        .special_conditions
        .as_ref()
        .filter(|s| !s.trim().is_empty())
    {
        articles.push(("Posebni pogoji".into(), vec![Block::Paragraph(s.clone())]));
    }
    articles.push((
        "Podpisi".into(),
        parties(kind)
            .iter()
            .map(|p| {
                let s = signatory(*p);
                Block::Signature {
                    party: party_name(c, *p),
                    name: s.and_then(|s| s.name.clone()),
                    function: s.map(|s| s.function.clone()),
                    place: s.and_then(|s| s.place.clone()),
                }
            })
            .collect(),
    ));
    let sections = articles
        .into_iter()
        .enumerate()
        .map(|(i, (heading, blocks))| Section {
            // A contract's articles are numbered; the Europass record is not a contract.
            heading: if kind == AgreementKind::Europass {
                heading
            } else {
                format!("{}. člen: {heading}", i + 1)
            },
            blocks,
        })
        .collect();
    Document {
        title: title(kind).into(),
        subtitle: format!("{} · {}", c.project_title, identifier),
        author: c.coordinator_name.clone(),
        subject: format!(
            "{} – {}, {} ({})",
            title(kind),
            c.participant_name,
            c.mobility_title,
            c.mobility_code
        ),
        identifier,
        dated,
        sections,
    }
}
