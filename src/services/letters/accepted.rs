//! What the both-sides-accepted e-mail tells each side: the next step, how to reach the
//! other side (households' contacts only as far as they consented), and the incentives.

use super::*;

/// What the both-said-yes letter adds for `party`: the next step (the landlord's own
/// viewing times when they proposed some), whom to contact on the other side, and for
/// landlords where each incentive they asked for stands.
pub(super) async fn accepted_values<C: ConnectionTrait>(
    db: &C,
    p: &Parts,
    party: Party,
    lang: &str,
) -> Result<Vec<(&'static str, String)>, ServiceError> {
    let text = |key: &str, values: &[(&str, &str)]| accepted_part(lang, key, values);
    let municipality = p.municipality.name.as_str();
    let mut out = Vec::new();
    match party {
        Party::Landlord => {
            let viewings = crate::store::proposals::viewings(db, p.proposal.id).await?;
            let times = viewings
                .iter()
                .any(|v| v.proposed_by == "landlord" && v.status == "proposed");
            out.push((
                "next_step",
                text(
                    if times { "next_times" } else { "next_viewing" },
                    &[("municipality", municipality)],
                ),
            ));
            let today = berlin_date(p.proposal.state_changed_at);
            let other = match p.household.contact_for_landlord(today) {
                Some(c) => household_contact_words(&c, lang),
                None => text("household_withheld", &[("municipality", municipality)]),
            };
            out.push(("other_side", other));
            out.push(("incentives", incentive_words(db, p.unit.id, lang).await?));
        }
        Party::Household => {
            let other = match &p.landlord {
                Some(l) => {
                    let landlord = landlords::find(db, p.unit.landlord_id).await?;
                    let mut who = vec![l.name.clone().unwrap_or_default(), l.address.clone()];
                    who.extend(landlord.and_then(|x| x.phone));
                    who.retain(|w| !w.is_empty());
                    text("landlord_contact", &[("who", &who.join(", "))])
                }
                None => text("landlord_via_town", &[("municipality", municipality)]),
            };
            out.push(("other_side", other));
        }
    }
    Ok(out)
}

/// A sentence of the both-sides-accepted e-mail, in `lang`.
pub(super) fn accepted_part(lang: &str, key: &str, values: &[(&str, &str)]) -> String {
    crate::i18n::fill(
        &mail_text(lang, &format!("mail.accepted_parts.{key}")),
        values,
    )
}

/// How the landlord reaches the household once both accepted: through its caseworker when
/// it has one, else its own name, e-mail and phone.
pub(super) fn household_contact_words(
    c: &crate::domain::household::HouseholdContact,
    lang: &str,
) -> String {
    let mut who: Vec<String> = Vec::new();
    if let Some(cw) = &c.caseworker {
        who.push(cw.clone());
    }
    who.extend(c.email.clone());
    who.extend(c.phone.clone());
    let key = if c.caseworker.is_some() {
        "household_contact_caseworker"
    } else {
        "household_contact"
    };
    let who = if who.is_empty() {
        c.name.clone()
    } else if c.caseworker.is_some() {
        who.join(", ")
    } else {
        format!("{}, {}", c.name, who.join(", "))
    };
    accepted_part(lang, key, &[("who", &who), ("household_name", &c.name)])
}

/// The flat's incentive requests in one sentence each (granted with the amount, requested,
/// declined), or that it has none.
pub(super) async fn incentive_words<C: ConnectionTrait>(
    db: &C,
    unit_id: i64,
    lang: &str,
) -> Result<String, ServiceError> {
    let l = fmt(lang);
    let requests = crate::store::incentives::requests_for_units(db, &[unit_id]).await?;
    let lines: Vec<String> = requests
        .iter()
        .filter_map(|(r, programme)| {
            let name = if l == Locale::En {
                programme.name_en.clone()
            } else {
                programme.name_de.clone()
            };
            let amount = r
                .granted_amount_cents
                .map(|c| format!(", {}", crate::domain::Cents(c).format(l)))
                .unwrap_or_default();
            let key = match r.status.as_str() {
                "granted" | "paid" => "incentive_granted",
                "requested" => "incentive_requested",
                "declined" => "incentive_declined",
                _ => return None,
            };
            Some(accepted_part(
                lang,
                key,
                &[("programme", &name), ("amount", &amount)],
            ))
        })
        .collect();
    Ok(if lines.is_empty() {
        accepted_part(lang, "incentive_none", &[])
    } else {
        lines.join(" ")
    })
}
