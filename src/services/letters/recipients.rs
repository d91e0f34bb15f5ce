//! Who a pipeline e-mail goes to: landlords, households (only with an address and
//! consent), coordinators, and the contacts named at the foot of each letter.

use super::*;

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
    /// A staff member (or any account) in their own language.
    pub fn staff(u: entities::user::Model) -> Recipient {
        Recipient {
            address: u.email,
            name: Some(u.display_name),
            lang: u.locale,
            user_id: Some(u.id),
            for_household: None,
        }
    }

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
pub(super) fn fmt(lang: &str) -> Locale {
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
        .map(Recipient::staff)
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
