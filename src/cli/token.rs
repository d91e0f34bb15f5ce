//! `bleibe token create|list|revoke`: API tokens from the command line (for a municipal
//! system's set-up, or for scripts). A token acts exactly as its person.

use clap::{Args, Subcommand};

use crate::config::LoadedSettings;
use crate::services::{CurrentUser, accounts, api_tokens};
use crate::store::users;

#[derive(Debug, Args)]
pub struct TokenArgs {
    #[command(subcommand)]
    pub command: TokenCommand,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token for the account with this e-mail address and print it (shown once).
    Create {
        /// The account's e-mail address.
        #[arg(long)]
        email: String,
        /// What the token is for, e.g. the name of the system that uses it.
        #[arg(long)]
        name: String,
        /// Valid for this many days (1 to 730); without: until revoked.
        #[arg(long)]
        days: Option<u32>,
    },
    /// List the account's tokens (prefix, name, dates; never the token itself).
    List {
        #[arg(long)]
        email: String,
    },
    /// Revoke one of the account's tokens by its id.
    Revoke {
        #[arg(long)]
        email: String,
        #[arg(long)]
        id: i64,
    },
}

async fn person(app: &crate::app::App, email: &str) -> anyhow::Result<CurrentUser> {
    let email = email.trim().to_lowercase();
    let row = users::find_by_email(&app.db, &email)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no account with the e-mail address {email}"))?;
    accounts::current_user(app, row.id)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .ok_or_else(|| anyhow::anyhow!("the account {email} is disabled"))
}

pub async fn run(loaded: LoadedSettings, args: TokenArgs) -> anyhow::Result<()> {
    let app = super::open_app(loaded).await?;
    match args.command {
        TokenCommand::Create { email, name, days } => {
            let user = person(&app, &email).await?;
            let created = api_tokens::create(&app, &user, &name, days)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?
                .map_err(|errors| {
                    let list: Vec<String> = errors
                        .0
                        .iter()
                        .map(|(field, key)| {
                            format!(
                                "--{field}: {}",
                                crate::i18n::Texts::new(crate::domain::Locale::En).get(key)
                            )
                        })
                        .collect();
                    anyhow::anyhow!("{}", list.join("; "))
                })?;
            eprintln!(
                "Token {} für / for {} ({}) angelegt / created; nur jetzt sichtbar / shown only now:",
                created.row.id, user.display_name, user.role
            );
            println!("{}", created.secret);
        }
        TokenCommand::List { email } => {
            let user = person(&app, &email).await?;
            let now = app.clock.now();
            for t in api_tokens::list(&app, &user)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?
            {
                println!(
                    "{}\t{}…\t{}\t{}\t{}",
                    t.id,
                    t.prefix,
                    t.name,
                    t.created_at.format("%Y-%m-%d"),
                    if api_tokens::is_live(&t, now) {
                        "live"
                    } else {
                        "revoked/expired"
                    }
                );
            }
        }
        TokenCommand::Revoke { email, id } => {
            let user = person(&app, &email).await?;
            api_tokens::revoke(&app, &user, id)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("Token {id} widerrufen / revoked");
        }
    }
    Ok(())
}
