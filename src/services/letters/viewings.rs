//! The viewing e-mails: the invitation with an iCalendar file, and its cancellation; a
//! volunteer companion is told too.

use super::*;

/// A viewing is arranged: an invitation with an .ics file to both sides.
pub async fn viewing<C: ConnectionTrait>(
    db: &C,
    app: &App,
    proposal: &proposal::Model,
    viewing: &viewing::Model,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    viewing_letter(db, app, proposal, viewing, false, now).await
}

/// A viewing still ahead will not take place (moved, or the proposal ended): both sides
/// hear so, with a cancellation of the calendar entry they were sent.
pub async fn viewing_cancelled<C: ConnectionTrait>(
    db: &C,
    app: &App,
    proposal: &proposal::Model,
    viewing: &viewing::Model,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    viewing_letter(db, app, proposal, viewing, true, now).await
}

pub(super) async fn viewing_letter<C: ConnectionTrait>(
    db: &C,
    app: &App,
    proposal: &proposal::Model,
    viewing: &viewing::Model,
    cancelled: bool,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let p = parts(db, proposal).await?;
    let kind = if cancelled {
        "viewing_cancelled"
    } else {
        "viewing"
    };
    // The calendar entry's id is the sender's domain, as RFC 5545 suggests.
    let domain = app
        .settings
        .mail
        .from
        .rsplit('@')
        .next()
        .unwrap_or("bleibe.invalid")
        .trim_end_matches('>')
        .to_owned();
    let companion = companion_of(db, viewing).await?;
    let mut readers: Vec<(&str, &Recipient)> = Vec::new();
    if let Some(to) = p.landlord.as_ref() {
        readers.push((Party::Landlord.as_str(), to));
    }
    if let Some(to) = p.household_to.as_ref() {
        readers.push((Party::Household.as_str(), to));
    }
    if let Some(to) = companion.as_ref() {
        readers.push(("companion", to));
    }
    for (reader, to) in readers {
        let l = fmt(&to.lang);
        let local = to_berlin(viewing.starts_at);
        let mut values = p.values(&to.lang, None);
        if reader == "companion" && !cancelled {
            values.extend(companion_values(db, &p, viewing, &to.lang).await?);
        }
        values.push(("name", to.greeting_name()));
        values.push(("date", format::date(l, local.date_naive())));
        values.push(("time", local.format("%H:%M").to_string()));
        values.push(("place", viewing.place.clone()));
        values.push((
            "companion",
            viewing.accompanied_by_name.clone().unwrap_or_default(),
        ));
        let name = format!("{kind}_{reader}");
        let mail = letter_in(&to.lang, &name, &borrow(&values), &[]);
        let attachment = calendar_file(&p, viewing, &to.lang, &values, &domain, cancelled, now);
        enqueue(
            db,
            to,
            &mail,
            format!("{kind}-{}-{reader}", viewing.id),
            &name,
            p.unit.municipality_id,
            Some(proposal.id),
            vec![attachment],
            &p.contact,
            now,
        )
        .await?;
    }
    Ok(())
}

/// The viewing as an iCalendar file in the reader's language (a cancellation replaces the
/// entry: same id, next sequence).
fn calendar_file(
    p: &Parts,
    viewing: &viewing::Model,
    lang: &str,
    values: &[(&'static str, String)],
    domain: &str,
    cancelled: bool,
    now: DateTime<Utc>,
) -> EmailAttachment {
    let event = ics::Event {
        uid: format!("viewing-{}@{domain}", viewing.id),
        sequence: u32::from(cancelled),
        starts_at: viewing.starts_at,
        ends_at: viewing
            .ends_at
            .unwrap_or(viewing.starts_at + Duration::hours(1)),
        summary: crate::i18n::fill(
            &mail_text(lang, "mail.viewing_ics.summary"),
            &borrow(values),
        ),
        location: format!("{} ({})", p.street_address(), viewing.place),
        description: crate::i18n::fill(
            &mail_text(lang, "mail.viewing_ics.description"),
            &borrow(values),
        ),
        stamp: now,
        cancelled,
    };
    EmailAttachment {
        filename: "besichtigung.ics".into(),
        content_type: format!(
            "text/calendar; charset=utf-8; method={}",
            if cancelled { "CANCEL" } else { "PUBLISH" }
        ),
        content: ics::calendar(&event).into_bytes(),
    }
}

/// Whoever of the team accompanies a viewing (a volunteer or a coordinator), to write to.
pub(super) async fn companion_of<C: ConnectionTrait>(
    db: &C,
    viewing: &viewing::Model,
) -> Result<Option<Recipient>, ServiceError> {
    let Some(uid) = viewing.accompanied_by_user_id else {
        return Ok(None);
    };
    Ok(users::find(db, uid)
        .await?
        .filter(|u| u.disabled_at.is_none() && u.anonymized_at.is_none())
        .map(Recipient::staff))
}

/// What the companion of a viewing needs: both sides' contacts and the coordinator's note.
pub(super) async fn companion_values<C: ConnectionTrait>(
    db: &C,
    p: &Parts,
    viewing: &viewing::Model,
    lang: &str,
) -> Result<Vec<(&'static str, String)>, ServiceError> {
    let unknown = mail_text(lang, "mail.viewing_companion.unknown");
    let landlord = match &p.landlord {
        Some(l) => {
            let phone = landlords::find(db, p.unit.landlord_id)
                .await?
                .and_then(|x| x.phone);
            let mut parts = vec![l.name.clone().unwrap_or_default(), l.address.clone()];
            parts.extend(phone);
            parts.retain(|x| !x.is_empty());
            parts.join(", ")
        }
        None => unknown.clone(),
    };
    let household = if p.household.erased_at.is_some() {
        unknown.clone()
    } else {
        let h = &p.household;
        let own = h.mail_address().is_some() && h.mail_address() == h.profile.email;
        let c = h
            .profile
            .contact_for_landlord(own, berlin_date(viewing.starts_at));
        let mut parts = vec![c.name];
        if let Some(cw) = c.caseworker {
            parts.push(cw);
        }
        parts.extend(c.email);
        parts.extend(c.phone);
        parts.join(", ")
    };
    let note = viewing
        .note
        .clone()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| mail_text(lang, "mail.viewing_companion.no_note"));
    Ok(vec![
        ("landlord_contact", landlord),
        ("household_contact", household),
        ("note", note),
    ])
}
