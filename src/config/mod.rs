//! Settings, layered: built-in defaults (`config/default.toml`, compiled in) →
//! `config/default.toml` on disk → `config/<BLEIBE_ENV>.toml` → environment variables
//! `BLEIBE_<SECTION>__<KEY>`.
//!
//! Every setting exists in the defaults, so a key that is not there is a typo and stops
//! start-up with one sentence naming it. Environment values are read as the type of the
//! default they replace, so `BLEIBE_SERVER__PORT=9000` is a number and
//! `BLEIBE_DATABASE__URL=postgres://...` a text.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

mod checks;
mod layers;
use checks::*;
use layers::*;

/// The built-in defaults; the same file as `config/default.toml`.
pub const DEFAULTS: &str = include_str!("../../config/default.toml");

/// Environment variables that configure the loader itself rather than a setting.
const ENV_NAME: &str = "BLEIBE_ENV";
const ENV_CONFIG_DIR: &str = "BLEIBE_CONFIG_DIR";
const ENV_PREFIX: &str = "BLEIBE_";

/// Which set of overrides applies: `config/<name>.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Test,
    Production,
}

impl Environment {
    /// The name used in `BLEIBE_ENV` and in the file name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Development => "development",
            Self::Test => "test",
            Self::Production => "production",
        }
    }

    fn parse(value: &str) -> Option<Self> {
        match value.trim() {
            "development" | "dev" => Some(Self::Development),
            "test" => Some(Self::Test),
            "production" | "prod" => Some(Self::Production),
            _ => None,
        }
    }
}

/// All settings of the service.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub data: DataSettings,
    pub mail: MailSettings,
    pub log: LogSettings,
    pub security: SecuritySettings,
    pub uploads: UploadSettings,
    pub map: MapSettings,
    pub matching: MatchingSettings,
    pub jobs: JobSettings,
    pub accessibility: AccessibilitySettings,
}

/// `[accessibility]`: what the accessibility statement (`/barrierefreiheit`) names.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessibilitySettings {
    /// Where people report barriers (an e-mail address people read).
    pub feedback_email: String,
    /// A phone number for the same (optional).
    pub feedback_phone: String,
    /// When the statement was made or last reviewed (YYYY-MM-DD).
    pub reviewed_on: String,
}

/// `[server]`: where and how the HTTP server listens.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    pub host: String,
    pub port: u16,
    pub base_url: String,
    pub request_timeout_secs: u64,
    pub shutdown_grace_secs: u64,
}

/// `[database]`: SQLite or PostgreSQL connection.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    pub url: SecretString,
    pub max_connections: u32,
    pub min_connections: u32,
    pub connect_timeout_secs: u64,
    pub auto_migrate: bool,
}

/// `[data]`: the folder for files the service writes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataSettings {
    pub dir: PathBuf,
}

/// How e-mails leave the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MailTransportKind {
    /// One `.eml` file per message under `mail.file_dir`.
    File,
    /// Through the SMTP server of `[mail.smtp]`.
    Smtp,
}

/// Transport security towards the SMTP server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain connection upgraded with STARTTLS (port 587).
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only for a test server on this machine.
    None,
}

/// `[mail]`: sender, reply-to and transport.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailSettings {
    pub transport: MailTransportKind,
    pub file_dir: String,
    pub from: String,
    pub reply_to: String,
    pub max_attempts: u32,
    pub smtp: SmtpSettings,
}

impl MailSettings {
    /// Folder of the file transport: `mail.file_dir`, or `<data.dir>/mail` when empty.
    pub fn file_dir(&self, data: &DataSettings) -> PathBuf {
        if self.file_dir.trim().is_empty() {
            data.dir.join("mail")
        } else {
            PathBuf::from(&self.file_dir)
        }
    }
}

/// `[mail.smtp]`: the SMTP server used when `mail.transport = "smtp"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    pub username: String,
    pub password: SecretString,
    pub timeout_secs: u64,
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

/// `[log]`: what is logged and how.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    pub level: String,
    pub format: LogFormat,
}

/// When cookies carry the `Secure` flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SecureCookies {
    /// When `server.base_url` starts with https.
    Auto,
    Always,
    Never,
}

/// `[security]`: sessions and logins.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecuritySettings {
    pub session_idle_hours: u64,
    pub secure_cookies: SecureCookies,
    pub login_attempts: u32,
    pub token_attempts: u32,
    pub trust_forwarded_for: bool,
}

/// `[uploads]`: unit photos.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UploadSettings {
    pub dir: String,
    pub max_photo_mb: u64,
    pub max_photos: usize,
}

impl UploadSettings {
    /// Folder for photos: `uploads.dir`, or `<data.dir>/photos` when empty.
    pub fn dir(&self, data: &DataSettings) -> PathBuf {
        if self.dir.trim().is_empty() {
            data.dir.join("photos")
        } else {
            PathBuf::from(&self.dir)
        }
    }
}

/// `[map]`: the map on the unit form.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MapSettings {
    pub tile_url: String,
    pub tile_attribution: String,
}

/// `[matching]`: engine settings that are not per municipality.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchingSettings {
    pub top_k: usize,
}

/// `[jobs]`: the scheduled jobs, each with a cron expression (seconds first, German time).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobSettings {
    pub enabled: bool,
    pub match_run: String,
    pub outbox: String,
    pub reminders: String,
    pub follow_ups: String,
    pub retention: String,
    pub digest: String,
    pub tidy: String,
    pub retention_months: u32,
    pub lease_secs: u64,
}

impl JobSettings {
    /// The schedule of a job by its setting name (`match_run`, `outbox`, ...).
    pub fn schedule(&self, key: &str) -> Option<&str> {
        Some(match key {
            "match_run" => &self.match_run,
            "outbox" => &self.outbox,
            "reminders" => &self.reminders,
            "follow_ups" => &self.follow_ups,
            "retention" => &self.retention,
            "digest" => &self.digest,
            "tidy" => &self.tidy,
            _ => return None,
        })
    }
}

/// Parses a cron expression the way the scheduler does (six fields, seconds first).
pub fn parse_cron(expression: &str) -> Result<croner::Cron, String> {
    croner::parser::CronParser::builder()
        .seconds(croner::parser::Seconds::Required)
        .build()
        .parse(expression)
        .map_err(|e| e.to_string())
}

/// A setting that is wrong or missing, said in one sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The setting, e.g. `server.port`, when the problem is about one.
    pub key: Option<String>,
    /// Where the value came from, e.g. "environment variable BLEIBE_SERVER__PORT".
    pub origin: Option<String>,
    /// What is wrong, in plain words.
    pub message: String,
}

impl ConfigError {
    fn new(key: &str, origin: Option<&str>, message: impl Into<String>) -> Self {
        Self {
            key: Some(key.to_owned()),
            origin: origin.map(str::to_owned),
            message: message.into(),
        }
    }

    fn general(message: impl Into<String>) -> Self {
        Self {
            key: None,
            origin: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.key, &self.origin) {
            (Some(key), Some(origin)) => {
                write!(f, "setting `{key}` (from {origin}): {}", self.message)
            }
            (Some(key), None) => write!(f, "setting `{key}`: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

/// The effective settings together with where each value came from.
#[derive(Debug, Clone)]
pub struct LoadedSettings {
    pub environment: Environment,
    pub settings: Settings,
    /// The merged settings as a table, for display.
    pub table: toml::Table,
    /// Dotted key → origin of its value ("built-in defaults", a file, an environment variable).
    pub origins: BTreeMap<String, String>,
    /// The configuration files that were read, in order.
    pub files: Vec<PathBuf>,
}

/// Loads the settings from the process environment and the `config/` folder.
pub fn load() -> Result<LoadedSettings, ConfigError> {
    let vars: Vec<(String, String)> = std::env::vars().collect();
    let config_dir = vars
        .iter()
        .find(|(k, _)| k == ENV_CONFIG_DIR)
        .map(|(_, v)| PathBuf::from(v))
        .unwrap_or_else(|| PathBuf::from("config"));
    load_from(&vars, &config_dir)
}

/// Loads the settings from the given environment variables and configuration folder.
pub fn load_from(
    vars: &[(String, String)],
    config_dir: &Path,
) -> Result<LoadedSettings, ConfigError> {
    let environment = match vars.iter().find(|(k, _)| k == ENV_NAME) {
        None => Environment::Development,
        Some((_, value)) => Environment::parse(value).ok_or_else(|| {
            ConfigError::general(format!(
                "BLEIBE_ENV must be development, test or production, not \"{value}\""
            ))
        })?,
    };

    let mut merged = parse_toml(DEFAULTS, "built-in defaults")?;
    let mut origins = BTreeMap::new();
    record_origins(&merged, "", "built-in defaults", &mut origins);
    let defaults = merged.clone();
    let mut files = Vec::new();

    for name in [
        "default.toml".to_owned(),
        format!("{}.toml", environment.as_str()),
    ] {
        let path = config_dir.join(&name);
        if !path.is_file() {
            continue;
        }
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(&path)
            .map_err(|e| ConfigError::general(format!("cannot read {origin}: {e}")))?;
        let layer = parse_toml(&text, &origin)?;
        merge(&mut merged, &defaults, layer, "", &origin, &mut origins)?;
        files.push(path);
    }

    let mut env_settings: Vec<&(String, String)> = vars
        .iter()
        .filter(|(k, _)| k.starts_with(ENV_PREFIX) && k.contains("__"))
        .collect();
    env_settings.sort();
    for (name, value) in env_settings {
        apply_env(&mut merged, &defaults, name, value, &mut origins)?;
    }

    let settings = deserialize(&merged, &origins)?;
    validate(&settings, &origins)?;
    Ok(LoadedSettings {
        environment,
        settings,
        table: merged,
        origins,
        files,
    })
}

/// Hides the password in a database URL: `postgres://user:secret@host` → `postgres://user:****@host`.
pub fn mask_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_owned();
    };
    let rest = &url[scheme_end + 3..];
    let Some(at) = rest.find('@') else {
        return url.to_owned();
    };
    let userinfo = &rest[..at];
    match userinfo.find(':') {
        Some(colon) => format!(
            "{}{}:****{}",
            &url[..scheme_end + 3],
            &userinfo[..colon],
            &rest[at..]
        ),
        None => url.to_owned(),
    }
}

fn is_secret_key(path: &str) -> bool {
    let last = path.rsplit('.').next().unwrap_or(path);
    matches!(last, "password" | "secret" | "secret_key" | "token")
}

impl Settings {
    /// Whether cookies get the `Secure` flag.
    pub fn secure_cookies(&self) -> bool {
        match self.security.secure_cookies {
            SecureCookies::Always => true,
            SecureCookies::Never => false,
            SecureCookies::Auto => self.server.base_url.starts_with("https://"),
        }
    }
}

impl LoadedSettings {
    /// The effective settings as TOML with every value's origin and secrets masked,
    /// for `bleibe check-config`.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str(&format!(
            "# Effective settings (BLEIBE_ENV={})\n",
            self.environment.as_str()
        ));
        let files: Vec<String> = self.files.iter().map(|p| p.display().to_string()).collect();
        out.push_str(&format!(
            "# Layers: built-in defaults{}{}, environment variables BLEIBE_<SECTION>__<KEY>\n",
            if files.is_empty() { "" } else { ", " },
            files.join(", ")
        ));
        render_table(&self.table, "", &self.origins, &mut out);
        out
    }
}

fn render_table(
    table: &toml::Table,
    prefix: &str,
    origins: &BTreeMap<String, String>,
    out: &mut String,
) {
    let mut lines = Vec::new();
    for (key, value) in table {
        if value.is_table() {
            continue;
        }
        let path = join(prefix, key);
        let shown = match value {
            toml::Value::String(s) if path == "database.url" => {
                toml::Value::String(mask_url(s)).to_string()
            }
            toml::Value::String(s) if is_secret_key(&path) && !s.is_empty() => {
                "\"****\"".to_owned()
            }
            other => other.to_string(),
        };
        let origin = origins
            .get(&path)
            .map(String::as_str)
            .unwrap_or("built-in defaults");
        lines.push((format!("{key} = {shown}"), origin));
    }
    if !lines.is_empty() {
        if !prefix.is_empty() {
            out.push_str(&format!("\n[{prefix}]\n"));
        }
        let width = lines
            .iter()
            .map(|(l, _)| l.chars().count())
            .max()
            .unwrap_or(0);
        for (line, origin) in lines {
            let pad = width - line.chars().count();
            out.push_str(&format!("{line}{}  # {origin}\n", " ".repeat(pad)));
        }
    }
    for (key, value) in table {
        if let toml::Value::Table(inner) = value {
            render_table(inner, &join(prefix, key), origins, out);
        }
    }
}

#[cfg(test)]
mod tests;
