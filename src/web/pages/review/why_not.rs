//! "Why not?": for a flat, every household of its municipality with the engine's verdict
//! (the score and its reasons, or the hard rules it breaks), searchable.

use super::*;

/// Query of the "why not" page.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct WhyNotQuery {
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub household: String,
}

/// `GET /m/{mid}/why-not`.
#[derive(Template, WebTemplate)]
#[template(path = "why_not.html")]
pub struct WhyNotPage {
    pub chrome: Chrome,
    pub nav: StaffNav,
    pub mid: i64,
    pub units: Vec<(String, String, bool)>,
    pub household: String,
    pub asked: bool,
    pub not_found: bool,
    pub heading: String,
    pub eligible: Option<String>,
    pub rules: Vec<String>,
    pub criteria: Vec<CriterionLine>,
    pub no_rules: bool,
    /// Every household of the municipality (matching the search) with its verdict for the
    /// chosen flat.
    pub list: Vec<VerdictLine>,
    /// A flat was chosen: the list is shown.
    pub listed: bool,
    /// The chosen flat's id as in the query.
    pub unit_value: String,
    /// Why the chosen flat has no proposal, when it has none.
    pub no_proposal: Option<String>,
}

/// A household in the "why not" list.
#[derive(Debug, Clone)]
pub struct VerdictLine {
    pub household_id: i64,
    /// The reference as a query value (the link shows this household's explanation).
    pub query: String,
    pub reference: String,
    pub name: String,
    pub verdict: String,
    pub fits: bool,
    pub held: bool,
}

/// `GET /m/{mid}/why-not?unit=..&household=..`.
pub async fn why_not(
    Path(mid): Path<i64>,
    Query(q): Query<WhyNotQuery>,
    Staff { ctx, user }: Staff,
) -> Result<Response, PageError> {
    require_coordinator(&user)?;
    let t = ctx.t();
    let locale = ctx.locale;
    let unit_list = staff::units_of(&ctx.app, &user, mid).await?;
    let units = unit_list
        .iter()
        .map(|u| {
            let a = &u.details.address;
            (
                u.id.to_string(),
                format!(
                    "{} {}, {} ({})",
                    a.street,
                    a.house_number,
                    a.town,
                    t.get(&format!("unit.status.{}", u.status.as_str()))
                ),
                q.unit == u.id.to_string(),
            )
        })
        .collect();
    let mut page = WhyNotPage {
        chrome: ctx.chrome(),
        nav: nav(&ctx, &user, Some(mid), "/runs").await?,
        mid,
        units,
        household: q.household.clone(),
        asked: false,
        not_found: false,
        heading: String::new(),
        eligible: None,
        rules: Vec::new(),
        criteria: Vec::new(),
        no_rules: false,
        list: Vec::new(),
        listed: false,
        unit_value: q.unit.clone(),
        no_proposal: None,
    };
    if let Ok(unit_id) = q.unit.parse::<i64>() {
        let (verdicts, no_proposal) =
            review::why_not_list(&ctx.app, &user, unit_id, &q.household).await?;
        page.listed = true;
        page.no_proposal = no_proposal.map(|n| no_proposal_text(t, locale, &n));
        page.list = verdicts
            .into_iter()
            .map(|v| VerdictLine {
                household_id: v.household_id,
                query: super::super::url_encode(&v.reference),
                reference: v.reference,
                name: v.name.unwrap_or_default(),
                fits: matches!(v.verdict, WhyNot::Eligible { .. }),
                verdict: match &v.verdict {
                    WhyNot::Eligible { score, .. } => fill(
                        t.get("review.why_fits"),
                        &[("score", &percent(locale, *score))],
                    ),
                    WhyNot::Ineligible { rules } => {
                        let first = rules
                            .first()
                            .map(|(de, en)| if locale == Locale::En { en } else { de })
                            .cloned()
                            .unwrap_or_default();
                        if rules.len() > 1 {
                            fill(
                                t.get("review.why_rules_more"),
                                &[("rule", &first), ("more", &(rules.len() - 1).to_string())],
                            )
                        } else {
                            first
                        }
                    }
                    WhyNot::NoRules => t.get("review.why_no_rules").to_owned(),
                },
                held: v.held,
            })
            .collect();
    }
    if let (Ok(unit_id), false) = (q.unit.parse::<i64>(), q.household.trim().is_empty()) {
        page.asked = true;
        match review::why_not(&ctx.app, &user, unit_id, &q.household).await? {
            None => page.not_found = true,
            Some((unit_label, reference, verdict)) => {
                page.heading = fill(
                    t.get("review.why_heading"),
                    &[("household", &reference), ("unit", &unit_label)],
                );
                match verdict {
                    WhyNot::NoRules => page.no_rules = true,
                    WhyNot::Ineligible { rules } => {
                        page.rules = rules
                            .into_iter()
                            .map(|(de, en)| if locale == Locale::En { en } else { de })
                            .collect();
                    }
                    WhyNot::Eligible { score, criteria } => {
                        page.eligible = Some(fill(
                            t.get("review.why_eligible"),
                            &[("score", &percent(locale, score))],
                        ));
                        page.criteria = criterion_lines(t, locale, &criteria);
                    }
                }
            }
        }
    }
    // A search that matches households in the list is not a failed look-up.
    if page.not_found && !page.list.is_empty() {
        page.not_found = false;
        page.asked = false;
    }
    let status = if page.not_found {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::OK
    };
    Ok((status, page).into_response())
}

/// Why a flat has no proposal, in words.
fn no_proposal_text(t: Texts, locale: Locale, n: &review::NoProposal) -> String {
    match n {
        review::NoProposal::NotOffered => t.get("review.why_none.not_offered").to_owned(),
        review::NoProposal::NobodyEligible { rule, count } => match rule {
            Some((de, en)) => fill(
                t.get("review.why_none.nobody_rule"),
                &[
                    ("rule", if locale == Locale::En { en } else { de }),
                    ("count", &count.to_string()),
                ],
            ),
            None => t.get("review.why_none.nobody").to_owned(),
        },
        review::NoProposal::TakenElsewhere { eligible } => fill(
            t.get("review.why_none.elsewhere"),
            &[("eligible", &eligible.to_string())],
        ),
        review::NoProposal::NotInLastRun { eligible } => fill(
            t.get("review.why_none.new_run"),
            &[("eligible", &eligible.to_string())],
        ),
    }
}
