//! `bleibe user create`: a staff account from the command line (the first admin, say).

use clap::{Args, Subcommand};

use crate::config::LoadedSettings;
use crate::domain::Locale;
use crate::i18n::Texts;
use crate::services::admin::{self, NewStaff};
use crate::services::{Actor, matching};

#[derive(Debug, Args)]
pub struct UserArgs {
    #[command(subcommand)]
    pub command: UserCommand,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an admin, coordinator or volunteer account and send the invitation e-mail
    /// with a link to set the password (the link is printed too).
    Create(CreateArgs),
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// E-mail address (the login).
    #[arg(long)]
    email: String,
    /// Name as shown in Bleibe.
    #[arg(long)]
    name: String,
    /// admin, coordinator or volunteer.
    #[arg(long)]
    role: String,
    /// A municipality the person works for (id, official key or name); repeat for several.
    /// Coordinators and volunteers need at least one.
    #[arg(long = "municipality")]
    municipalities: Vec<String>,
    /// Language of the invitation and the interface: de or en.
    #[arg(long, default_value = "de")]
    locale: String,
}

pub async fn run(loaded: LoadedSettings, args: UserArgs) -> anyhow::Result<()> {
    let UserCommand::Create(args) = args.command;
    let locale: Locale = args.locale.parse().map_err(|_| {
        anyhow::anyhow!("--locale must be \"de\" or \"en\", not \"{}\"", args.locale)
    })?;
    let app = super::open_app(loaded).await?;
    let mut ids = Vec::new();
    for key in &args.municipalities {
        let m = matching::find_municipality(&app, key)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        ids.push(m.id.to_string());
    }
    let created = admin::create_user(
        &app,
        &Actor::System,
        &NewStaff {
            email: args.email.clone(),
            name: args.name.clone(),
            role: args.role.clone(),
            municipalities: ids,
            locale,
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    match created {
        Ok(created) => {
            let report = crate::jobs::housekeeping::dispatch_mail(&app, "cli").await?;
            println!(
                "Benutzer angelegt / user created: id {} ({}, {})",
                created.user_id, args.email, args.role
            );
            if report.sent > 0 {
                println!("Einladung verschickt / invitation sent to {}", args.email);
            } else {
                println!("Einladung wartet im Postausgang / invitation waits in the outbox");
            }
            println!(
                "Link zum Passwort (14 Tage gültig) / link to set the password (valid 14 days):"
            );
            println!("{}", created.link);
            Ok(())
        }
        Err(errors) => {
            let t = Texts::new(Locale::En);
            let lines: Vec<String> = errors
                .0
                .iter()
                .map(|(field, key)| format!("  --{}: {}", cli_name(field), t.get(key)))
                .collect();
            anyhow::bail!("the user was not created:\n{}", lines.join("\n"))
        }
    }
}

fn cli_name(field: &str) -> &str {
    match field {
        "municipalities" => "municipality",
        other => other,
    }
}
