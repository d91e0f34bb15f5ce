//! `bleibe mail preview [--lang xx] [--out DIR]`: every e-mail in every language, filled
//! with demo data, as `.eml` (as sent) and `.html` (to open in a browser), with an
//! `index.html` listing them: for translators and coordinators to read them all.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::domain::Language;
use crate::mail::{Mailer, preview};

#[derive(Debug, Args)]
pub struct MailArgs {
    #[command(subcommand)]
    pub command: MailCommand,
}

#[derive(Debug, Subcommand)]
pub enum MailCommand {
    /// Write every e-mail in every language (demo data) as .eml and .html files.
    Preview {
        /// Only this language: de, en, uk, ru, ar, fa or tr.
        #[arg(long)]
        lang: Option<String>,
        /// The folder to write into (created when missing).
        #[arg(long, default_value = "mail-preview")]
        out: PathBuf,
    },
}

pub fn run(args: MailArgs) -> anyhow::Result<()> {
    match args.command {
        MailCommand::Preview { lang, out } => preview_to(lang.as_deref(), &out),
    }
}

fn preview_to(lang: Option<&str>, out: &std::path::Path) -> anyhow::Result<()> {
    let only = match lang {
        None => None,
        Some(code) => Some(code.parse::<Language>().map_err(|()| {
            let known: Vec<&str> = Language::ALL.iter().map(|l| l.code()).collect();
            anyhow::anyhow!(
                "unknown language {code:?}; Bleibe writes e-mails in {}",
                known.join(", ")
            )
        })?),
    };
    std::fs::create_dir_all(out)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", out.display()))?;
    let mailer = Mailer::to_files(out, "Bleibe <noreply@bleibe.invalid>")?;
    let letters = preview::all(only);
    let mut index = String::from(
        "<!doctype html>\n<html lang=\"de\"><head><meta charset=\"utf-8\"><title>Bleibe: alle E-Mails / all e-mails</title></head><body>\n<h1>Bleibe: alle E-Mails / all e-mails</h1>\n<ul>\n",
    );
    for (name, lang, letter) in &letters {
        let stem = format!("{name}.{}", lang.code());
        let email = letter.to_email(stem.clone(), "leserin@bleibe.example", None);
        let message = mailer.build(&email)?;
        let write = |file: String, bytes: &[u8]| {
            let path = out.join(file);
            std::fs::write(&path, bytes)
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))
        };
        write(format!("{stem}.eml"), &message.formatted())?;
        write(format!("{stem}.html"), letter.html().as_bytes())?;
        index.push_str(&format!(
            "<li><a href=\"{stem}.html\">{name} ({lang})</a>: <span lang=\"{lang}\" dir=\"{dir}\">{subject}</span> · <a href=\"{stem}.eml\">.eml</a></li>\n",
            lang = lang.code(),
            dir = lang.dir(),
            subject = html_escape(&letter.subject),
        ));
    }
    index.push_str("</ul>\n</body></html>\n");
    std::fs::write(out.join("index.html"), index)
        .map_err(|e| anyhow::anyhow!("cannot write the index: {e}"))?;
    println!(
        "{} e-mails written to {} (open index.html)",
        letters.len(),
        out.display()
    );
    Ok(())
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
