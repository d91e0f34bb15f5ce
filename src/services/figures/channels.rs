//! Which channel brought whom: per channel (a campaign code, a landlord's answer to "Wie
//! haben Sie von uns erfahren?", the page without a code, or nothing known) and month, the
//! public page's visits, sign-ups, flats entered, flats let and the incentive money those
//! flats were granted. Pure: computed from the rows in [`Data`].

use super::*;
use entities::landlord_origin;

pub use crate::store::outreach::ChannelRows;

/// Where a landlord came from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Channel {
    /// A campaign code (its id).
    Campaign(i64),
    /// The municipality's page without a code, with the landlord's answer if any.
    Page(Option<String>),
    /// Signed up elsewhere with an answer to the question.
    Answer(String),
    /// Nothing known (landlords from before, or who gave no answer).
    Unknown,
}

/// One line: a channel in a month.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChannelLine {
    pub visits: i64,
    pub signups: i64,
    pub submitted: i64,
    pub let_: i64,
    /// Granted incentive money of the flats let (cents).
    pub money: i64,
}

fn channel_of(origin: Option<&landlord_origin::Model>, municipality_id: i64) -> Channel {
    match origin {
        // Through this municipality's page: its campaign, or the page without a code.
        Some(o) if o.municipality_id == Some(municipality_id) => match o.campaign_id {
            Some(id) => Channel::Campaign(id),
            None => Channel::Page(o.heard_from.clone()),
        },
        // Elsewhere (another town's page, the general sign-up): the answer, if any.
        Some(o) => o
            .heard_from
            .clone()
            .map_or(Channel::Unknown, Channel::Answer),
        None => Channel::Unknown,
    }
}

fn month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// The figures per (channel, month), months as their first day. Flats count in the month
/// they were sent in, lets in the month the lease was signed, with the money granted for
/// that flat; lines with nothing in them are left out.
pub fn channel_lines(data: &Data) -> BTreeMap<(Channel, NaiveDate), ChannelLine> {
    let mid = data.municipality_id;
    let rows = &data.channels;
    let by_landlord: BTreeMap<i64, &landlord_origin::Model> =
        rows.origins.iter().map(|o| (o.landlord_id, o)).collect();
    let mut out: BTreeMap<(Channel, NaiveDate), ChannelLine> = BTreeMap::new();
    for v in &rows.visits {
        let channel = v.campaign_id.map_or(Channel::Page(None), Channel::Campaign);
        out.entry((channel, month(v.day))).or_default().visits += v.visits;
    }
    for o in rows
        .origins
        .iter()
        .filter(|o| o.municipality_id == Some(mid))
    {
        let day = crate::domain::time::berlin_date(o.created_at);
        out.entry((channel_of(Some(o), mid), month(day)))
            .or_default()
            .signups += 1;
    }
    let landlord_of: BTreeMap<i64, i64> =
        data.units.iter().map(|u| (u.id, u.landlord_id)).collect();
    let channel_of_unit = |unit_id: i64| {
        let landlord = landlord_of.get(&unit_id).copied();
        channel_of(landlord.and_then(|l| by_landlord.get(&l).copied()), mid)
    };
    for u in &data.units {
        if let Some(sent) = u.submitted_at {
            let day = crate::domain::time::berlin_date(sent);
            out.entry((channel_of_unit(u.id), month(day)))
                .or_default()
                .submitted += 1;
        }
    }
    let mut money: BTreeMap<i64, i64> = BTreeMap::new();
    for i in &data.incentives {
        if matches!(i.status.as_str(), "granted" | "paid") {
            *money.entry(i.unit_id).or_insert(0) += i.granted_amount_cents.unwrap_or(0);
        }
    }
    let mut counted = std::collections::BTreeSet::new();
    for p in &data.placements {
        let Some(signed) = p.lease_signed_on else {
            continue;
        };
        if !counted.insert(p.unit_id) {
            continue;
        }
        let line = out
            .entry((channel_of_unit(p.unit_id), month(signed)))
            .or_default();
        line.let_ += 1;
        line.money += money.get(&p.unit_id).copied().unwrap_or(0);
    }
    out.retain(|_, l| *l != ChannelLine::default());
    out
}

/// The channel lines as the figures keep them: channel, month, figures.
pub type ChannelTable = Vec<(Channel, NaiveDate, ChannelLine)>;

/// The channel lines as the figures keep them, and the campaigns' labels by id.
pub(super) fn channel_figures(data: &Data) -> (ChannelTable, BTreeMap<i64, String>) {
    (
        channel_lines(data)
            .into_iter()
            .map(|((c, m), l)| (c, m, l))
            .collect(),
        campaign_labels(data),
    )
}

fn campaign_labels(data: &Data) -> BTreeMap<i64, String> {
    data.channels
        .campaigns
        .iter()
        .map(|c| (c.id, c.label.clone()))
        .collect()
}

/// The channel's name in the language of `t` (`campaigns`: labels by id).
pub fn channel_name(campaigns: &BTreeMap<i64, String>, channel: &Channel, t: Texts) -> String {
    let answer = |a: &str| t.get(&format!("outreach.heard_from.{a}")).to_owned();
    match channel {
        Channel::Campaign(id) => campaigns
            .get(id)
            .cloned()
            .unwrap_or_else(|| format!("#{id}")),
        Channel::Page(None) => t.get("outreach.channel_direct").to_owned(),
        Channel::Page(Some(a)) => format!(
            "{} · {}",
            t.get("outreach.channel_direct"),
            crate::i18n::fill(t.get("outreach.channel_heard"), &[("answer", &answer(a))])
        ),
        Channel::Answer(a) => {
            crate::i18n::fill(t.get("outreach.channel_heard"), &[("answer", &answer(a))])
        }
        Channel::Unknown => t.get("outreach.channel_unknown").to_owned(),
    }
}

/// The channel figures as an export table.
pub(super) fn channels_table(data: &Data, t: Texts) -> (&'static [&'static str], Vec<Vec<Cell>>) {
    let labels = campaign_labels(data);
    let rows = channel_lines(data)
        .into_iter()
        .map(|((channel, month), l)| {
            vec![
                text(channel_name(&labels, &channel, t)),
                Cell::Date(month),
                Cell::Int(l.visits),
                Cell::Int(l.signups),
                Cell::Int(l.submitted),
                Cell::Int(l.let_),
                Cell::Money(l.money),
            ]
        })
        .collect();
    (
        &[
            "channel",
            "month",
            "visits",
            "signups",
            "submitted",
            "let",
            "money",
        ],
        rows,
    )
}
