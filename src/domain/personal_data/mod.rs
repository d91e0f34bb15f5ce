//! The map of personal data: every table column and every kind of file that can hold
//! personal data, whose it is, and what erasure, retention and the export do with it.
//!
//! Erasure (`services::privacy`), the retention job and the exports act on this map; the
//! table in `docs/privacy.md` is generated from it ([`markdown`]) and a test compares the
//! two; another test fails when a text column of the database is in neither this map nor
//! [`NOT_PERSONAL`]. Free-text columns count as personal data: people write names into
//! notes.
//!
//! Also here, with no I/O: [`Scrubber`], which removes a person's names and addresses from
//! texts that mention them among other things, and [`coarsen`], the precision coordinates
//! keep after erasure.

use std::fmt::Write as _;

mod not_personal;
mod scrub;

/// Whose data a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Whose {
    /// The household as a whole (its case).
    Household,
    /// A person of a household.
    Member,
    Landlord,
    /// Coordinators, volunteers, admins, caseworkers.
    Staff,
    /// Whoever uses the service (sessions, counters of attempts).
    Anyone,
}

impl Whose {
    fn word(self) -> &'static str {
        match self {
            Whose::Household => "household",
            Whose::Member => "household member",
            Whose::Landlord => "landlord",
            Whose::Staff => "staff",
            Whose::Anyone => "anyone",
        }
    }
}

/// What erasure (and, for households, the retention job) does with a column or file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnErasure {
    /// Emptied.
    Removed,
    /// Replaced by a fixed value.
    Replaced(&'static str),
    /// Kept with less precision.
    Coarsened(&'static str),
    /// The row (or file) is deleted.
    Deleted,
    /// E-mails: recipient, subject, texts and attachments removed; kind, status and times
    /// stay for the delivery statistics.
    Redacted,
    /// Texts that mention the person among other things: the person's names, addresses,
    /// reference and contacts are replaced by `[gelöscht]`.
    Scrubbed,
    /// Kept, and why.
    Kept(&'static str),
}

impl OnErasure {
    fn words(self) -> String {
        match self {
            OnErasure::Removed => "removed".into(),
            OnErasure::Replaced(v) => format!("replaced by `{v}`"),
            OnErasure::Coarsened(p) => format!("coarsened to {p}"),
            OnErasure::Deleted => "deleted".into(),
            OnErasure::Redacted => {
                "recipient, subject, texts and attachments removed; kind, status and times kept"
                    .into()
            }
            OnErasure::Scrubbed => {
                "the person's names, addresses, reference and contacts replaced by `[gelöscht]`"
                    .into()
            }
            OnErasure::Kept(why) => format!("kept: {why}"),
        }
    }
}

/// How long a column or file is kept when nobody asks for erasure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kept {
    /// While the household is looking or placed; the retention job treats it as erasure
    /// does `jobs.retention_months` after the household was closed.
    WithHousehold,
    /// While the landlord uses Bleibe (until erasure).
    WithLandlord,
    /// While the account exists.
    WithAccount,
    /// As long as the record it belongs to (a proposal, a flat, a household).
    WithRecord,
    /// This many days, then removed by the `tidy` job.
    Days(u32),
    /// Until it lies unsaved this many days, then the person is reminded and it is removed
    /// by the `tidy` job that many days after the reminder.
    IdleDays(u32, u32),
    /// This many hours, then removed by the `tidy` job.
    Hours(u32),
    /// As long as the installation.
    Installation,
}

impl Kept {
    fn words(self) -> String {
        match self {
            Kept::WithHousehold => {
                "while the household is looking or placed; erased `jobs.retention_months` after closing"
                    .into()
            }
            Kept::WithLandlord => "while the landlord uses Bleibe".into(),
            Kept::WithAccount => "while the account exists".into(),
            Kept::WithRecord => "as long as its household or flat".into(),
            Kept::Days(d) => format!("{d} days (job `tidy`)"),
            Kept::IdleDays(d, grace) => format!(
                "until unsaved for {d} days, then a reminder and removal {grace} days later (job `tidy`)"
            ),
            Kept::Hours(h) => format!("{h} hours (job `tidy`)"),
            Kept::Installation => "as long as the installation".into(),
        }
    }
}

/// Columns of one table that hold personal data of the same kind and are treated alike.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    pub table: &'static str,
    pub columns: &'static [&'static str],
    pub whose: &'static [Whose],
    /// What the columns hold, in a few words.
    pub what: &'static str,
    /// People may write anything here (names included).
    pub free_text: bool,
    pub erasure: OnErasure,
    pub kept: Kept,
    /// Part of the export to the person (Art. 15); `false` only for secrets (hashes) and
    /// copies of what the export holds anyway (the search text).
    pub exported: bool,
}

/// Files on disk that hold personal data.
#[derive(Debug, Clone, Copy)]
pub struct FileEntry {
    /// The folder, as configured.
    pub folder: &'static str,
    pub whose: &'static [Whose],
    pub what: &'static str,
    pub erasure: OnErasure,
    pub kept: Kept,
    pub exported: bool,
}

const H: &[Whose] = &[Whose::Household];
const M: &[Whose] = &[Whose::Member];
const L: &[Whose] = &[Whose::Landlord];
const S: &[Whose] = &[Whose::Staff];
const HL: &[Whose] = &[Whose::Household, Whose::Landlord];
const LS: &[Whose] = &[Whose::Landlord, Whose::Staff];
const ALL: &[Whose] = &[
    Whose::Household,
    Whose::Member,
    Whose::Landlord,
    Whose::Staff,
];

const STATISTICS: &str = "anonymous statistics once names, contacts and texts are gone";

const fn entry(
    table: &'static str,
    columns: &'static [&'static str],
    whose: &'static [Whose],
    what: &'static str,
    free_text: bool,
    erasure: OnErasure,
    kept: Kept,
) -> Entry {
    Entry {
        table,
        columns,
        whose,
        what,
        free_text,
        erasure,
        kept,
        exported: true,
    }
}

/// Every column that can hold personal data.
pub const COLUMNS: &[Entry] = &[
    entry(
        "households",
        &["reference"],
        H,
        "case number",
        false,
        OnErasure::Replaced("anon-<id>"),
        Kept::WithHousehold,
    ),
    Entry {
        exported: false,
        ..entry(
            "households",
            &["search_text"],
            &[Whose::Household, Whose::Member],
            "a copy of the case number and the members' names in small letters, for the search of the list",
            false,
            OnErasure::Replaced("anon-<id>"),
            Kept::WithHousehold,
        )
    },
    entry(
        "households",
        &["email", "phone"],
        H,
        "contact",
        false,
        OnErasure::Removed,
        Kept::WithHousehold,
    ),
    entry(
        "households",
        &["caseworker_name", "caseworker_email", "caseworker_phone"],
        &[Whose::Household, Whose::Staff],
        "the caseworker in charge",
        false,
        OnErasure::Removed,
        Kept::WithHousehold,
    ),
    entry(
        "households",
        &[
            "notes",
            "landlord_text",
            "urgency_reason",
            "follow_up_site",
            "close_reason",
        ],
        H,
        "notes, the text for landlords, why it is urgent, where the household lives now, why it was closed",
        true,
        OnErasure::Removed,
        Kept::WithHousehold,
    ),
    entry(
        "households",
        &[
            "status",
            "residence_status",
            "residence_obligation",
            "residence_obligation_until",
            "benefit_type",
            "work_situation",
            "wheelchair",
            "max_floor_without_lift",
            "rooms_wanted",
            "pets",
            "max_distance_km",
            "latest_move_date",
            "in_follow_up_since",
            "urgency",
            "languages",
            "preferred_language",
            "consent_at",
            "consent_scope",
            "consent_withdrawn_at",
            "closed_at",
        ],
        H,
        "situation, needs (a wheelchair is health data), wishes, consent",
        false,
        OnErasure::Kept(STATISTICS),
        Kept::Installation,
    ),
    Entry {
        exported: false,
        ..entry(
            "households",
            &["list_name"],
            M,
            "a copy of the first member's name, for the list",
            false,
            OnErasure::Replaced("—"),
            Kept::WithHousehold,
        )
    },
    Entry {
        exported: false,
        ..entry(
            "households",
            &["list_birth_years"],
            M,
            "a copy of the members' years of birth, for the list",
            false,
            OnErasure::Kept(STATISTICS),
            Kept::Installation,
        )
    },
    entry(
        "household_members",
        &["first_name"],
        M,
        "first name",
        false,
        OnErasure::Replaced("—"),
        Kept::WithHousehold,
    ),
    entry(
        "household_members",
        &["last_name"],
        M,
        "last name",
        false,
        OnErasure::Removed,
        Kept::WithHousehold,
    ),
    entry(
        "household_members",
        &["birth_year", "role"],
        M,
        "year of birth, role in the household",
        false,
        OnErasure::Kept(STATISTICS),
        Kept::Installation,
    ),
    entry(
        "household_anchors",
        &["label"],
        H,
        "name of the workplace, school or doctor",
        true,
        OnErasure::Replaced("<kind of anchor>"),
        Kept::WithHousehold,
    ),
    entry(
        "household_anchors",
        &["street"],
        H,
        "street of the anchor",
        false,
        OnErasure::Removed,
        Kept::WithHousehold,
    ),
    entry(
        "household_anchors",
        &["lat", "lon"],
        H,
        "position of the anchor",
        false,
        OnErasure::Coarsened("0.01° (about 1 km)"),
        Kept::Installation,
    ),
    entry(
        "household_anchors",
        &["postal_code", "town", "kind", "importance"],
        H,
        "area and kind of the anchor",
        false,
        OnErasure::Kept(STATISTICS),
        Kept::Installation,
    ),
    entry(
        "proposals",
        &["override_reason"],
        HL,
        "why a coordinator proposed by hand",
        true,
        OnErasure::Removed,
        Kept::WithRecord,
    ),
    entry(
        "proposal_events",
        &["reason"],
        HL,
        "answers and reasons written by the household, the landlord or the coordinator",
        true,
        OnErasure::Removed,
        Kept::WithRecord,
    ),
    entry(
        "proposal_events",
        &["reason_code", "data", "to_state", "from_state"],
        HL,
        "the steps of a proposal and the reason chosen from a list",
        false,
        OnErasure::Kept(STATISTICS),
        Kept::Installation,
    ),
    entry(
        "viewings",
        &["place"],
        HL,
        "where to meet",
        true,
        OnErasure::Replaced("—"),
        Kept::WithRecord,
    ),
    entry(
        "viewings",
        &["accompanied_by_name", "note"],
        &[Whose::Household, Whose::Landlord, Whose::Staff],
        "who comes along, notes of the viewing",
        true,
        OnErasure::Removed,
        Kept::WithRecord,
    ),
    entry(
        "placements",
        &["freed_site", "end_reason"],
        HL,
        "the place freed by moving, why a tenancy ended",
        true,
        OnErasure::Removed,
        Kept::WithRecord,
    ),
    entry(
        "placements",
        &[
            "jobcenter_status",
            "lease_kind",
            "lease_signed_on",
            "lease_start",
            "rent_cold_cents",
            "service_charges_cents",
            "heating_costs_cents",
            "moved_in_on",
            "places_freed",
            "outcome",
            "ended_on",
            "end_reason_code",
        ],
        HL,
        "the lease and the move",
        false,
        OnErasure::Kept(STATISTICS),
        Kept::Installation,
    ),
    entry(
        "follow_ups",
        &["problems", "note"],
        H,
        "problems and notes of the follow-up calls",
        true,
        OnErasure::Removed,
        Kept::WithRecord,
    ),
    entry(
        "follow_ups",
        &["rent_paid", "support_needed", "status", "done_on"],
        H,
        "answers of the follow-up calls",
        false,
        OnErasure::Kept(STATISTICS),
        Kept::Installation,
    ),
    entry(
        "match_candidates",
        &["criteria"],
        HL,
        "scores and their explanation, by kind of anchor and rule (no names)",
        false,
        OnErasure::Kept(STATISTICS),
        Kept::Installation,
    ),
    entry(
        "review_flags",
        &["reason", "resolution"],
        HL,
        "why an imported row looks like a duplicate (names of the row), how it was decided",
        true,
        OnErasure::Replaced("[gelöscht]"),
        Kept::WithRecord,
    ),
    entry(
        "imports",
        &["report"],
        ALL,
        "the import report: the cells of refused rows",
        true,
        OnErasure::Scrubbed,
        Kept::Days(90),
    ),
    entry(
        "documents",
        &["data", "pdf"],
        HL,
        "documents made for a proposal (rent certificate, agreements, the household's letter): the data they were filled in with and the PDF",
        false,
        OnErasure::Deleted,
        Kept::WithRecord,
    ),
    entry(
        "outbox",
        &[
            "to_address",
            "to_name",
            "reply_to",
            "subject",
            "body_text",
            "body_html",
            "attachments",
            "last_error",
        ],
        ALL,
        "e-mails: recipient, subject, texts, calendar files",
        true,
        OnErasure::Redacted,
        Kept::Days(90),
    ),
    entry(
        "audit_log",
        &["actor_label"],
        S,
        "who acted",
        false,
        OnErasure::Replaced("erased person"),
        Kept::Installation,
    ),
    entry(
        "audit_log",
        &["details"],
        ALL,
        "what changed: field names and counts, the reason given for an erasure",
        true,
        OnErasure::Scrubbed,
        Kept::Installation,
    ),
    entry(
        "landlords",
        &["display_name"],
        L,
        "name",
        false,
        OnErasure::Replaced("—"),
        Kept::WithLandlord,
    ),
    entry(
        "landlords",
        &[
            "contact_email",
            "phone",
            "street",
            "postal_code",
            "town",
            "notes",
        ],
        L,
        "contact, address, notes of the municipality",
        true,
        OnErasure::Removed,
        Kept::WithLandlord,
    ),
    entry(
        "landlords",
        &["kind", "preferred_locale"],
        L,
        "private person or company, language",
        false,
        OnErasure::Kept(STATISTICS),
        Kept::Installation,
    ),
    entry(
        "municipality_pages",
        &["contact_name"],
        S,
        "the contact person a municipality names on its public page (an admin changes or removes it)",
        false,
        OnErasure::Kept("public contact of the office; an admin changes it"),
        Kept::Installation,
    ),
    entry(
        "landlord_origins",
        &["heard_from"],
        L,
        "how the landlord heard of Bleibe (a choice from a fixed list), for the channel figures",
        false,
        OnErasure::Kept(STATISTICS),
        Kept::Installation,
    ),
    entry(
        "units",
        &["street"],
        L,
        "street of the flat",
        false,
        OnErasure::Replaced("—"),
        Kept::WithLandlord,
    ),
    entry(
        "units",
        &["house_number"],
        L,
        "house number",
        false,
        OnErasure::Replaced(""),
        Kept::WithLandlord,
    ),
    entry(
        "units",
        &["address_extra", "description", "pref_notes"],
        L,
        "floor and door, description, wishes",
        true,
        OnErasure::Removed,
        Kept::WithLandlord,
    ),
    entry(
        "units",
        &["withdrawn_reason"],
        L,
        "why the flat was withdrawn",
        true,
        OnErasure::Replaced(ERASED),
        Kept::WithLandlord,
    ),
    entry(
        "units",
        &["lat", "lon"],
        L,
        "position of the flat",
        false,
        OnErasure::Coarsened("0.01° (about 1 km)"),
        Kept::Installation,
    ),
    entry(
        "units",
        &[
            "postal_code",
            "town",
            "area_m2",
            "rooms",
            "floor",
            "cold_rent_cents",
            "service_charges_cents",
            "heating_costs_cents",
            "deposit_cents",
            "pref_tags",
            "status",
        ],
        L,
        "area, size, rent and state of the flat",
        false,
        OnErasure::Kept(STATISTICS),
        Kept::Installation,
    ),
    entry(
        "unit_incentives",
        &["landlord_note", "decision_note"],
        L,
        "the landlord's note to a requested incentive, the municipality's note to its decision",
        true,
        OnErasure::Removed,
        Kept::WithLandlord,
    ),
    entry(
        "unit_drafts",
        &["form_data"],
        L,
        "a flat form saved before it was sent",
        true,
        OnErasure::Deleted,
        Kept::IdleDays(
            super::draft::DRAFT_REMIND_DAYS as u32,
            super::draft::DRAFT_GRACE_DAYS as u32,
        ),
    ),
    entry(
        "unit_photos",
        &["original_name", "storage_key", "alt_text"],
        L,
        "photos of the flat: file name, where it is stored, what it shows in words",
        true,
        OnErasure::Deleted,
        Kept::WithLandlord,
    ),
    entry(
        "users",
        &["email"],
        LS,
        "e-mail address (login)",
        false,
        OnErasure::Replaced("erased-<id>@erased.invalid"),
        Kept::WithAccount,
    ),
    entry(
        "users",
        &["display_name"],
        LS,
        "name",
        false,
        OnErasure::Replaced("—"),
        Kept::WithAccount,
    ),
    Entry {
        exported: false,
        ..entry(
            "users",
            &["password_hash", "totp_secret", "totp_recovery"],
            LS,
            "password hash, second-factor secret, hashes of recovery codes",
            false,
            OnErasure::Removed,
            Kept::WithAccount,
        )
    },
    entry(
        "users",
        &["role", "locale", "last_login_at", "email_confirmed_at"],
        LS,
        "role, language, last login",
        false,
        OnErasure::Kept("that an erased account existed and what it could do"),
        Kept::Installation,
    ),
    entry(
        "api_tokens",
        &["name"],
        LS,
        "the name given to an API token",
        true,
        OnErasure::Replaced("—"),
        Kept::WithAccount,
    ),
    Entry {
        exported: false,
        ..entry(
            "sessions",
            &["data"],
            &[Whose::Anyone],
            "a login: flash messages, a pending login, a form kept over an expired session",
            true,
            OnErasure::Deleted,
            Kept::Hours(24),
        )
    },
    Entry {
        exported: false,
        ..entry(
            "idempotency_keys",
            &["key", "path"],
            H,
            "an API client's key for a request and the request's path (an upsert's path holds the household's reference)",
            false,
            OnErasure::Deleted,
            Kept::Hours(24),
        )
    },
    Entry {
        exported: false,
        ..entry(
            "rate_limits",
            &["key"],
            &[Whose::Anyone],
            "e-mail or IP address counted for limits on logins, links and e-mails",
            false,
            OnErasure::Deleted,
            Kept::Days(1),
        )
    },
    Entry {
        exported: false,
        ..entry(
            "action_tokens",
            &["new_email"],
            LS,
            "a new e-mail address asked for, until the link sent to it is opened",
            false,
            OnErasure::Deleted,
            Kept::WithAccount,
        )
    },
];

pub use not_personal::NOT_PERSONAL;

/// Whether a column name is a date or time (`…_at`, `…_on`, `…_until`, …).
fn is_time(column: &str) -> bool {
    [
        "_at", "_on", "_until", "_from", "_since", "_date", "_start", "_end", "as_of",
    ]
    .iter()
    .any(|suffix| column.ends_with(suffix))
}

/// Every folder of files that can hold personal data.
pub const FILES: &[FileEntry] = &[
    FileEntry {
        folder: "uploads.dir (<data.dir>/photos)",
        whose: L,
        what: "photos of flats and their thumbnails",
        erasure: OnErasure::Deleted,
        kept: Kept::WithLandlord,
        exported: true,
    },
    FileEntry {
        folder: "<data.dir>/stash",
        whose: &[Whose::Landlord, Whose::Staff],
        what: "photos of a form sent after the session expired, for the next login",
        erasure: OnErasure::Deleted,
        kept: Kept::Hours(24),
        exported: false,
    },
    FileEntry {
        folder: "mail.file_dir (<data.dir>/mail)",
        whose: ALL,
        what: "e-mails of the file transport (the embedded default), one `.eml` each",
        erasure: OnErasure::Deleted,
        kept: Kept::Days(90),
        exported: true,
    },
    FileEntry {
        folder: "<data.dir>/uploads",
        whose: ALL,
        what: "uploads while a request is read",
        erasure: OnErasure::Kept("removed when the request ends"),
        kept: Kept::Hours(0),
        exported: false,
    },
];

/// The map as the markdown table of `docs/privacy.md`.
pub fn markdown() -> String {
    let mut out = String::from(
        "| table | columns | whose | free text | on erasure | kept | in the export |\n|---|---|---|---|---|---|---|\n",
    );
    for e in COLUMNS {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} | {} |",
            e.table,
            e.columns
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", "),
            whose_words(e.whose),
            if e.free_text { "yes" } else { "" },
            e.erasure.words(),
            e.kept.words(),
            if e.exported { "yes" } else { "no (secret)" },
        );
    }
    out.push_str("\n| files | what | whose | on erasure | kept | in the export |\n|---|---|---|---|---|---|\n");
    for f in FILES {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} |",
            f.folder,
            f.what,
            whose_words(f.whose),
            f.erasure.words(),
            match f.kept {
                Kept::Hours(0) => "the request".into(),
                k => k.words(),
            },
            if f.exported { "yes" } else { "no" },
        );
    }
    out
}

fn whose_words(whose: &[Whose]) -> String {
    whose
        .iter()
        .map(|w| w.word())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether a text column is in the map, declared not personal, or a date or time.
pub fn is_mapped(table: &str, column: &str) -> bool {
    is_personal(table, column)
        || is_time(column)
        || NOT_PERSONAL
            .iter()
            .any(|(t, c, _)| *t == table && (*c == column || *c == "*"))
}

/// Whether a column holds personal data (it is in the map).
pub fn is_personal(table: &str, column: &str) -> bool {
    COLUMNS
        .iter()
        .any(|e| e.table == table && e.columns.contains(&column))
}

/// The longest reason an erasure records.
pub const REASON_MAX: usize = 200;

/// Why a flat was withdrawn when its landlord was erased (stored in `withdrawn_reason`).
pub const ERASED: &str = "erasure";

/// Reads an erasure request: a reason (required, one line, at most [`REASON_MAX`]
/// characters) and, to confirm, `expected` typed again (the household's reference, the
/// landlord's name; spaces around and letter case do not matter). Returns the reason.
pub fn erasure_request(
    pairs: &[(String, String)],
    expected: &str,
) -> Result<String, crate::domain::validation::FieldErrors> {
    let mut r = crate::domain::input::Reader::new(pairs);
    r.check_characters(&[]);
    let reason = r.text("reason", REASON_MAX, true);
    let confirm = r.text("confirm", 500, true);
    if let Some(typed) = &confirm
        && typed.trim().to_lowercase() != expected.trim().to_lowercase()
    {
        r.error("confirm", "privacy_tools.confirm_mismatch");
    }
    r.finish(|| reason)
}

/// A coordinate kept after erasure: two decimals, about 1 km.
pub fn coarsen(degrees: f64) -> f64 {
    (degrees * 100.0).round() / 100.0
}

pub use scrub::*;

#[cfg(test)]
mod tests;
