//! Tests of the figures, the yearly report and the exports, on rows made in memory.

use chrono::TimeZone;

use super::*;

fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 10, 0, 0)
        .single()
        .expect("time")
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn household(id: i64, status: &str) -> household::Model {
    household::Model {
        id,
        municipality_id: 1,
        reference: format!("H-{id}"),
        status: status.into(),
        residence_status: "anerkannt".into(),
        residence_obligation: false,
        residence_obligation_until: None,
        benefit_type: None,
        work_situation: None,
        wheelchair: false,
        max_floor_without_lift: None,
        rooms_wanted: None,
        pets: false,
        max_distance_km: None,
        latest_move_date: None,
        follow_up_site: None,
        in_follow_up_since: None,
        urgency: 0,
        urgency_reason: None,
        languages: "[]".into(),
        preferred_language: "de".into(),
        email: None,
        phone: None,
        caseworker_user_id: None,
        caseworker_name: None,
        caseworker_email: None,
        caseworker_phone: None,
        landlord_text: None,
        consent_at: None,
        consent_scope: None,
        consent_recorded_by_user_id: None,
        consent_withdrawn_at: None,
        notes: None,
        closed_at: None,
        close_reason: None,
        anonymized_at: None,
        search_text: format!("h-{id}"),
        list_name: String::new(),
        list_birth_years: String::new(),
        created_at: at(2026, 1, 5),
        updated_at: at(2026, 1, 5),
        version: 1,
    }
}

fn proposal(
    id: i64,
    state: ProposalState,
    changed: DateTime<Utc>,
    due: Option<DateTime<Utc>>,
) -> proposal::Model {
    proposal::Model {
        id,
        match_run_id: None,
        candidate_id: None,
        unit_id: id,
        household_id: id,
        state: state.as_str().into(),
        is_open: state.holds_unit_and_household(),
        origin: "engine".into(),
        score: 0.5,
        override_reason: None,
        state_changed_at: changed,
        approved_at: None,
        approved_by_user_id: None,
        sent_at: Some(at(2026, 3, 1)),
        answer_due_at: due,
        reminded_at: None,
        landlord_answered_at: None,
        household_answered_at: None,
        closed_at: None,
        created_at: at(2026, 3, 1),
        updated_at: changed,
    }
}

fn placement(id: i64, moved_in: Option<NaiveDate>, places: i32, outcome: &str) -> placement::Model {
    placement::Model {
        id,
        proposal_id: id,
        unit_id: id,
        household_id: id,
        municipality_id: 1,
        jobcenter_status: None,
        jobcenter_requested_on: None,
        jobcenter_decided_on: None,
        lease_kind: Some("direct".into()),
        lease_signed_on: moved_in,
        lease_start: moved_in,
        rent_cold_cents: Some(50_000),
        service_charges_cents: None,
        heating_costs_cents: None,
        moved_in_on: moved_in,
        freed_site: None,
        places_freed: places,
        outcome: outcome.into(),
        ended_on: None,
        end_reason: None,
        end_reason_code: None,
        created_at: at(2026, 3, 1),
        updated_at: at(2026, 3, 1),
    }
}

fn incentive(
    id: i64,
    status: &str,
    granted: Option<i64>,
    paid: Option<i64>,
) -> unit_incentive::Model {
    unit_incentive::Model {
        id,
        unit_id: 1,
        programme_id: 1,
        status: status.into(),
        landlord_note: None,
        requested_at: at(2026, 2, 1),
        decided_at: Some(at(2026, 2, 10)),
        decided_by_user_id: None,
        decision_note: None,
        granted_amount_cents: granted,
        granted_from: None,
        granted_until: None,
        paid_amount_cents: paid,
        paid_on: paid.map(|_| day(2026, 4, 1)),
        created_at: at(2026, 2, 1),
        updated_at: at(2026, 2, 1),
    }
}

/// A small municipality with a known history.
fn data() -> Data {
    use ProposalState::*;
    let now = at(2026, 11, 21);
    Data {
        municipality_id: 1,
        households: vec![
            household(1, "placed"),
            household(2, "placed"),
            household(3, "placed"),
            household(4, "active"),
            household(5, "active"),
            household(6, "paused"),
            household(7, "closed"),
        ],
        persons: [(1, 4), (2, 2), (3, 1), (10, 2)].into_iter().collect(),
        units: Vec::new(),
        proposals: vec![
            proposal(1, MovedIn, at(2026, 9, 2), None),
            proposal(2, Sustained, at(2026, 10, 1), None),
            proposal(3, EndedEarly, at(2026, 10, 1), None),
            // Waiting for answers past the deadline: stalled.
            proposal(4, Sent, at(2026, 11, 1), Some(at(2026, 11, 15))),
            // Waiting, deadline ahead: not stalled.
            proposal(
                5,
                LandlordAccepted,
                at(2026, 11, 18),
                Some(now + chrono::Duration::days(3)),
            ),
            // Accepted a month ago without a step since: stalled.
            proposal(6, Accepted, at(2026, 10, 20), None),
            proposal(7, Suggested, at(2026, 11, 20), None),
            proposal(8, LandlordDeclined, at(2026, 6, 1), None),
        ],
        placements: vec![
            placement(1, Some(day(2026, 9, 1)), 4, "living"),
            placement(2, Some(day(2025, 12, 15)), 2, "sustained"),
            placement(3, Some(day(2026, 3, 10)), 1, "ended_early"),
            // Stored before the checks: five places freed by a household of two.
            placement(10, Some(day(2026, 5, 1)), 5, "living"),
        ],
        // The sustained tenancy's four follow-ups.
        follow_ups: [
            (1, day(2026, 1, 15)),
            (3, day(2026, 3, 15)),
            (6, day(2026, 6, 15)),
            (12, day(2026, 12, 15)),
        ]
        .into_iter()
        .enumerate()
        .map(|(i, (month, done_on))| follow_up::Model {
            id: i as i64 + 1,
            placement_id: 2,
            month,
            due_on: done_on,
            status: "done".into(),
            done_on: Some(done_on),
            rent_paid: Some(true),
            problems: None,
            support_needed: None,
            note: None,
            recorded_by_user_id: None,
            reminder_sent_at: None,
            created_at: at(2026, 1, 15),
            updated_at: at(2026, 1, 15),
        })
        .collect(),
        incentives: vec![
            incentive(1, "granted", Some(100_000), None),
            incentive(2, "paid", Some(50_000), Some(50_000)),
            incentive(3, "requested", None, None),
            incentive(4, "declined", None, None),
        ],
        programmes: Vec::new(),
        labels: BTreeMap::new(),
        answer_days: 14,
        channels: ChannelRows::default(),
    }
}

#[test]
fn the_dashboard_counts_a_known_history() {
    let f = figures(&data(), at(2026, 11, 21));
    let status: Vec<(&str, u64)> = f
        .households_by_status
        .iter()
        .map(|(s, n)| (s.as_str(), *n))
        .collect();
    assert_eq!(
        status,
        [("active", 2), ("paused", 1), ("placed", 3), ("closed", 1)]
    );
    let stages: BTreeMap<&str, u64> = f.proposals_by_stage.iter().copied().collect();
    assert_eq!(stages["review"], 1);
    assert_eq!(stages["waiting"], 2);
    assert_eq!(stages["viewing"], 1);
    assert_eq!(stages["moved_in"], 1);
    assert_eq!(stages["ended"], 3);
    assert_eq!(
        f.stalled.iter().map(|s| s.proposal_id).collect::<Vec<_>>(),
        [6, 4],
        "oldest first"
    );
    assert_eq!((f.moved_in, f.persons_placed, f.places_freed), (3, 7, 7));
    // Days from sending (1 March) to move-in: 184, -81 → 0, 9; median 9.
    assert_eq!(f.median_days_to_move_in, Some(9.0));
    assert_eq!(f.incentives_committed, Cents(150_000));
    assert_eq!(f.incentives_paid, Cents(50_000));
    assert_eq!((f.sustained_12_months, f.ended_early), (1, 1));
    assert_eq!(
        f.left_out,
        [(Problem::PlacesAboveMembers, 1)],
        "left out, and said so"
    );
    // The last 12 months, Dec 2025 to Nov 2026: Dec, Mar and Sep have one move-in each.
    assert_eq!(f.placements_per_month.len(), 12);
    assert_eq!(f.placements_per_month[0], (day(2025, 12, 1), 1));
    assert_eq!(f.placements_per_month[11], (day(2026, 11, 1), 0));
    let total: u64 = f.placements_per_month.iter().map(|(_, n)| n).sum();
    assert_eq!(total, 3);
}

#[test]
fn the_median_is_the_middle_value() {
    assert_eq!(median(vec![]), None);
    assert_eq!(median(vec![5.0]), Some(5.0));
    assert_eq!(median(vec![9.0, 1.0, 5.0]), Some(5.0));
    assert_eq!(median(vec![4.0, 1.0, 3.0, 2.0]), Some(2.5));
}

#[test]
fn exports_hold_the_rows_with_translated_headers() {
    let d = data();
    let households = table(&d, "households", Locale::De).expect("table");
    assert_eq!(households.headers[1], "Aktenzeichen");
    assert_eq!(households.rows.len(), 7);
    let placements = table(&d, "placements", Locale::En).expect("table");
    assert_eq!(placements.name, "Placements");
    // Exports hold every stored record, also those the figures leave out.
    assert_eq!(placements.rows.len(), 4);
    assert!(placements.rows[1].contains(&Cell::Text("lasted (12 months)".into())));
    assert!(table(&d, "secrets", Locale::De).is_none());
    let csv =
        String::from_utf8(crate::services::reports::to_csv(&placements, false)).expect("utf-8");
    assert!(
        csv.contains("Proposal no.;Flat;Household") && csv.contains("500.00"),
        "{csv}"
    );
}

#[test]
fn the_year_report_counts_by_the_dates_of_the_year() {
    let d = data();
    let event = |id: i64, to: ProposalState, when: DateTime<Utc>, code: Option<&str>| {
        entities::proposal_event::Model {
            id,
            proposal_id: id,
            from_state: None,
            to_state: to.as_str().into(),
            actor_kind: "coordinator".into(),
            actor_user_id: None,
            reason_code: code.map(str::to_owned),
            reason: None,
            data: None,
            created_at: when,
        }
    };
    let events = vec![
        event(1, ProposalState::Accepted, at(2026, 4, 1), None),
        event(2, ProposalState::Sustained, at(2026, 10, 1), None),
        event(3, ProposalState::EndedEarly, at(2026, 10, 1), None),
        event(
            8,
            ProposalState::LandlordDeclined,
            at(2026, 6, 1),
            Some("already_let"),
        ),
        event(
            9,
            ProposalState::HouseholdDeclined,
            at(2025, 6, 1),
            Some("too_far"),
        ),
    ];
    let r = year_report(&d, &events, 2026, Locale::De);
    assert_eq!((r.moved_in, r.persons_placed, r.places_freed), (2, 5, 5));
    assert_eq!(r.left_out, [(Problem::PlacesAboveMembers, 1)]);
    assert_eq!(
        (
            r.accepted_by_both,
            r.declined_by_landlord,
            r.declined_by_household
        ),
        (1, 1, 0)
    );
    assert_eq!((r.sustained, r.ended_early), (1, 1));
    assert_eq!(r.decline_reasons, [("schon vermietet".to_owned(), 1)]);
    assert_eq!(r.moved_in_per_month[2], (3, 1));
    assert_eq!(r.moved_in_per_month[8], (9, 1));
    assert_eq!(r.leases_signed, 2);
    let r2025 = year_report(&d, &events, 2025, Locale::De);
    assert_eq!((r2025.moved_in, r2025.declined_by_household), (1, 1));
    assert!(
        year_report_xlsx(&r, Locale::De)
            .expect("xlsx")
            .starts_with(b"PK")
    );
}

fn unit(id: i64, landlord_id: i64, submitted: Option<DateTime<Utc>>) -> unit::Model {
    unit::Model {
        id,
        landlord_id,
        municipality_id: 1,
        status: "available".into(),
        street: "Marktstraße".into(),
        house_number: id.to_string(),
        postal_code: "73033".into(),
        town: "Göppingen".into(),
        address_extra: None,
        lat: 48.7,
        lon: 9.65,
        area_m2: 60.0,
        rooms: 3.0,
        floor: 1,
        has_lift: false,
        step_free: false,
        wheelchair_accessible: false,
        furnished: false,
        pets_allowed: false,
        max_occupants: 4,
        cold_rent_cents: 50_000,
        service_charges_cents: 10_000,
        heating_costs_cents: 7_000,
        deposit_cents: 0,
        municipal_top_up_cents: 0,
        available_from: day(2026, 1, 1),
        lease_type: "unlimited".into(),
        lease_end: None,
        pref_min_household_size: None,
        pref_max_household_size: None,
        pref_tags: String::new(),
        pref_notes: None,
        description: None,
        submitted_at: submitted,
        checked_at: None,
        checked_by_user_id: None,
        withdrawn_at: None,
        withdrawn_reason: None,
        entered_by_user_id: None,
        created_at: at(2026, 1, 1),
        updated_at: at(2026, 1, 1),
        version: 1,
    }
}

#[test]
fn channels_count_visits_sign_ups_flats_lets_and_money_per_month() {
    use entities::{campaign, landlord_origin, page_visit};
    let origin =
        |landlord_id, municipality_id, campaign_id, heard: Option<&str>, at_: DateTime<Utc>| {
            landlord_origin::Model {
                id: landlord_id,
                landlord_id,
                municipality_id,
                campaign_id,
                heard_from: heard.map(str::to_owned),
                created_at: at_,
            }
        };
    let visit = |id, campaign_id, d: NaiveDate, visits| page_visit::Model {
        id,
        municipality_id: 1,
        campaign_id,
        day: d,
        visits,
    };
    let mut data = data();
    data.channels = ChannelRows {
        campaigns: vec![campaign::Model {
            id: 7,
            municipality_id: 1,
            code: "amtsblatt-maerz".into(),
            label: "Amtsblatt März".into(),
            created_by_user_id: None,
            created_at: at(2026, 3, 1),
            archived_at: None,
        }],
        // Two rows of the same day (two visits at the same moment) add up.
        visits: vec![
            visit(1, Some(7), day(2026, 3, 2), 3),
            visit(2, Some(7), day(2026, 3, 2), 1),
            visit(3, None, day(2026, 3, 5), 2),
            visit(4, Some(7), day(2026, 4, 1), 1),
        ],
        origins: vec![
            origin(20, Some(1), Some(7), None, at(2026, 3, 3)),
            origin(21, Some(1), None, Some("volunteers"), at(2026, 3, 20)),
            // Came through another town's page: only the answer counts here.
            origin(22, Some(2), Some(99), Some("newspaper"), at(2026, 3, 21)),
        ],
    };
    data.units = vec![
        unit(1, 20, Some(at(2026, 3, 10))),
        unit(2, 20, Some(at(2026, 4, 2))),
        unit(3, 22, Some(at(2026, 4, 3))),
        unit(4, 23, Some(at(2026, 4, 4))),
        unit(5, 20, None),
    ];
    // Unit 1 is let in September with 1.500 € granted (its declined request counts not).
    data.incentives = vec![
        incentive(1, "granted", Some(150_000), None),
        incentive(2, "declined", None, None),
    ];
    data.placements = vec![placement(1, Some(day(2026, 9, 1)), 4, "living")];
    let lines = channel_lines(&data);
    let get = |c: Channel, m: NaiveDate| lines.get(&(c, m)).cloned().unwrap_or_default();
    let march = day(2026, 3, 1);
    let april = day(2026, 4, 1);
    assert_eq!(
        get(Channel::Campaign(7), march),
        ChannelLine {
            visits: 4,
            signups: 1,
            submitted: 1,
            let_: 0,
            money: 0
        }
    );
    assert_eq!(
        get(Channel::Campaign(7), april),
        ChannelLine {
            visits: 1,
            signups: 0,
            submitted: 1,
            let_: 0,
            money: 0
        }
    );
    assert_eq!(
        get(Channel::Campaign(7), day(2026, 9, 1)),
        ChannelLine {
            visits: 0,
            signups: 0,
            submitted: 0,
            let_: 1,
            money: 150_000
        }
    );
    assert_eq!(get(Channel::Page(None), march).visits, 2);
    assert_eq!(
        get(Channel::Page(Some("volunteers".into())), march).signups,
        1
    );
    assert_eq!(get(Channel::Answer("newspaper".into()), april).submitted, 1);
    assert_eq!(get(Channel::Unknown, april).submitted, 1);
    // Unsent flats count nowhere; the other town's sign-up not here; nothing empty listed.
    let total: i64 = lines.values().map(|l| l.submitted).sum();
    assert_eq!(total, 4);
    assert_eq!(lines.values().map(|l| l.signups).sum::<i64>(), 2);
    assert!(lines.values().all(|l| *l != ChannelLine::default()));
    // Named in the reader's language; the export has the same lines.
    let labels = [(7, "Amtsblatt März".to_owned())].into_iter().collect();
    let t = Texts::new(Locale::De);
    assert_eq!(
        channel_name(&labels, &Channel::Campaign(7), t),
        "Amtsblatt März"
    );
    assert_eq!(
        channel_name(&labels, &Channel::Answer("volunteers".into()), t),
        "Antwort: Ehrenamtliche oder Lotsen"
    );
    let table = table(&data, "channels", Locale::De).expect("table");
    assert_eq!(table.rows.len(), lines.len());
    assert_eq!(table.headers[0], "Kanal");
}
