//! `bleibe import households|units FILE.csv`: all or nothing, with a progress bar and a
//! report of every rejected row.

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use crate::config::LoadedSettings;
use crate::domain::Locale;
use crate::i18n::{Texts, fill};
use crate::services::import::{self, Kind, Options, Report};
use crate::services::{Actor, matching};

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// What the file holds: households or units.
    kind: String,
    /// The CSV file (format: docs/import-format.md).
    file: std::path::PathBuf,
    /// Municipality (id, official key or name) for rows without a `municipality` column.
    #[arg(long)]
    municipality: Option<String>,
    /// Language of the report: de or en.
    #[arg(long, default_value = "de")]
    lang: String,
}

pub async fn run(loaded: LoadedSettings, args: ImportArgs) -> anyhow::Result<()> {
    let kind: Kind = args.kind.parse().map_err(|e: String| anyhow::anyhow!(e))?;
    let locale: Locale = args
        .lang
        .parse()
        .map_err(|_| anyhow::anyhow!("--lang must be \"de\" or \"en\", not \"{}\"", args.lang))?;
    let bytes = std::fs::read(&args.file)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", args.file.display()))?;
    let app = super::open_app(loaded).await?;
    let default_municipality = match &args.municipality {
        Some(key) => Some(
            matching::find_municipality(&app, key)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?
                .id,
        ),
        None => None,
    };
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{msg:12} [{bar:40}] {pos}/{len}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let progress = |phase: u8, done: u64, total: u64| {
        bar.set_length(total);
        bar.set_position(done);
        bar.set_message(if phase == 0 { "checking" } else { "writing" });
    };
    let report = import::run(
        &app,
        &Actor::System,
        kind,
        &bytes,
        &Options {
            file_name: args
                .file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            default_municipality,
            only_municipality: None,
        },
        &progress,
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    bar.finish_and_clear();
    print!("{}", describe(&report, locale));
    if report.imported {
        let _ = crate::jobs::housekeeping::dispatch_mail(&app, "cli").await;
        Ok(())
    } else {
        anyhow::bail!(
            "nothing was imported: {} problem(s) in {} (import #{})",
            report.rejected.len(),
            args.file.display(),
            report.import_id
        )
    }
}

/// The report as text.
pub fn describe(report: &Report, locale: Locale) -> String {
    let t = Texts::new(locale);
    let mut out = String::new();
    if report.imported {
        out.push_str(&fill(
            t.get("import.summary_done"),
            &[
                ("accepted", &report.accepted.to_string()),
                ("rows", &report.rows.to_string()),
                ("flagged", &report.flagged.len().to_string()),
            ],
        ));
    } else {
        out.push_str(&fill(
            t.get("import.summary_rejected"),
            &[("problems", &report.rejected.len().to_string())],
        ));
    }
    out.push('\n');
    for p in &report.rejected {
        out.push_str(&format!(
            "  {} {}{}: {}{}\n",
            t.get("import.line"),
            p.line,
            p.column
                .as_ref()
                .map(|c| format!(", {} {c}", t.get("import.column")))
                .unwrap_or_default(),
            t.get(&p.key),
            p.value
                .as_ref()
                .filter(|v| !v.is_empty())
                .map(|v| match locale {
                    Locale::De => format!(" („{v}“)"),
                    Locale::En => format!(" (\"{v}\")"),
                })
                .unwrap_or_default()
        ));
    }
    for f in &report.flagged {
        out.push_str(&format!(
            "  {} {}: {} (#{})\n",
            t.get("import.line"),
            f.line,
            t.get(&f.key),
            f.existing_id
        ));
    }
    out
}
