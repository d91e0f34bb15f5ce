//! `bleibe document render KIND --proposal ID [--lang xx] [-o FILE]`: makes a document of a
//! proposal as PDF (kept with the proposal like one made on its page), or with
//! `--municipality M --year Y` the yearly report. Writes to FILE, else to
//! `<kind>-<id>.pdf` in the current folder, and prints where. `bleibe document flyer
//! --municipality M [--size a4|a3] [--second en] [--campaign CODE] [-o FILE]` makes a
//! municipality's flyer or poster for winning landlords.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::config::LoadedSettings;
use crate::domain::document::DocumentKind;
use crate::domain::{Language, Locale};
use crate::i18n::text;
use crate::services::outreach::{FlyerRequest, FlyerSize, flyer_pdf};
use crate::services::{Actor, ServiceError, documents, matching};

#[derive(Debug, Args)]
pub struct DocumentArgs {
    #[command(subcommand)]
    pub command: DocumentCommand,
}

#[derive(Debug, Subcommand)]
pub enum DocumentCommand {
    /// Make a document as PDF: rent-certificate, rent-guarantee, occupancy-agreement,
    /// head-lease, proposal-letter (per proposal), yearly-report (per municipality and year).
    Render(RenderArgs),
    /// Make a municipality's flyer (A4) or poster (A3) for winning landlords, with a QR code
    /// to its public page (and a campaign's code).
    Flyer(FlyerArgs),
}

#[derive(Debug, Args)]
pub struct FlyerArgs {
    /// The municipality (id, official key or name).
    #[arg(long)]
    pub municipality: String,
    /// a4 (flyer) or a3 (poster).
    #[arg(long, default_value = "a4", value_parser = parse_size)]
    pub size: FlyerSize,
    /// A second language for a box at the bottom (en).
    #[arg(long)]
    pub second: Option<String>,
    /// A campaign's code for the QR code (see the municipality's "Vermieter gewinnen").
    #[arg(long)]
    pub campaign: Option<String>,
    /// Where to write the PDF (else `<municipality>-<size>[-<campaign>].pdf`).
    #[arg(short = 'o', long = "out")]
    pub out: Option<PathBuf>,
}

fn parse_size(text: &str) -> Result<FlyerSize, String> {
    text.parse::<FlyerSize>()
        .map_err(|_| format!("unknown size \"{text}\"; one of: a4, a3"))
}

async fn flyer(loaded: LoadedSettings, args: FlyerArgs) -> anyhow::Result<()> {
    let second = match args.second.as_deref() {
        None => None,
        Some(code) => Some(
            code.parse::<Locale>()
                .map_err(|_| anyhow::anyhow!("--second: de or en, not \"{code}\""))?,
        ),
    };
    let app = super::open_app(loaded).await?;
    let m = matching::find_municipality(&app, &args.municipality)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let request = FlyerRequest {
        size: Some(args.size),
        second,
        campaign_id: None,
        campaign_code: args.campaign.clone(),
    };
    let (name, pdf) = flyer_pdf(&app, &Actor::System, m.id, request)
        .await
        .map_err(|e| match (&e, &args.campaign) {
            (ServiceError::NotFound(what), Some(code)) if what == "campaign" => {
                anyhow::anyhow!("{} has no campaign \"{code}\"", m.name)
            }
            _ => anyhow::anyhow!("{}", explain(&e)),
        })?;
    let out = args.out.unwrap_or_else(|| PathBuf::from(name));
    std::fs::write(&out, &pdf)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", out.display()))?;
    println!("{} ({} bytes)", out.display(), pdf.len());
    Ok(())
}

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// What to make.
    #[arg(value_parser = parse_kind)]
    pub kind: DocumentKind,
    /// The proposal (all kinds but yearly-report).
    #[arg(long)]
    pub proposal: Option<i64>,
    /// The language of the household's letter (its own when left out), or of the yearly
    /// report (de, en).
    #[arg(long)]
    pub lang: Option<String>,
    /// The municipality of the yearly report (id, official key or name).
    #[arg(long)]
    pub municipality: Option<String>,
    /// The year of the yearly report.
    #[arg(long)]
    pub year: Option<i32>,
    /// Where to write the PDF.
    #[arg(short = 'o', long = "out")]
    pub out: Option<PathBuf>,
}

fn parse_kind(text: &str) -> Result<DocumentKind, String> {
    text.parse::<DocumentKind>().map_err(|_| {
        let all: Vec<&str> = DocumentKind::ALL.iter().map(|k| k.as_str()).collect();
        format!("unknown document \"{text}\"; one of: {}", all.join(", "))
    })
}

pub async fn run(loaded: LoadedSettings, args: DocumentArgs) -> anyhow::Result<()> {
    let args = match args.command {
        DocumentCommand::Render(args) => args,
        DocumentCommand::Flyer(args) => return flyer(loaded, args).await,
    };
    let app = super::open_app(loaded).await?;
    let made = if args.kind == DocumentKind::YearlyReport {
        let (Some(key), Some(year)) = (&args.municipality, args.year) else {
            anyhow::bail!("yearly-report needs --municipality and --year");
        };
        let locale = match args.lang.as_deref() {
            None => Locale::De,
            Some(code) => code
                .parse::<Locale>()
                .map_err(|_| anyhow::anyhow!("--lang: the yearly report is in de or en"))?,
        };
        let m = matching::find_municipality(&app, key)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        documents::yearly_report_pdf(&app, &Actor::System, m.id, year, locale).await
    } else {
        let Some(proposal) = args.proposal else {
            anyhow::bail!("{} needs --proposal ID", args.kind.as_str());
        };
        let lang = match args.lang.as_deref() {
            None => None,
            Some(code) => Some(
                code.parse::<Language>()
                    .map_err(|_| anyhow::anyhow!("--lang: unknown language \"{code}\""))?,
            ),
        };
        documents::make(&app, &Actor::System, proposal, args.kind, lang).await
    }
    .map_err(|e| anyhow::anyhow!("{}", explain(&e)))?;
    let out = args.out.unwrap_or_else(|| PathBuf::from(&made.file_name));
    std::fs::write(&out, &made.pdf)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", out.display()))?;
    println!("{} ({} bytes)", out.display(), made.pdf.len());
    Ok(())
}

/// The error in words, German and English where the catalog has them.
fn explain(e: &ServiceError) -> String {
    match e {
        ServiceError::Conflict(c) => format!(
            "{} / {}",
            text(Locale::De, c.key()),
            text(Locale::En, c.key())
        ),
        ServiceError::NotFound(what) => format!("{what} not found"),
        other => other.to_string(),
    }
}
