//! The weekly digest for coordinators: what waits for them, by calendar week.

use super::*;

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
    let link = crate::services::accounts::link(app, &format!("/m/{}", municipality.id));
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
