//! The application context every entry point shares: web, jobs and CLI hand it to the
//! services.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::clock::SharedClock;
use crate::config::Settings;

/// Database, settings and clock of one running Bleibe.
#[derive(Clone, Debug)]
pub struct App {
    pub db: DatabaseConnection,
    pub settings: Arc<Settings>,
    pub clock: SharedClock,
}

impl App {
    /// Bundles the parts.
    pub fn new(db: DatabaseConnection, settings: Settings, clock: SharedClock) -> Self {
        Self {
            db,
            settings: Arc::new(settings),
            clock,
        }
    }
}
