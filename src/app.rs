//! The application context every entry point shares: web, jobs and CLI hand it to the
//! services.

use std::sync::{Arc, OnceLock};

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
        })
    }
}
