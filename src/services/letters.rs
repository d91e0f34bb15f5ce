//! The e-mails of the placement pipeline, written to the outbox in the caller's
//! transaction: proposals with answer links, reminders, expiry, both-sides-accepted,
//! viewing invitations with an iCalendar file, follow-up check-ins and the weekly digest.
//! Households' names and contacts never appear in a landlord's e-mail.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use entities::{follow_up, municipality, proposal, viewing};
use sea_orm::ConnectionTrait;

use super::ServiceError;
use super::links::{self, Party};
use crate::app::App;
use crate::domain::format;
use crate::domain::time::{berlin_date, to_berlin};
use crate::domain::{Language, Locale};
use crate::mail::compose::{Contact, Letter, letter_in, mail_text};
use crate::mail::outbox::{self, Outgoing};
use crate::mail::{EmailAttachment, ics};
use crate::store::households::StoredHousehold;
use crate::store::units::StoredUnit;
use crate::store::{households, landlords, units, users};

/// Someone to write to.
#[derive(Debug, Clone, PartialEq)]
pub struct Recipient {
    pub address: String,
    pub name: Option<String>,
    /// Mail language code.
    pub lang: String,
    /// A user id, for coordinators (part of idempotency keys).
    pub user_id: Option<i64>,
    /// When a household's letter goes to its caseworker: the household's name and
    /// Aktenzeichen, said in the subject and the first line.
    pub for_household: Option<(String, String)>,
}

impl Recipient {
    /// Whom the letter greets: the household when its caseworker passes the letter on
    /// (the letter speaks to the household), else the recipient.
    pub fn greeting_name(&self) -> String {
        match &self.for_household {
            Some((household, _)) => household.clone(),
            None => self.name.clone().unwrap_or_default(),
        }
    }
}

/// How a letter greets a household: its contact person's name, else `Familie <Name>`,
/// else its Aktenzeichen; never nobody.
pub fn household_name(h: &StoredHousehold, lang: &str, on: NaiveDate) -> String {
    if let Some(name) = h.profile.contact_person(on) {
        return name;
    }
    let family = h
        .profile
        .members
        .iter()
        .filter_map(|m| m.last_name.clone())
        .find(|n| !n.trim().is_empty());
    match family {
        Some(last) => crate::i18n::fill(&mail_text(lang, "mail.family"), &[("name", &last)]),
        None => h.profile.reference.clone(),
    }
}

/// Whom to ask about a municipality's letters: its contact address and phone.
pub fn municipality_contact(m: &municipality::Model) -> Contact {
    Contact {
        name: m.name.clone(),
        organisation: None,
        email: m.contact_email.clone(),
        phone: m.contact_phone.clone(),
    }
}

/// Whom to ask about a household's proposal: the coordinator in charge of the household
/// (name and e-mail, the municipality's phone), else the municipality's contact.
pub async fn household_contact<C: ConnectionTrait>(
    db: &C,
    h: &StoredHousehold,
    m: &municipality::Model,
) -> Result<Contact, ServiceError> {
    if let Some(uid) = h.caseworker_user_id
        && let Some(u) = users::find(db, uid).await?
        && u.disabled_at.is_none()
        && u.anonymized_at.is_none()
    {
        return Ok(Contact {
            name: u.display_name,
            organisation: Some(m.name.clone()),
            email: Some(u.email),
            phone: m.contact_phone.clone(),
        });
    }
    Ok(municipality_contact(m))
}

/// The service's own help address (`mail.reply_to`), for letters about an account.
pub fn support_contact(app: &App) -> Contact {
    let raw = app.settings.mail.reply_to.trim();
    if raw.is_empty() {
        return Contact::default();
    }
    match raw.parse::<lettre::message::Mailbox>() {
        Ok(mailbox) => Contact {
            name: mailbox.name.unwrap_or_default(),
            organisation: None,
            email: Some(mailbox.email.to_string()),
            phone: None,
        },
        Err(_) => Contact::default(),
    }
}

/// The formats of a language (numbers, dates): its own when Bleibe knows it, else German.
fn fmt(lang: &str) -> Locale {
    lang.parse().unwrap_or_default()
}

/// The landlord of a unit, by contact address or account address.
pub async fn landlord_recipient<C: ConnectionTrait>(
    db: &C,
    landlord_id: i64,
) -> Result<Option<Recipient>, ServiceError> {
    let Some(landlord) = landlords::find(db, landlord_id).await? else {
        return Ok(None);
    };
    if landlord.anonymized_at.is_some() {
        return Ok(None);
    }
    let address = match landlord.contact_email.clone() {
        Some(e) => Some(e),
        None => match landlord.user_id {
            Some(uid) => users::find(db, uid).await?.map(|u| u.email),
            None => None,
        },
    };
    Ok(address.map(|address| Recipient {
        address,
        name: Some(landlord.display_name.clone()),
        lang: landlord.preferred_locale.clone(),
        user_id: landlord.user_id,
        for_household: None,
    }))
}

/// The household itself when it agreed to e-mail, else its caseworker (the letter then
/// says which household it is about). Named as of `on`.
pub fn household_recipient(h: &StoredHousehold, on: NaiveDate) -> Option<Recipient> {
    let address = h.mail_address()?;
    let own = h.profile.email.as_deref() == Some(address.as_str());
    let lang = h.profile.preferred_language.code().to_owned();
    let household = household_name(h, &lang, on);
    Some(if own {
        Recipient {
            address,
            name: Some(household),
            lang,
            user_id: None,
            for_household: None,
        }
    } else {
        Recipient {
            address,
            name: Some(
                h.profile
                    .caseworker_name
                    .clone()
                    .filter(|n| !n.trim().is_empty())
                    .unwrap_or_else(|| household.clone()),
            ),
            lang,
            user_id: None,
            for_household: Some((household, h.profile.reference.clone())),
        }
    })
}

/// The coordinators of a municipality; its contact address when it has none.
pub async fn coordinator_recipients<C: ConnectionTrait>(
    db: &C,
    municipality: &municipality::Model,
) -> Result<Vec<Recipient>, ServiceError> {
    let mut out: Vec<Recipient> = users::coordinators_of(db, municipality.id)
        .await?
        .into_iter()
        .map(|u| Recipient {
            address: u.email,
            name: Some(u.display_name),
            lang: u.locale,
            user_id: Some(u.id),
            for_household: None,
        })
        .collect();
    if out.is_empty()
        && let Some(contact) = &municipality.contact_email
    {
        out.push(Recipient {
            address: contact.clone(),
            name: Some(municipality.name.clone()),
            lang: "de".into(),
            user_id: None,
            for_household: None,
        });
    }
    Ok(out)
}

/// Everything a pipeline letter talks about.
struct Parts {
    proposal: proposal::Model,
    unit: StoredUnit,
    household: StoredHousehold,
    municipality: municipality::Model,
    landlord: Option<Recipient>,
    household_to: Option<Recipient>,
    /// Whom both sides ask: the coordinator in charge of the household.
    contact: Contact,
}

async fn parts<C: ConnectionTrait>(
    db: &C,
    proposal: &proposal::Model,
) -> Result<Parts, ServiceError> {
    let unit = units::find(db, proposal.unit_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("unit".into()))?;
    let household = households::find(db, proposal.household_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("household".into()))?;
    let municipality = crate::store::municipalities::find(db, unit.municipality_id)
        .await?
        .ok_or_else(|| ServiceError::NotFound("municipality".into()))?;
    let landlord = landlord_recipient(db, unit.landlord_id).await?;
    let household_to = household_recipient(&household, berlin_date(proposal.state_changed_at));
    let contact = household_contact(db, &household, &municipality).await?;
    Ok(Parts {
        proposal: proposal.clone(),
        unit,
        household,
        municipality,
        landlord,
        household_to,
        contact,
    })
}

impl Parts {
    fn street_address(&self) -> String {
        let a = &self.unit.details.address;
        a.one_line()
    }

    /// Values every pipeline letter may use, in the reader's formats.
    fn values(&self, lang: &str, due: Option<DateTime<Utc>>) -> Vec<(&'static str, String)> {
        let l = fmt(lang);
        let language = lang.parse::<Language>().unwrap_or_default();
        let d = &self.unit.details;
        let persons = self.household.profile.members.len() as u64;
        let warm = d.cold_rent + d.service_charges + d.heating_costs;
        vec![
            ("address", self.street_address()),
            ("municipality", self.municipality.name.clone()),
            ("persons", crate::i18n::count(language, "persons", persons)),
            ("rooms", format::compact(l, d.rooms)),
            ("area", format::compact(l, d.area_m2)),
            ("cold_rent", d.cold_rent.format(l)),
            ("service_charges", d.service_charges.format(l)),
            ("heating", d.heating_costs.format(l)),
            ("rent", warm.format(l)),
            ("floor", crate::i18n::floor(language, d.floor)),
            ("available", format::date(l, d.available_from)),
            ("reference", self.household.profile.reference.clone()),
            ("contact", self.contact.line()),
            (
                "due",
                due.map(|t| format::date(l, berlin_date(t)))
                    .unwrap_or_default(),
            ),
        ]
    }
}

fn borrow<'a>(values: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    values.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[allow(clippy::too_many_arguments)]
async fn enqueue<C: ConnectionTrait>(
    db: &C,
    to: &Recipient,
    mail: &Letter,
    key: String,
    kind: &str,
    municipality_id: i64,
    proposal_id: Option<i64>,
    attachments: Vec<EmailAttachment>,
    contact: &Contact,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let mut mail = mail.clone().with_contact(contact);
    if let Some((household, reference)) = &to.for_household {
        mail = mail.for_household(household, reference);
    }
    let mut email = mail.to_email(key, &to.address, to.name.as_deref());
    email.attachments = attachments;
    outbox::enqueue(
        db,
        &Outgoing {
            email,
            kind: kind.to_owned(),
            locale: to.lang.clone(),
            municipality_id: Some(municipality_id),
            proposal_id,
        },
        now,
    )
    .await?;
    Ok(())
}

/// The answer links of a party, labelled by the letter's `action_<name>` texts.
async fn answer_links<C: ConnectionTrait>(
    db: &C,
    app: &App,
    proposal_id: i64,
    party: Party,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<(String, String)>, ServiceError> {
    let mut out = Vec::new();
    for action in party.actions() {
        let url = links::issue(db, app, proposal_id, party, action, expires_at, now).await?;
        out.push((format!("action_{action}"), url));
    }
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
async fn to_party<C: ConnectionTrait>(
    db: &C,
    app: &App,
    p: &Parts,
    party: Party,
    name: &str,
    key: String,
    with_links: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let (to, letter_name) = match party {
        Party::Landlord => (p.landlord.as_ref(), format!("{name}_landlord")),
        Party::Household => (p.household_to.as_ref(), format!("{name}_household")),
    };
    let Some(to) = to else {
        return Ok(());
    };
    let mut values = p.values(&to.lang, p.proposal.answer_due_at);
    values.push(("name", to.greeting_name()));
    if name == "accepted" {
        values.extend(accepted_values(db, p, party, &to.lang).await?);
    }
    let links = match with_links {
        Some(expires) => answer_links(db, app, p.proposal.id, party, expires, now).await?,
        None => Vec::new(),
    };
    let link_refs: Vec<(&str, &str)> = links
        .iter()
        .map(|(k, u)| (k.as_str(), u.as_str()))
        .collect();
    let mail = letter_in(&to.lang, &letter_name, &borrow(&values), &link_refs);
    enqueue(
        db,
        to,
        &mail,
        key,
        &letter_name,
        p.unit.municipality_id,
        Some(p.proposal.id),
        Vec::new(),
        &p.contact,
        now,
    )
    .await
}

/// What the both-said-yes letter adds for `party`: the next step (the landlord's own
/// viewing times when they proposed some), whom to contact on the other side, and for
/// landlords where each incentive they asked for stands.
async fn accepted_values<C: ConnectionTrait>(
    db: &C,
    p: &Parts,
    party: Party,
    lang: &str,
) -> Result<Vec<(&'static str, String)>, ServiceError> {
    let text = |key: &str, values: &[(&str, &str)]| {
        crate::i18n::fill(
            &mail_text(lang, &format!("mail.accepted_parts.{key}")),
            values,
        )
    };
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
                Some(c) => {
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
                    text(key, &[("who", &who), ("household_name", &c.name)])
                }
                None => text("household_withheld", &[("municipality", municipality)]),
            };
            out.push(("other_side", other));
            let l = fmt(lang);
            let requests = crate::store::incentives::requests_for_units(db, &[p.unit.id]).await?;
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
                    Some(text(key, &[("programme", &name), ("amount", &amount)]))
                })
                .collect();
            out.push((
                "incentives",
                if lines.is_empty() {
                    text("incentive_none", &[])
                } else {
                    lines.join(" ")
                },
            ));
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

/// Letter `<name>_<party>` to each of `parties`, keyed `<name>-<proposal>-<party>`, with
/// fresh answer links valid until `links_until` when given.
async fn to_sides<C: ConnectionTrait>(
    db: &C,
    app: &App,
    proposal: &proposal::Model,
    name: &str,
    parties: &[Party],
    links_until: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let p = parts(db, proposal).await?;
    for party in parties {
        let key = format!("{name}-{}-{}", proposal.id, party.as_str());
        to_party(db, app, &p, *party, name, key, links_until, now).await?;
    }
    Ok(())
}

const BOTH: [Party; 2] = [Party::Landlord, Party::Household];

/// The proposal to both sides, with answer links valid until the answer date.
pub async fn proposal_sent<C: ConnectionTrait>(
    db: &C,
    app: &App,
    proposal: &proposal::Model,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let until = proposal.answer_due_at.unwrap_or(now + Duration::days(7));
    to_sides(db, app, proposal, "proposal", &BOTH, Some(until), now).await
}

/// A reminder to the sides that have not answered, with fresh links.
pub async fn reminder<C: ConnectionTrait>(
    db: &C,
    app: &App,
    proposal: &proposal::Model,
    parties: &[Party],
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let until = proposal.answer_due_at.unwrap_or(now + Duration::days(2));
    to_sides(db, app, proposal, "reminder", parties, Some(until), now).await
}

/// Nobody (or only one side) answered in time: both sides hear that it ended.
pub async fn expired<C: ConnectionTrait>(
    db: &C,
    app: &App,
    proposal: &proposal::Model,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    to_sides(db, app, proposal, "expired", &BOTH, None, now).await
}

/// Both sides said yes: what happens next, to both.
pub async fn accepted<C: ConnectionTrait>(
    db: &C,
    app: &App,
    proposal: &proposal::Model,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    to_sides(db, app, proposal, "accepted", &BOTH, None, now).await
}

/// A landlord deleted their account while a proposal for their flat was open, and the
/// proposal was withdrawn: the household hears it (when it knew of the proposal), and so
/// does whoever looks after the household: its coordinator, else the coordinators of the
/// flat's municipality. Neither letter names the landlord or the flat's street; both are
/// erased in the same transaction.
pub async fn landlord_left<C: ConnectionTrait>(
    db: &C,
    app: &App,
    proposal: &proposal::Model,
    household_knew: bool,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let p = parts(db, proposal).await?;
    if household_knew && let Some(to) = p.household_to.as_ref() {
        let mut values = p.values(&to.lang, None);
        values.push(("name", to.greeting_name()));
        let mail = letter_in(&to.lang, "landlord_left_household", &borrow(&values), &[]);
        enqueue(
            db,
            to,
            &mail,
            format!("landlord-left-{}-household", proposal.id),
            "landlord_left_household",
            p.unit.municipality_id,
            Some(proposal.id),
            Vec::new(),
            &p.contact,
            now,
        )
        .await?;
    }
    let caseworker = match p.household.caseworker_user_id {
        Some(uid) => users::find(db, uid).await?.filter(|u| {
            u.disabled_at.is_none()
                && u.anonymized_at.is_none()
                && matches!(u.role.as_str(), "coordinator" | "admin")
        }),
        None => None,
    };
    let readers = match caseworker {
        Some(u) => vec![Recipient {
            address: u.email,
            name: Some(u.display_name),
            lang: u.locale,
            user_id: Some(u.id),
            for_household: None,
        }],
        None => coordinator_recipients(db, &p.municipality).await?,
    };
    let url = super::accounts::link(app, &format!("/workspace/proposals/{}", proposal.id));
    for to in readers {
        let mut values = p.values(&to.lang, None);
        values.push(("name", to.greeting_name()));
        let mail = letter_in(
            &to.lang,
            "landlord_left_coordinator",
            &borrow(&values),
            &[("action", url.as_str())],
        );
        enqueue(
            db,
            &to,
            &mail,
            format!(
                "landlord-left-{}-coordinator-{}",
                proposal.id,
                to.user_id.unwrap_or_default()
            ),
            "landlord_left_coordinator",
            p.unit.municipality_id,
            Some(proposal.id),
            Vec::new(),
            &support_contact(app),
            now,
        )
        .await?;
    }
    Ok(())
}

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

async fn viewing_letter<C: ConnectionTrait>(
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
        let event = ics::Event {
            uid: format!("viewing-{}@{domain}", viewing.id),
            sequence: u32::from(cancelled),
            starts_at: viewing.starts_at,
            ends_at: viewing
                .ends_at
                .unwrap_or(viewing.starts_at + Duration::hours(1)),
            summary: crate::i18n::fill(
                &mail_text(&to.lang, "mail.viewing_ics.summary"),
                &borrow(&values),
            ),
            location: format!("{} ({})", p.street_address(), viewing.place),
            description: crate::i18n::fill(
                &mail_text(&to.lang, "mail.viewing_ics.description"),
                &borrow(&values),
            ),
            stamp: now,
            cancelled,
        };
        let attachment = EmailAttachment {
            filename: "besichtigung.ics".into(),
            content_type: format!(
                "text/calendar; charset=utf-8; method={}",
                if cancelled { "CANCEL" } else { "PUBLISH" }
            ),
            content: ics::calendar(&event).into_bytes(),
        };
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

/// Whoever of the team accompanies a viewing (a volunteer or a coordinator), to write to.
async fn companion_of<C: ConnectionTrait>(
    db: &C,
    viewing: &viewing::Model,
) -> Result<Option<Recipient>, ServiceError> {
    let Some(uid) = viewing.accompanied_by_user_id else {
        return Ok(None);
    };
    Ok(users::find(db, uid)
        .await?
        .filter(|u| u.disabled_at.is_none() && u.anonymized_at.is_none())
        .map(|u| Recipient {
            address: u.email,
            name: Some(u.display_name),
            lang: u.locale,
            user_id: Some(u.id),
            for_household: None,
        }))
}

/// What the companion of a viewing needs: both sides' contacts and the coordinator's note.
async fn companion_values<C: ConnectionTrait>(
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

/// A follow-up check-in is due: the coordinators are asked to record it, the landlord is
/// asked whether all is well.
pub async fn follow_up_due<C: ConnectionTrait>(
    db: &C,
    app: &App,
    proposal: &proposal::Model,
    follow_up: &follow_up::Model,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let p = parts(db, proposal).await?;
    let months = follow_up.month.to_string();
    let link = super::accounts::link(app, &format!("/workspace/proposals/{}", proposal.id));
    for to in coordinator_recipients(db, &p.municipality).await? {
        let mut values = p.values(&to.lang, None);
        values.push(("name", to.greeting_name()));
        values.push(("months", months.clone()));
        values.push(("due_on", format::date(fmt(&to.lang), follow_up.due_on)));
        let mail = letter_in(
            &to.lang,
            "follow_up_coordinator",
            &borrow(&values),
            &[("action", &link)],
        );
        let who = to
            .user_id
            .map_or_else(|| "contact".to_owned(), |id| id.to_string());
        enqueue(
            db,
            &to,
            &mail,
            format!("followup-{}-coordinator-{who}", follow_up.id),
            "follow_up_coordinator",
            p.unit.municipality_id,
            Some(proposal.id),
            Vec::new(),
            &support_contact(app),
            now,
        )
        .await?;
    }
    if let Some(to) = &p.landlord {
        let mut values = p.values(&to.lang, None);
        values.push(("name", to.greeting_name()));
        values.push(("months", months.clone()));
        let mail = letter_in(&to.lang, "follow_up_landlord", &borrow(&values), &[]);
        enqueue(
            db,
            to,
            &mail,
            format!("followup-{}-landlord", follow_up.id),
            "follow_up_landlord",
            p.unit.municipality_id,
            Some(proposal.id),
            Vec::new(),
            &p.contact,
            now,
        )
        .await?;
    }
    Ok(())
}

/// What a coordinator's weekly digest lists, each line ready to print.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DigestContent {
    pub new_units: Vec<String>,
    pub waiting_reviews: usize,
    pub stalled: Vec<String>,
    pub failed_mails: Vec<String>,
}

impl DigestContent {
    pub fn is_empty(&self) -> bool {
        self.new_units.is_empty()
            && self.waiting_reviews == 0
            && self.stalled.is_empty()
            && self.failed_mails.is_empty()
    }
}

/// The digest letter (pure, for tests and the job).
pub fn digest_letter(
    lang: &str,
    name: &str,
    municipality: &str,
    week: &str,
    content: &DigestContent,
    link: &str,
) -> Letter {
    // "2026-W49" reads "KW 49/2026" (German) or "week 49 of 2026" (English).
    let shown_week = match week.split_once("-W") {
        Some((year, number)) => {
            let number = number.trim_start_matches('0');
            if lang == "en" {
                format!("week {number} of {year}")
            } else {
                format!("KW {number}/{year}")
            }
        }
        None => week.to_owned(),
    };
    let values = [
        ("name", name.to_owned()),
        ("municipality", municipality.to_owned()),
        ("week", shown_week),
        ("reviews", content.waiting_reviews.to_string()),
    ];
    let mut mail = letter_in(lang, "digest", &borrow(&values), &[("action", link)]);
    let section = |key: &str, lines: &[String]| {
        let mut text = crate::i18n::fill(
            &mail_text(lang, &format!("mail.digest.{key}")),
            &[("n", &lines.len().to_string())],
        );
        for line in lines.iter().take(20) {
            text.push_str("\n• ");
            text.push_str(line);
        }
        if lines.len() > 20 {
            text.push_str("\n• …");
        }
        text
    };
    let mut sections = Vec::new();
    if content.waiting_reviews > 0 {
        sections.push(crate::i18n::fill(
            &mail_text(lang, "mail.digest.reviews"),
            &[("n", &content.waiting_reviews.to_string())],
        ));
    }
    for (key, lines) in [
        ("new_units", &content.new_units),
        ("stalled", &content.stalled),
        ("failed_mails", &content.failed_mails),
    ] {
        if !lines.is_empty() {
            sections.push(section(key, lines));
        }
    }
    if sections.is_empty() {
        sections.push(mail_text(lang, "mail.digest.quiet"));
    }
    mail.paragraphs.extend(sections);
    mail
}

/// Enqueues a digest for one coordinator (once per week: the key carries the week).
#[allow(clippy::too_many_arguments)]
pub async fn digest<C: ConnectionTrait>(
    db: &C,
    app: &App,
    municipality: &municipality::Model,
    to: &Recipient,
    week: &str,
    content: &DigestContent,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let link = super::accounts::link(app, &format!("/m/{}", municipality.id));
    let mail = digest_letter(
        &to.lang,
        to.name.as_deref().unwrap_or(""),
        &municipality.name,
        week,
        content,
        &link,
    );
    let who = to
        .user_id
        .map_or_else(|| "contact".to_owned(), |id| id.to_string());
    enqueue(
        db,
        to,
        &mail,
        format!("digest-{}-{who}-{week}", municipality.id),
        "digest",
        municipality.id,
        None,
        Vec::new(),
        &support_contact(app),
        now,
    )
    .await
}

/// The ISO week of a day, e.g. `2026-W47`.
pub fn iso_week(day: NaiveDate) -> String {
    use chrono::Datelike;
    let w = day.iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

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
    let part = |key: &str, values: &[(&str, &str)]| {
        crate::i18n::fill(
            &mail_text(&to.lang, &format!("mail.incentive_parts.{key}")),
            values,
        )
    };
    let decision = if granted {
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
