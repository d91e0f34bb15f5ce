//! The application context every entry point shares: web, jobs and CLI hand it to the
//! services.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use sea_orm::DatabaseConnection;

use crate::clock::SharedClock;
use crate::config::Settings;
use crate::mail::{MailError, Mailer};

/// Database, settings, clock and mailer of one running Bleibe.
#[derive(Clone, Debug)]
pub struct App {
    pub db: DatabaseConnection,
    pub settings: Arc<Settings>,
    pub clock: SharedClock,
    pub mailer: Mailer,
    /// The web router, once built: a form kept over an expired session is replayed
    /// through it after the next login.
    pub router: Arc<OnceLock<axum::Router>>,
    /// Short-lived copies of rows nearly every page reads and that seldom change.
    pub cache: Arc<Cache>,
}

/// What this process keeps between requests, and how long each is trusted.
///
/// The list of municipalities (names in every staff page's navigation, the choices of a
/// residence obligation, an admin's scope): dropped by whatever changes the table in this
/// process ([`Cache::forget_municipalities`]: the admin's form, the demo data) and after
/// [`Cache::MUNICIPALITIES_FOR`] at the latest, so a change made by another process (a
/// second instance, a command) shows within that time.
#[derive(Debug, Default)]
pub struct Cache {
    /// Every municipality by name.
    pub municipalities: Mutex<Option<Cached<Vec<entities::municipality::Model>>>>,
}

/// Rows kept by [`Cache`] and when they were loaded.
#[derive(Debug)]
pub struct Cached<T> {
    pub at: Instant,
    pub rows: Arc<T>,
}

impl Cache {
    /// How long another process's change to a municipality may take to show.
    pub const MUNICIPALITIES_FOR: std::time::Duration = std::time::Duration::from_secs(30);

    /// Drops the list of municipalities (call after the change has committed: a page
    /// loading the list meanwhile would otherwise keep the old rows).
    pub fn forget_municipalities(&self) {
        *self
            .municipalities
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = None;
    }
}

impl App {
    /// Bundles the parts; the mailer comes from the `[mail]` settings.
    pub fn new(
        db: DatabaseConnection,
        settings: Settings,
        clock: SharedClock,
    ) -> Result<Self, MailError> {
        let mailer = Mailer::from_settings(&settings.mail, &settings.data)?;
        Ok(Self {
            db,
            settings: Arc::new(settings),
            clock,
            mailer,
            router: Arc::new(OnceLock::new()),
            cache: Arc::new(Cache::default()),
        })
    }
}
