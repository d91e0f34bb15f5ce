//! `bleibe check-data [--municipality M]`: lists the stored records that break an invariant
//! of the placement pipeline (rows written before the checks existed, or changed by hand),
//! so a coordinator can correct them. The figures leave these records out and say how many.
//! Exits with 0 when every record is sound, 1 when some break a rule.

use clap::Args;

use crate::config::LoadedSettings;
use crate::domain::Locale;
use crate::i18n::text;
use crate::services::{figures, matching};

#[derive(Debug, Args)]
pub struct CheckDataArgs {
    /// Only this municipality (id, official key or name); all when left out.
    #[arg(long)]
    pub municipality: Option<String>,
}

/// Prints one line per record that breaks a rule; an error when there are any.
pub async fn run(loaded: LoadedSettings, args: CheckDataArgs) -> anyhow::Result<()> {
    let app = super::open_app(loaded).await?;
    let only = match &args.municipality {
        Some(key) => Some(
            matching::find_municipality(&app, key)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?
                .id,
        ),
        None => None,
    };
    let found = figures::check_data(&app, only)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    for p in &found {
        let page = p
            .proposal_id
            .map(|id| format!(" /workspace/proposals/{id}"))
            .unwrap_or_default();
        println!("{} {} ({}){page}", p.table, p.id, p.municipality);
        for problem in &p.problems {
            println!(
                "  - {} / {}",
                text(Locale::De, problem.key()),
                text(Locale::En, problem.key())
            );
        }
    }
    if found.is_empty() {
        println!("Alle Einträge halten die Regeln ein. / Every record keeps the rules.");
        Ok(())
    } else {
        anyhow::bail!(
            "{} Einträge verletzen eine Regel und zählen in den Zahlen nicht mit. / {} records break a rule and are left out of the figures.",
            found.len(),
            found.len()
        )
    }
}
