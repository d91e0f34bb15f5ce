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

mod accepted;
mod digest;
mod incentives;
mod jobcenter;
mod recipients;
mod viewings;
use accepted::*;
pub use digest::*;
pub use incentives::*;
pub use jobcenter::*;
pub use recipients::*;
pub use viewings::*;

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

/// The household's proposal as a letter to print (for households its caseworker reaches
/// on paper): the text of the proposal e-mail in the household's language (or `lang`),
/// with fresh answer links valid until the answer date, written in the caller's
/// transaction.
pub async fn household_proposal_letter<C: ConnectionTrait>(
    db: &C,
    app: &App,
    proposal: &proposal::Model,
    lang: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Letter, ServiceError> {
    let p = parts(db, proposal).await?;
    let lang = lang
        .map(str::to_owned)
        .unwrap_or_else(|| p.household.profile.preferred_language.code().to_owned());
    let mut values = p.values(&lang, p.proposal.answer_due_at);
    values.push((
        "name",
        household_name(&p.household, &lang, berlin_date(now)),
    ));
    let until = proposal.answer_due_at.unwrap_or(now + Duration::days(7));
    let links = answer_links(db, app, proposal.id, Party::Household, until, now).await?;
    let link_refs: Vec<(&str, &str)> = links
        .iter()
        .map(|(k, u)| (k.as_str(), u.as_str()))
        .collect();
    let mut letter = letter_in(&lang, "proposal_household", &borrow(&values), &link_refs);
    // On paper: whom to ask, but no "reply to this e-mail"; the helper line speaks of a letter.
    if p.contact.reachable() {
        let who = if letter.lang.parse::<Language>().is_ok_and(|l| l.is_rtl()) {
            crate::mail::compose::isolate(&p.contact.line())
        } else {
            p.contact.line()
        };
        let line = crate::i18n::fill(&mail_text(&lang, "mail.contact_line"), &[("who", &who)]);
        letter.after_action.push(line);
    }
    if let (Some(first), Ok(language)) = (letter.helper.first_mut(), lang.parse::<Language>()) {
        let subject = crate::i18n::fill(
            &mail_text("de", "mail.proposal_household.subject"),
            &borrow(&values),
        );
        *first = crate::i18n::fill(
            &mail_text("de", "mail.letter_helper_line"),
            &[("language", language.german_name()), ("subject", &subject)],
        );
    }
    Ok(letter)
}
