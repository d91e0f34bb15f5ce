//! Incentives for landlords: the kinds, the state of a landlord's request, the decision and
//! the payment, and the rules money keeps: granted ≤ the programme's amount and ≤ its budget
//! left; paid ≤ granted; no payment before the grant or in the future.

use chrono::NaiveDate;

use super::input::Reader;
use super::money::Cents;
use super::pipeline::invariants::Problem;
use super::string_enum;
use super::validation::FieldErrors;

string_enum! {
    /// What kind of help a municipality offers landlords.
    pub enum IncentiveKind {
        /// Mietausfallgarantie: the municipality guarantees the rent for a period.
        RentDefaultGuarantee = "rent_default_guarantee",
        /// Sanierungszuschuss gegen Belegungsrecht: a grant for an occupancy right.
        RenovationGrant = "renovation_grant",
        /// Zwischenanmietung / Generalmiete: the municipality rents and sublets.
        HeadLease = "head_lease",
        /// Vermittlungsprämie: a bonus paid on signing.
        PlacementBonus = "placement_bonus",
        /// Beratung: help with the lease and choosing tenants.
        Advice = "advice",
    }
}

string_enum! {
    /// Where a landlord's request for an incentive stands.
    pub enum IncentiveStatus {
        Requested = "requested",
        Granted = "granted",
        Declined = "declined",
        Paid = "paid",
        Withdrawn = "withdrawn",
    }
}

/// The largest amount one incentive can be granted or paid (a sanity limit; the
/// programme's own amount and budget are the real ones).
pub const AMOUNT_MAX: Cents = Cents::euros(1_000_000);

/// A coordinator's decision on a requested incentive.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// Granted: an amount (none for advice), and the period it covers.
    Grant {
        amount: Option<Cents>,
        from: Option<NaiveDate>,
        until: Option<NaiveDate>,
        note: Option<String>,
    },
    /// Declined, with a reason.
    Decline { note: String },
}

impl Decision {
    /// Reads a decision form (`decision` = grant or decline, `amount`, `from`, `until`,
    /// `note`).
    pub fn parse(pairs: &[(String, String)]) -> Result<Decision, FieldErrors> {
        let mut r = Reader::new(pairs);
        r.check_characters(&[]);
        match r.raw("decision") {
            "grant" => {
                let amount = r.money("amount", AMOUNT_MAX, false);
                let from = r.date("from", false);
                let until = r.date("until", false);
                let note = r.text("note", 1000, false);
                if let (Some(from), Some(until)) = (from, until)
                    && until < from
                {
                    r.error("until", "validation.period_order");
                }
                r.finish(|| {
                    Some(Decision::Grant {
                        amount,
                        from,
                        until,
                        note,
                    })
                })
            }
            "decline" => {
                let note = r.text("note", 1000, false);
                if note.is_none() && !r.has_error("note") {
                    r.error("note", "validation.reason_required");
                }
                r.finish(|| note.map(|note| Decision::Decline { note }))
            }
            _ => {
                r.error("decision", "validation.choose_one");
                r.finish(|| None)
            }
        }
    }
}

/// A payment of a granted incentive.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Payment {
    pub amount: Cents,
    pub on: NaiveDate,
}

impl Payment {
    /// Reads the payment form (`paid_amount`, `paid_on`).
    pub fn parse(pairs: &[(String, String)]) -> Result<Payment, FieldErrors> {
        let mut r = Reader::new(pairs);
        r.check_characters(&[]);
        let amount = r.money("paid_amount", AMOUNT_MAX, true);
        let on = r.date("paid_on", true);
        r.finish(|| {
            Some(Payment {
                amount: amount?,
                on: on?,
            })
        })
    }
}

/// What a grant is checked against.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GrantLimits {
    /// The programme's amount: the most one grant may be.
    pub programme_max: Option<Cents>,
    /// The programme's budget less what is granted already.
    pub budget_left: Option<Cents>,
}

/// A grant is at most the programme's amount and at most what its budget has left.
pub fn check_grant(decision: &Decision, limits: GrantLimits) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::default();
    if let Decision::Grant {
        amount: Some(amount),
        ..
    } = decision
    {
        if limits.programme_max.is_some_and(|max| *amount > max) {
            errors.add("amount", "validation.amount_above_programme");
        } else if limits.budget_left.is_some_and(|left| *amount > left) {
            errors.add("amount", "validation.amount_above_budget");
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// A payment is not in the future, not before the grant nor before the payment before it,
/// and with what was paid before at most the granted amount.
pub fn check_payment(
    payment: &Payment,
    granted: Option<Cents>,
    granted_on: Option<NaiveDate>,
    paid_before: Cents,
    last_paid_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::default();
    if payment.amount.0 <= 0 {
        errors.add("paid_amount", "validation.amount_positive");
    } else if granted.is_none_or(|g| paid_before + payment.amount > g) {
        errors.add("paid_amount", "validation.paid_above_granted");
    }
    if payment.on > today {
        errors.add("paid_on", "validation.date_future");
    } else if granted_on.is_some_and(|g| payment.on < g) {
        errors.add("paid_on", "validation.paid_before_grant");
    } else if last_paid_on.is_some_and(|last| payment.on < last) {
        errors.add("paid_on", "validation.paid_before_last");
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// An incentive as stored, for checking rows written before the invariants held.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StoredIncentive {
    pub granted: Option<Cents>,
    pub granted_on: Option<NaiveDate>,
    pub paid: Option<Cents>,
    pub paid_on: Option<NaiveDate>,
    pub programme_max: Option<Cents>,
}

/// What breaks the invariants in a stored incentive (empty when it is sound).
pub fn problems(i: &StoredIncentive) -> Vec<Problem> {
    let mut out = Vec::new();
    if let (Some(g), Some(max)) = (i.granted, i.programme_max)
        && g > max
    {
        out.push(Problem::GrantedAboveProgramme);
    }
    if let Some(paid) = i.paid.filter(|p| p.0 > 0)
        && i.granted.is_none_or(|g| paid > g)
    {
        out.push(Problem::PaidAboveGranted);
    }
    if let (Some(on), Some(granted_on)) = (i.paid_on, i.granted_on)
        && on < granted_on
    {
        out.push(Problem::PaidBeforeGrant);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).expect("date")
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn nothing_is_paid_beyond_the_grant_or_before_it() {
        let pay = |euros, on| Payment {
            amount: Cents::euros(euros),
            on,
        };
        let granted = Some(Cents::euros(1000));
        let check = |p: &Payment, before| {
            check_payment(
                p,
                granted,
                Some(day(10)),
                Cents::euros(before),
                None,
                day(20),
            )
            .err()
            .map(|e| e.0.into_iter().collect::<Vec<_>>())
            .unwrap_or_default()
        };
        assert!(check(&pay(1000, day(12)), 0).is_empty());
        assert_eq!(
            check(&pay(1500, day(12)), 0),
            [(
                "paid_amount".to_owned(),
                "validation.paid_above_granted".to_owned()
            )]
        );
        assert_eq!(
            check(&pay(600, day(12)), 500),
            [(
                "paid_amount".to_owned(),
                "validation.paid_above_granted".to_owned()
            )]
        );
        assert_eq!(
            check(&pay(100, day(9)), 0),
            [(
                "paid_on".to_owned(),
                "validation.paid_before_grant".to_owned()
            )]
        );
        assert_eq!(
            check(&pay(100, day(21)), 0),
            [("paid_on".to_owned(), "validation.date_future".to_owned())]
        );
    }

    #[test]
    fn a_grant_stays_within_the_programme_and_its_budget() {
        let grant = |euros| Decision::Grant {
            amount: Some(Cents::euros(euros)),
            from: None,
            until: None,
            note: None,
        };
        let limits = GrantLimits {
            programme_max: Some(Cents::euros(1000)),
            budget_left: Some(Cents::euros(800)),
        };
        assert!(check_grant(&grant(800), limits).is_ok());
        let key = |euros| {
            check_grant(&grant(euros), limits)
                .expect_err("refused")
                .get("amount")
                .map(str::to_owned)
        };
        assert_eq!(
            key(1200).as_deref(),
            Some("validation.amount_above_programme")
        );
        assert_eq!(key(900).as_deref(), Some("validation.amount_above_budget"));
    }

    #[test]
    fn decisions_are_read_with_errors_at_the_fields() {
        let d = Decision::parse(&pairs(&[
            ("decision", "grant"),
            ("amount", "1.000,00"),
            ("from", "01.12.2026"),
            ("until", "30.11.2029"),
        ]))
        .expect("valid");
        assert!(matches!(d, Decision::Grant { amount: Some(a), .. } if a == Cents::euros(1000)));
        let e = Decision::parse(&pairs(&[
            ("decision", "grant"),
            ("amount", "viel"),
            ("from", "01.12.2026"),
            ("until", "30.11.2025"),
        ]))
        .expect_err("invalid");
        assert_eq!(e.get("amount"), Some("validation.number"));
        assert_eq!(e.get("until"), Some("validation.period_order"));
        let e = Decision::parse(&pairs(&[("decision", "decline")])).expect_err("reason");
        assert_eq!(e.get("note"), Some("validation.reason_required"));
    }

    #[test]
    fn stored_incentives_that_break_a_rule_are_named() {
        let sound = StoredIncentive {
            granted: Some(Cents::euros(1000)),
            granted_on: Some(day(10)),
            paid: Some(Cents::euros(1000)),
            paid_on: Some(day(12)),
            programme_max: Some(Cents::euros(1000)),
        };
        assert!(problems(&sound).is_empty());
        let over = StoredIncentive {
            paid: Some(Cents::euros(1500)),
            paid_on: Some(day(9)),
            ..sound
        };
        assert_eq!(
            problems(&over),
            [Problem::PaidAboveGranted, Problem::PaidBeforeGrant]
        );
    }
}
