//! Database connection, migrations and readiness, for SQLite and PostgreSQL alike.

use std::path::Path;
use std::time::Duration;

use migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbBackend, DbErr};
use secrecy::ExposeSecret;

use crate::config::{DatabaseSettings, mask_url};

/// Why the database cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum DbSetupError {
    #[error("cannot create the folder {path} for the SQLite database: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot connect to the database at {url}: {source}")]
    Connect { url: String, source: DbErr },
    #[error("database migration failed: {0}")]
    Migrate(DbErr),
}

/// Opens a connection pool. For SQLite the file's folder is created, and the database runs
/// in WAL mode with a busy timeout so readers never block the writer.
pub async fn connect(settings: &DatabaseSettings) -> Result<DatabaseConnection, DbSetupError> {
    let url = settings.url.expose_secret().to_owned();
    if url.starts_with("sqlite:") {
        ensure_sqlite_folder(&url)?;
    }
    let mut options = ConnectOptions::new(url.clone());
    options
        .max_connections(settings.max_connections)
        .min_connections(settings.min_connections)
        .connect_timeout(Duration::from_secs(settings.connect_timeout_secs))
        .acquire_timeout(Duration::from_secs(settings.connect_timeout_secs))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
        });
    Database::connect(options)
        .await
        .map_err(|source| DbSetupError::Connect {
            url: mask_url(&url),
            source,
        })
}

/// Creates the folder of a `sqlite://path/file.db?...` URL when it does not exist yet.
fn ensure_sqlite_folder(url: &str) -> Result<(), DbSetupError> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or("");
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    if let Some(parent) = Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent).map_err(|source| DbSetupError::Folder {
            path: parent.display().to_string(),
            source,
        })?;
    }
    Ok(())
}

/// Applies all pending migrations.
pub async fn migrate_up(db: &DatabaseConnection) -> Result<(), DbSetupError> {
    Migrator::up(db, None).await.map_err(DbSetupError::Migrate)
}

/// Rolls back `steps` migrations (all when `None`).
pub async fn migrate_down(db: &DatabaseConnection, steps: Option<u32>) -> Result<(), DbSetupError> {
    Migrator::down(db, steps)
        .await
        .map_err(DbSetupError::Migrate)
}

/// One migration and whether it has been applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationState {
    pub name: String,
    pub applied: bool,
}

/// Every known migration with its state, in order.
pub async fn migration_status(db: &DatabaseConnection) -> Result<Vec<MigrationState>, DbErr> {
    let applied: Vec<String> = Migrator::get_applied_migrations(db)
        .await?
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    Ok(Migrator::migrations()
        .iter()
        .map(|m| MigrationState {
            name: m.name().to_owned(),
            applied: applied.iter().any(|a| a == m.name()),
        })
        .collect())
}

/// Whether the service can serve: the database answers and no migration is pending.
pub async fn readiness(db: &DatabaseConnection) -> Result<(), String> {
    use sea_orm::{ConnectionTrait, Statement};
    db.ping()
        .await
        .map_err(|e| format!("the database does not answer: {e}"))?;
    // Read the migration table directly (no DDL on every probe). Migrations this binary
    // does not know are fine: a newer instance applied them during a rolling upgrade, and
    // migrations only add.
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT version FROM seaql_migrations".to_owned(),
        ))
        .await
        .map_err(|e| format!("cannot read the migration table (run `bleibe migrate up`): {e}"))?;
    let applied: std::collections::BTreeSet<String> = rows
        .iter()
        .filter_map(|r| r.try_get::<String>("", "version").ok())
        .collect();
    let pending = Migrator::migrations()
        .iter()
        .filter(|m| !applied.contains(m.name()))
        .count();
    if pending == 0 {
        Ok(())
    } else {
        Err(format!(
            "{pending} database migration(s) not applied yet (run `bleibe migrate up`)"
        ))
    }
}

/// The backend's name for logs.
pub fn backend_name(db: &DatabaseConnection) -> &'static str {
    match db.get_database_backend() {
        DbBackend::Sqlite => "SQLite",
        DbBackend::Postgres => "PostgreSQL",
        _ => "other",
    }
}
