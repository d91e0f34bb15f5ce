//! The landlord's e-mail when a coordinator decides an incentive request.

use super::*;

/// A coordinator decided a landlord's incentive request: the landlord hears the decision,
/// with the amount and period when granted, or the reason when declined.
pub async fn incentive_decided<C: ConnectionTrait>(
    db: &C,
    request: &entities::unit_incentive::Model,
    programme: &entities::incentive_programme::Model,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let Some(unit) = units::find(db, request.unit_id).await? else {
        return Ok(());
    };
    let Some(to) = landlord_recipient(db, unit.landlord_id).await? else {
        return Ok(());
    };
    let Some(municipality) = crate::store::municipalities::find(db, unit.municipality_id).await?
    else {
        return Ok(());
    };
    let l = fmt(&to.lang);
    let a = &unit.details.address;
    let contact = municipality_contact(&municipality);
    let granted = request.status != "declined";
    let (decision, note) = decision_words(request, &to.lang, l);
    let programme_name = if l == Locale::En {
        programme.name_en.clone()
    } else {
        programme.name_de.clone()
    };
    let values = vec![
        ("name", to.name.clone().unwrap_or_default()),
        ("address", a.one_line()),
        ("programme", programme_name),
        ("decision", decision),
        ("note", note),
        ("municipality", municipality.name.clone()),
        ("contact", contact.line()),
    ];
    let name = if granted {
        "incentive_granted_landlord"
    } else {
        "incentive_declined_landlord"
    };
    let mail = letter_in(&to.lang, name, &borrow(&values), &[]);
    enqueue(
        db,
        &to,
        &mail,
        format!("incentive-{}-{}", request.id, request.status),
        name,
        unit.municipality_id,
        None,
        Vec::new(),
        &contact,
        now,
    )
    .await
}

/// The decision in words (the amount and period when granted) and the coordinator's note.
fn decision_words(
    request: &entities::unit_incentive::Model,
    lang: &str,
    l: Locale,
) -> (String, String) {
    let part = |key: &str, values: &[(&str, &str)]| {
        crate::i18n::fill(
            &mail_text(lang, &format!("mail.incentive_parts.{key}")),
            values,
        )
    };
    let decision = if request.status != "declined" {
        let mut text = match request.granted_amount_cents {
            Some(c) => part(
                "granted_amount",
                &[("amount", &crate::domain::Cents(c).format(l))],
            ),
            None => part("granted", &[]),
        };
        if let (Some(from), Some(until)) = (request.granted_from, request.granted_until) {
            text.push(' ');
            text.push_str(&part(
                "period",
                &[
                    ("from", &format::date(l, from)),
                    ("until", &format::date(l, until)),
                ],
            ));
        }
        text
    } else {
        part("declined", &[])
    };
    let note = request
        .decision_note
        .clone()
        .filter(|n| !n.trim().is_empty())
        .map(|n| part("note", &[("note", &n)]))
        .unwrap_or_else(|| part("no_note", &[]));
    (decision, note)
}
