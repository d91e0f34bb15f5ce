//! Bleibe: a housing-matching service for German municipalities.
//!
//! Layers, arrows pointing down only:
//! `web` / `cli` → `services` → `store` / `mail` / `engine` → `domain`.
//! The matching `engine` is pure: it imports nothing but `domain`.

pub mod app;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod documents;
pub mod domain;
pub mod engine;
pub mod geodata;
pub mod i18n;
pub mod jobs;
pub mod mail;
pub mod metrics;
pub mod server;
pub mod services;
pub mod sim;
pub mod store;
pub mod telemetry;
pub mod util;
pub mod web;
