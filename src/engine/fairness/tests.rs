use proptest::prelude::*;

use super::*;

fn subject(persons: u32, wheelchair: bool, urgency: u8, score: Option<f64>) -> Subject {
    Subject {
        traits: Traits {
            persons,
            wheelchair,
            stairs_limit: false,
            urgency,
            follow_up_months: Some(20),
            residence_obligation: false,
        },
        score,
        had_eligible_flat: score.is_some() || persons < 5,
        blocking_rule: (score.is_none() && persons >= 5).then_some("household_too_large"),
        criteria: match score {
            Some(s) if persons >= 5 => vec![("area_fit", s * 0.2), ("urgency", 0.1)],
            Some(_) => vec![("area_fit", 0.3), ("urgency", 0.1)],
            None => Vec::new(),
        },
    }
}

fn arb_subject() -> impl Strategy<Value = Subject> {
    (
        1u32..9,
        any::<bool>(),
        any::<bool>(),
        0u8..4,
        prop::option::of(0i64..80),
        any::<bool>(),
        prop::option::of(0.2f64..1.0),
        any::<bool>(),
    )
        .prop_map(
            |(persons, wheelchair, stairs, urgency, months, obligation, score, eligible)| Subject {
                traits: Traits {
                    persons,
                    wheelchair,
                    stairs_limit: stairs,
                    urgency,
                    follow_up_months: months,
                    residence_obligation: obligation,
                },
                score,
                had_eligible_flat: eligible || score.is_some(),
                blocking_rule: None,
                criteria: Vec::new(),
            },
        )
}

/// The group a key names, written out again without the table.
fn recount_member(key: &str, t: &Traits) -> bool {
    match key {
        "size_1" => t.persons == 1,
        "size_2" => t.persons == 2,
        "size_3_4" => t.persons == 3 || t.persons == 4,
        "size_5_plus" => t.persons > 4,
        "wheelchair" => t.wheelchair,
        "stairs" => t.stairs_limit && !t.wheelchair,
        "no_mobility_need" => !(t.stairs_limit || t.wheelchair),
        "urgency_normal" => t.urgency == 0,
        "urgency_raised" => t.urgency == 1,
        "urgency_high" => t.urgency > 1,
        "follow_up_none" => t.follow_up_months.is_none(),
        "follow_up_under_12" => matches!(t.follow_up_months, Some(m) if m < 12),
        "follow_up_12_35" => matches!(t.follow_up_months, Some(m) if (12..=35).contains(&m)),
        "follow_up_36_plus" => matches!(t.follow_up_months, Some(m) if m > 35),
        "residence_obligation" => t.residence_obligation,
        "no_residence_obligation" => !t.residence_obligation,
        other => panic!("unknown group {other}"),
    }
}

proptest! {
    #[test]
    fn the_figures_equal_a_recount(subjects in prop::collection::vec(arb_subject(), 0..120)) {
        let r = report(&subjects);
        prop_assert_eq!(r.pool, subjects.len());
        let matched: Vec<&Subject> = subjects.iter().filter(|s| s.score.is_some()).collect();
        prop_assert_eq!(r.matched, matched.len());
        // Each dimension splits the pool: its groups add up to everyone.
        for dimension in ["size", "mobility", "urgency", "follow_up", "residence_obligation"] {
            let sum: usize = r.groups.iter().filter(|g| g.dimension == dimension).map(|g| g.in_pool).sum();
            prop_assert_eq!(sum, subjects.len(), "{}", dimension);
        }
        for g in &r.groups {
            let members: Vec<&Subject> = subjects.iter().filter(|s| recount_member(&g.key, &s.traits)).collect();
            let hit: Vec<f64> = members.iter().filter_map(|s| s.score).collect();
            prop_assert_eq!(g.in_pool, members.len(), "{}", g.key);
            prop_assert_eq!(g.matched, hit.len(), "{}", g.key);
            prop_assert_eq!(g.without_eligible_flat, members.iter().filter(|s| !s.had_eligible_flat).count());
            if !subjects.is_empty() {
                prop_assert!((g.pool_share - members.len() as f64 / subjects.len() as f64).abs() < 1e-12);
            }
            match g.mean_score {
                Some(m) => prop_assert!((m - hit.iter().sum::<f64>() / hit.len() as f64).abs() < 1e-9),
                None => prop_assert!(hit.is_empty()),
            }
            if let Some(share) = g.matched_share {
                prop_assert!((share - hit.len() as f64 / matched.len() as f64).abs() < 1e-12);
            }
        }
    }
}

#[test]
fn a_group_that_fares_much_worse_gets_a_note_naming_the_rule() {
    let mut pool = Vec::new();
    for i in 0..20 {
        pool.push(subject(2, false, 0, (i % 4 != 0).then_some(0.7)));
    }
    for i in 0..8 {
        pool.push(subject(6, false, 0, (i == 0).then_some(0.6)));
    }
    let r = report(&pool);
    let large = r
        .notes
        .iter()
        .find(|n| n.key == "size_5_plus")
        .expect("a note on large families");
    assert!(large.de.contains("1 von 8 eingezogen"), "{}", large.de);
    assert!(
        large.de.contains("zu viele Personen für die Wohnung"),
        "{}",
        large.de
    );
    assert!(large.en.contains("1 of 8 moved in"), "{}", large.en);
    // Seven without a move-in, all without a fitting flat.
    assert!(
        large
            .de
            .contains("7 der 7 ohne Einzug hatten keine Wohnung"),
        "{}",
        large.de
    );
    let proposed = report_as(&pool, Matched::Proposed);
    let note = proposed
        .notes
        .iter()
        .find(|n| n.key == "size_5_plus")
        .expect("note");
    assert!(note.de.contains("1 von 8 mit Vorschlag"), "{}", note.de);
    assert!(r.notes.iter().all(|n| n.key != "size_2"));
}

#[test]
fn small_groups_and_fair_runs_get_no_note() {
    let mut pool: Vec<Subject> = (0..30).map(|_| subject(2, false, 0, Some(0.7))).collect();
    // Four wheelchair users, none matched: too few to say anything reliable.
    pool.extend((0..4).map(|_| subject(1, true, 0, None)));
    let r = report(&pool);
    assert!(r.notes.is_empty(), "{:?}", r.notes);
    let wheelchair = r
        .groups
        .iter()
        .find(|g| g.key == "wheelchair")
        .expect("group");
    assert_eq!((wheelchair.in_pool, wheelchair.matched), (4, 0));
    assert!(report(&[]).notes.is_empty());
    // One in twenty matched overall; twenty urgent households with none: one expected,
    // so chance, not a pattern.
    let mut pool: Vec<Subject> = (0..20)
        .map(|i| subject(2, false, 0, (i == 0).then_some(0.7)))
        .collect();
    pool.extend((0..20).map(|_| subject(2, false, 2, None)));
    pool.push(subject(2, false, 0, Some(0.7)));
    let r = report(&pool);
    assert!(
        r.notes.iter().all(|n| n.key != "urgency_high"),
        "{:?}",
        r.notes
    );
}

#[test]
fn a_group_matched_to_worse_fits_gets_a_note_naming_the_criterion() {
    let mut pool: Vec<Subject> = (0..20).map(|_| subject(2, false, 0, Some(0.8))).collect();
    pool.extend((0..8).map(|_| subject(6, false, 0, Some(0.5))));
    let r = report(&pool);
    let large = r
        .notes
        .iter()
        .find(|n| n.key == "size_5_plus")
        .expect("a note on large families");
    assert!(large.de.contains("mittlere Punktzahl 0,50"), "{}", large.de);
    assert!(
        large.de.contains("Am meisten fehlt bei: Wohnfläche passt."),
        "{}",
        large.de
    );
    assert!(
        large
            .en
            .contains("The most is missing in: floor area fits."),
        "{}",
        large.en
    );
    assert!(
        !large.de.contains("vermittelt"),
        "the rate is no problem: {}",
        large.de
    );
}
