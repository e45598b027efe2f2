//! The parts of an agreement's content that follow records which may change after it is
//! issued: who signs for each party, in what function and where, and the amounts the project
//! covers for the participant from the Erasmus+ unit costs. Made when an agreement is issued
//! and made again by `amend`: amounts that changed make version n+1, signed again.

use super::*;
use crate::agreements::content::{GrantLine, Signatory};
use crate::budget::units::unit_costs;
use entity::enums::TeamFunction;
use entity::{application, project_team_member, user};

const DIRECTOR: &str = "direktor/-ica";

/// Who signs for each party of any agreement of this participant.
pub(super) async fn signatories(
    db: &impl ConnectionTrait,
    ctx: &Context,
) -> ApiResult<Vec<Signatory>> {
    let org = |id: Uuid| async move { organisation::Entity::find_by_id(id).one(db).await };
    let coordinator = org(ctx.project.applicant_id).await?;
    let library = org(ctx.participant.library_id).await?;
    let host = org(ctx.mobility.host_organisation_id).await?;
    // ZSK signs by the project's responsible person where the team names one.
    let responsible = match project_team_member::Entity::find()
        .filter(project_team_member::Column::ProjectId.eq(ctx.project.id))
        .filter(project_team_member::Column::Function.eq(TeamFunction::ResponsiblePerson))
        .order_by_asc(project_team_member::Column::CreatedAt)
        .one(db)
        .await?
    {
        Some(m) => user::Entity::find_by_id(m.user_id)
            .one(db)
            .await?
            .map(|u| u.full_name),
        None => None,
    };
    let place = |o: &Option<organisation::Model>| o.as_ref().and_then(|o| o.city.clone());
    let name =
        |o: &Option<organisation::Model>| o.as_ref().map(|o| o.name.clone()).unwrap_or_default();
    let director =
        |o: &Option<organisation::Model>| o.as_ref().and_then(|o| o.director_name.clone());
    Ok(vec![
        Signatory {
            party: Party::Zsk,
            organisation: name(&coordinator),
            function: if responsible.is_some() {
                "odgovorna oseba projekta".into()
            } else {
                DIRECTOR.into()
            },
            name: responsible.or_else(|| director(&coordinator)),
            place: place(&coordinator),
        },
        Signatory {
            party: Party::Participant,
            organisation: ctx.participant.full_name.clone(),
            name: Some(ctx.participant.full_name.clone()),
            function: "udeleženec/-ka mobilnosti".into(),
            place: place(&library),
        },
        Signatory {
            party: Party::Library,
            organisation: name(&library),
            name: director(&library),
            function: DIRECTOR.into(),
            place: place(&library),
        },
        Signatory {
            party: Party::Host,
            organisation: name(&host),
            name: director(&host),
            function: DIRECTOR.into(),
            place: place(&host),
        },
    ])
}

/// What the project covers for this participant from the unit costs of the project's call
/// year; an amount is `None` where a rate or an input is still missing.
pub(super) async fn amounts(db: &impl ConnectionTrait, ctx: &Context) -> ApiResult<Vec<GrantLine>> {
    let year = crate::budget::service::call_year(&ctx.project);
    let rates = match crate::budget::service::rates(db, year).await {
        Ok(r) => Some(r),
        Err(e) if e.code == "unit_cost_rates.not_found" => None,
        Err(e) => return Err(e),
    };
    let fewer = application::Entity::find_by_id(ctx.participant.application_id)
        .one(db)
        .await?
        .is_some_and(|a| a.fewer_opportunities);
    let m = &ctx.mobility;
    let unit = rates.as_ref().map(|r| unit_costs(r, m));
    let line = |item: &str, cost: Option<&Result<i64, String>>, basis: String| GrantLine {
        item: item.into(),
        amount: cost
            .and_then(|c| c.as_ref().ok())
            .map(|c| crate::money::format(*c)),
        basis: match cost {
            Some(Ok(_)) => basis,
            Some(Err(_)) => format!("{basis}; postavka ali podatek še nista vnesena"),
            None => format!("{basis}; postavke za leto {year} še niso vnesene"),
        },
    };
    let distance = match m.distance_km {
        Some(km) => format!(
            "pavšal za razdaljo {km} km{}",
            if m.green_travel { ", zelena pot" } else { "" }
        ),
        None => "pavšal za razdaljo".into(),
    };
    let days = crate::budget::units::funded_days(m);
    let mut out = vec![
        line("Potni stroški", unit.as_ref().map(|u| &u.travel), distance),
        line(
            "Individualna podpora",
            unit.as_ref().map(|u| &u.individual_support),
            format!("{days} dni po dnevni postavki za {}", m.country),
        ),
    ];
    if fewer {
        out.push(line(
            "Podpora za vključevanje",
            unit.as_ref().map(|u| &u.inclusion_support),
            "udeleženec z manj priložnostmi".into(),
        ));
    }
    Ok(out)
}

/// The derived parts of `content` made again from what is recorded now.
pub(super) async fn refresh(
    db: &impl ConnectionTrait,
    ctx: &Context,
    content: &mut AgreementContent,
) -> ApiResult<()> {
    content.signatories = signatories(db, ctx).await?;
    content.amounts = amounts(db, ctx).await?;
    Ok(())
}
