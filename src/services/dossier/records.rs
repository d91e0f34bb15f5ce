//! The records of a dossier: one function per stored row kind, turning its columns into
//! labelled values (every column, so an export under Art. 15 leaves nothing out).

use super::*;

/// The proposals part of a dossier: proposals, answers and steps, viewings, placements,
/// follow-up calls. `household_side` shows the flat's address; the landlord's side shows
/// no household data.
pub(super) fn proposal_sections(r: &rows::ProposalRows, household_side: bool) -> Vec<Section> {
    let address = |unit_id: i64| {
        r.units
            .iter()
            .find(|u| u.id == unit_id)
            .map(|u| u.one_line())
            .unwrap_or_default()
    };
    let proposals = r
        .proposals
        .iter()
        .map(|p| proposal_record(p, household_side.then(|| address(p.unit_id))))
        .collect();
    let events = r
        .events
        .iter()
        .map(|e| event_record(e, household_side))
        .collect();
    let placements = r
        .placements
        .iter()
        .map(|p| placement_record(p, household_side))
        .collect();
    let mut out = vec![
        section("proposals", proposals),
        section("events", events),
        section("viewings", r.viewings.iter().map(viewing_record).collect()),
        section("placements", placements),
    ];
    if household_side {
        out.push(section(
            "follow_ups",
            r.follow_ups.iter().map(follow_up_record).collect(),
        ));
    }
    out
}

/// A proposal; with the flat's address and the reason it was proposed by hand on the
/// household's side.
pub(super) fn proposal_record(p: &entities::proposal::Model, address: Option<String>) -> Record {
    let mut fields = vec![
        ("id", Val::Int(p.id)),
        ("state", Val::Code("pipeline.state", p.state.clone())),
        ("flat", Val::Int(p.unit_id)),
    ];
    if let Some(address) = address {
        fields.push(("flat_address", Val::Text(address)));
        fields.push(("override_reason", Val::text(&p.override_reason)));
    }
    fields.extend([
        ("score", Val::Share(p.score)),
        ("created_at", Val::Time(p.created_at)),
        ("sent_at", Val::opt(p.sent_at, Val::Time)),
        ("answer_due_at", Val::opt(p.answer_due_at, Val::Time)),
        (
            "landlord_answered_at",
            Val::opt(p.landlord_answered_at, Val::Time),
        ),
        (
            "household_answered_at",
            Val::opt(p.household_answered_at, Val::Time),
        ),
        ("state_changed_at", Val::Time(p.state_changed_at)),
    ]);
    Record(fields)
}

/// A step or answer. The landlord sees the steps, and the reasons (code, text and
/// details) only of their own answers: why a household said no is not theirs.
pub(super) fn event_record(e: &entities::proposal_event::Model, household_side: bool) -> Record {
    let shown = household_side || e.actor_kind.starts_with("landlord");
    let reason = if shown {
        Val::text(&e.reason)
    } else {
        Val::Empty
    };
    let reason_code = if shown || !e.actor_kind.starts_with("household") {
        Val::code("pipeline.reason_codes", &e.reason_code)
    } else {
        Val::Empty
    };
    let data = e
        .data
        .as_deref()
        .filter(|_| shown || !e.actor_kind.starts_with("household"))
        .and_then(|d| serde_json::from_str(d).ok())
        .map_or(Val::Empty, Val::Details);
    Record(vec![
        ("proposal", Val::Int(e.proposal_id)),
        ("at", Val::Time(e.created_at)),
        ("from_state", Val::code("pipeline.state", &e.from_state)),
        ("to_state", Val::Code("pipeline.state", e.to_state.clone())),
        ("by", Val::Code("pipeline.actor", e.actor_kind.clone())),
        ("reason_code", reason_code),
        ("reason", reason),
        ("data", data),
    ])
}

pub(super) fn viewing_record(v: &entities::viewing::Model) -> Record {
    Record(vec![
        ("proposal", Val::Int(v.proposal_id)),
        (
            "status",
            Val::Code("pipeline.viewing_status", v.status.clone()),
        ),
        ("starts_at", Val::Time(v.starts_at)),
        ("ends_at", Val::opt(v.ends_at, Val::Time)),
        ("place", Val::Text(v.place.clone())),
        ("companion", Val::text(&v.accompanied_by_name)),
        ("note", Val::text(&v.note)),
    ])
}

/// A tenancy; the Jobcenter and the place freed only on the household's side.
pub(super) fn placement_record(p: &entities::placement::Model, household_side: bool) -> Record {
    let mut fields = vec![
        ("proposal", Val::Int(p.proposal_id)),
        ("outcome", Val::Code("pipeline.outcomes", p.outcome.clone())),
        ("lease_kind", Val::code("pipeline.lease", &p.lease_kind)),
        ("lease_signed_on", Val::opt(p.lease_signed_on, Val::Date)),
        ("lease_start", Val::opt(p.lease_start, Val::Date)),
        ("rent_cold", Val::opt(p.rent_cold_cents, Val::Money)),
        (
            "service_charges",
            Val::opt(p.service_charges_cents, Val::Money),
        ),
        ("heating_costs", Val::opt(p.heating_costs_cents, Val::Money)),
        ("moved_in_on", Val::opt(p.moved_in_on, Val::Date)),
        ("ended_on", Val::opt(p.ended_on, Val::Date)),
        (
            "end_reason_code",
            Val::code("pipeline.end_reasons", &p.end_reason_code),
        ),
        ("end_reason", Val::text(&p.end_reason)),
    ];
    if household_side {
        fields.extend([
            (
                "jobcenter_status",
                Val::code("pipeline.jobcenter_status", &p.jobcenter_status),
            ),
            ("freed_site", Val::text(&p.freed_site)),
            ("places_freed", Val::Int(i64::from(p.places_freed))),
        ]);
    }
    Record(fields)
}

pub(super) fn follow_up_record(f: &entities::follow_up::Model) -> Record {
    Record(vec![
        ("month", Val::Int(i64::from(f.month))),
        ("due_on", Val::Date(f.due_on)),
        ("status", Val::Code("followup.status", f.status.clone())),
        ("done_on", Val::opt(f.done_on, Val::Date)),
        ("rent_paid", Val::opt(f.rent_paid, Val::Bool)),
        ("support_needed", Val::opt(f.support_needed, Val::Bool)),
        ("problems", Val::text(&f.problems)),
        ("note", Val::text(&f.note)),
    ])
}

pub(super) fn flag_records(flags: &[entities::review_flag::Model]) -> Vec<Record> {
    flags
        .iter()
        .map(|f| {
            Record(vec![
                ("kind", Val::Code("import.flag_kinds", f.kind.clone())),
                ("created_at", Val::Time(f.created_at)),
                ("reason", Val::Text(f.reason.clone())),
                ("resolved_at", Val::opt(f.resolved_at, Val::Time)),
                ("resolution", Val::text(&f.resolution)),
            ])
        })
        .collect()
}

pub(super) fn mail_records(mails: &[entities::outbox_message::Model]) -> Vec<Record> {
    mails
        .iter()
        .map(|m| {
            Record(vec![
                ("created_at", Val::Time(m.created_at)),
                ("sent_at", Val::opt(m.sent_at, Val::Time)),
                ("to", Val::Text(m.to_address.clone())),
                ("subject", Val::Text(m.subject.clone())),
                ("text", Val::Text(m.body_text.clone())),
                ("status", Val::Code("dossier.mail_status", m.status.clone())),
            ])
        })
        .collect()
}

pub(super) fn audit_records(entries: &[entities::audit_entry::Model]) -> Vec<Record> {
    entries
        .iter()
        .map(|e| {
            Record(vec![
                ("at", Val::Time(e.occurred_at)),
                ("actor", Val::Actor(e.actor_label.clone())),
                ("action", Val::Code("audit.actions", e.action.clone())),
                ("entity", Val::Code("audit.entities", e.entity.clone())),
                ("entity_id", Val::opt(e.entity_id, Val::Int)),
                (
                    "details",
                    e.details
                        .as_deref()
                        .and_then(|d| serde_json::from_str(d).ok())
                        .map_or(Val::Empty, Val::Details),
                ),
            ])
        })
        .collect()
}

pub(super) fn names(ids: &[i64], all: &BTreeMap<i64, String>) -> Val {
    Val::Text(
        ids.iter()
            .map(|id| all.get(id).cloned().unwrap_or_else(|| id.to_string()))
            .collect::<Vec<_>>()
            .join(", "),
    )
}

/// The household's own row, every column.
pub(super) fn household_record(
    h: &entities::household::Model,
    allowed: &[i64],
    municipalities: &BTreeMap<i64, String>,
) -> Record {
    let mut fields = household_needs(h, allowed, municipalities);
    fields.extend(household_contact(h));
    Record(fields)
}

/// The household's columns that matching reads: status, residence, needs, waiting.
pub(super) fn household_needs(
    h: &entities::household::Model,
    allowed: &[i64],
    municipalities: &BTreeMap<i64, String>,
) -> Vec<(&'static str, Val)> {
    vec![
        ("id", Val::Int(h.id)),
        ("reference", Val::Text(h.reference.clone())),
        ("municipality", names(&[h.municipality_id], municipalities)),
        ("status", Val::Code("household.status", h.status.clone())),
        (
            "residence_status",
            Val::Code("household.residence", h.residence_status.clone()),
        ),
        ("residence_obligation", Val::Bool(h.residence_obligation)),
        (
            "residence_obligation_until",
            Val::opt(h.residence_obligation_until, Val::Date),
        ),
        ("allowed_municipalities", names(allowed, municipalities)),
        (
            "benefit_type",
            Val::code("household.benefit", &h.benefit_type),
        ),
        (
            "work_situation",
            Val::code("proposal.work_situation", &h.work_situation),
        ),
        ("wheelchair", Val::Bool(h.wheelchair)),
        (
            "max_floor_without_lift",
            Val::opt(h.max_floor_without_lift, |v| Val::Int(v.into())),
        ),
        ("rooms_wanted", Val::opt(h.rooms_wanted, Val::Num)),
        ("pets", Val::Bool(h.pets)),
        ("max_distance_km", Val::opt(h.max_distance_km, Val::Num)),
        ("latest_move_date", Val::opt(h.latest_move_date, Val::Date)),
        ("follow_up_site", Val::text(&h.follow_up_site)),
        (
            "in_follow_up_since",
            Val::opt(h.in_follow_up_since, Val::Date),
        ),
        (
            "urgency",
            Val::Code("household.urgency", h.urgency.to_string()),
        ),
        ("urgency_reason", Val::text(&h.urgency_reason)),
    ]
}

/// The household's languages, contacts, consent, notes and lifecycle.
pub(super) fn household_contact(h: &entities::household::Model) -> Vec<(&'static str, Val)> {
    vec![
        (
            "languages",
            Val::Codes(
                "languages",
                serde_json::from_str(&h.languages).unwrap_or_default(),
            ),
        ),
        (
            "preferred_language",
            Val::Code("languages", h.preferred_language.clone()),
        ),
        ("email", Val::text(&h.email)),
        ("phone", Val::text(&h.phone)),
        ("caseworker_name", Val::text(&h.caseworker_name)),
        ("caseworker_email", Val::text(&h.caseworker_email)),
        ("caseworker_phone", Val::text(&h.caseworker_phone)),
        ("landlord_text", Val::text(&h.landlord_text)),
        ("consent_at", Val::opt(h.consent_at, Val::Time)),
        (
            "consent_scope",
            Val::Codes(
                "household.scope",
                h.consent_scope
                    .iter()
                    .flat_map(|s| s.split(','))
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
            ),
        ),
        (
            "consent_withdrawn_at",
            Val::opt(h.consent_withdrawn_at, Val::Time),
        ),
        ("notes", Val::text(&h.notes)),
        ("closed_at", Val::opt(h.closed_at, Val::Time)),
        ("close_reason", Val::text(&h.close_reason)),
        ("anonymized_at", Val::opt(h.anonymized_at, Val::Time)),
        ("created_at", Val::Time(h.created_at)),
        ("updated_at", Val::Time(h.updated_at)),
    ]
}

pub(super) fn member_record(m: &entities::household_member::Model) -> Record {
    Record(vec![
        ("first_name", Val::Text(m.first_name.clone())),
        ("last_name", Val::text(&m.last_name)),
        ("birth_year", Val::Int(i64::from(m.birth_year))),
        ("role", Val::Code("household.role", m.role.clone())),
    ])
}

pub(super) fn anchor_record(a: &entities::household_anchor::Model) -> Record {
    Record(vec![
        ("kind", Val::Code("household.anchor", a.kind.clone())),
        ("label", Val::Text(a.label.clone())),
        ("street", Val::text(&a.street)),
        ("postal_code", Val::text(&a.postal_code)),
        ("town", Val::text(&a.town)),
        ("lat", Val::Degrees(a.lat)),
        ("lon", Val::Degrees(a.lon)),
        ("importance", Val::Num(a.importance)),
    ])
}

/// A pair the engine scored, with its explanation.
pub(super) fn candidate_record(c: &entities::match_candidate::Model) -> Record {
    Record(vec![
        ("run", Val::Int(c.match_run_id)),
        ("flat", Val::Int(c.unit_id)),
        ("rank", Val::Rank(i64::from(c.rank))),
        ("score", Val::Share(c.score)),
        (
            "criteria",
            serde_json::from_str(&c.criteria).map_or(Val::Empty, Val::Criteria),
        ),
    ])
}

pub(super) fn unit_record(u: &entities::unit::Model) -> Record {
    Record(vec![
        ("id", Val::Int(u.id)),
        ("status", Val::Code("unit.status", u.status.clone())),
        ("street", Val::Text(u.street.clone())),
        ("house_number", Val::Text(u.house_number.clone())),
        ("postal_code", Val::Text(u.postal_code.clone())),
        ("town", Val::Text(u.town.clone())),
        ("address_extra", Val::text(&u.address_extra)),
        ("lat", Val::Degrees(u.lat)),
        ("lon", Val::Degrees(u.lon)),
        ("area_m2", Val::Num(u.area_m2)),
        ("rooms", Val::Num(u.rooms)),
        ("floor", Val::Int(i64::from(u.floor))),
        ("has_lift", Val::Bool(u.has_lift)),
        ("step_free", Val::Bool(u.step_free)),
        ("wheelchair_accessible", Val::Bool(u.wheelchair_accessible)),
        ("furnished", Val::Bool(u.furnished)),
        ("pets_allowed", Val::Bool(u.pets_allowed)),
        ("max_occupants", Val::Int(i64::from(u.max_occupants))),
        ("cold_rent", Val::Money(u.cold_rent_cents)),
        ("service_charges", Val::Money(u.service_charges_cents)),
        ("heating_costs", Val::Money(u.heating_costs_cents)),
        ("deposit", Val::Money(u.deposit_cents)),
        ("available_from", Val::Date(u.available_from)),
        ("lease_type", Val::Code("unit.lease", u.lease_type.clone())),
        ("lease_end", Val::opt(u.lease_end, Val::Date)),
        (
            "pref_max_household_size",
            Val::opt(u.pref_max_household_size, |v| Val::Int(v.into())),
        ),
        (
            "pref_tags",
            Val::Codes(
                "unit.tags",
                serde_json::from_str(&u.pref_tags).unwrap_or_default(),
            ),
        ),
        ("pref_notes", Val::text(&u.pref_notes)),
        ("description", Val::text(&u.description)),
        ("submitted_at", Val::opt(u.submitted_at, Val::Time)),
        ("checked_at", Val::opt(u.checked_at, Val::Time)),
        ("withdrawn_at", Val::opt(u.withdrawn_at, Val::Time)),
        ("withdrawn_reason", Val::text(&u.withdrawn_reason)),
        ("created_at", Val::Time(u.created_at)),
    ])
}

pub(super) fn landlord_record(landlord: &entities::landlord::Model) -> Record {
    Record(vec![
        ("id", Val::Int(landlord.id)),
        (
            "kind",
            Val::Code("dossier.landlord_kinds", landlord.kind.clone()),
        ),
        ("name", Val::Text(landlord.display_name.clone())),
        ("email", Val::text(&landlord.contact_email)),
        ("phone", Val::text(&landlord.phone)),
        ("street", Val::text(&landlord.street)),
        ("postal_code", Val::text(&landlord.postal_code)),
        ("town", Val::text(&landlord.town)),
        (
            "language",
            Val::Code("languages", landlord.preferred_locale.clone()),
        ),
        ("notes", Val::text(&landlord.notes)),
        ("created_at", Val::Time(landlord.created_at)),
    ])
}

pub(super) fn incentive_record(
    i: &entities::unit_incentive::Model,
    programmes: &BTreeMap<i64, String>,
) -> Record {
    Record(vec![
        ("flat", Val::Int(i.unit_id)),
        (
            "programme",
            Val::Text(programmes.get(&i.programme_id).cloned().unwrap_or_default()),
        ),
        ("status", Val::Code("incentive.status", i.status.clone())),
        ("landlord_note", Val::text(&i.landlord_note)),
        ("requested_at", Val::Time(i.requested_at)),
        ("decided_at", Val::opt(i.decided_at, Val::Time)),
        ("decision_note", Val::text(&i.decision_note)),
        (
            "granted_amount",
            Val::opt(i.granted_amount_cents, Val::Money),
        ),
        ("granted_from", Val::opt(i.granted_from, Val::Date)),
        ("granted_until", Val::opt(i.granted_until, Val::Date)),
        ("paid_amount", Val::opt(i.paid_amount_cents, Val::Money)),
        ("paid_on", Val::opt(i.paid_on, Val::Date)),
    ])
}

pub(super) fn photo_record(p: &entities::unit_photo::Model) -> Record {
    Record(vec![
        ("flat", Val::opt(p.unit_id, Val::Int)),
        ("draft", Val::opt(p.draft_id, Val::Int)),
        ("file_name", Val::Text(p.original_name.clone())),
        ("bytes", Val::Int(p.byte_size)),
        ("width", Val::Int(i64::from(p.width))),
        ("height", Val::Int(i64::from(p.height))),
        ("created_at", Val::Time(p.created_at)),
    ])
}

pub(super) fn draft_record(d: &entities::unit_draft::Model) -> Record {
    Record(vec![
        ("id", Val::Int(d.id)),
        ("flat", Val::opt(d.unit_id, Val::Int)),
        (
            "form",
            serde_json::from_str(&d.form_data).map_or(Val::Empty, Val::Json),
        ),
        ("updated_at", Val::Time(d.updated_at)),
    ])
}
