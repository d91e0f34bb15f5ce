//! Integration tests: the real application on a random port against a fresh database.
//! Every database test runs on SQLite and, where `BLEIBE_TEST_POSTGRES_URL` is set, on
//! PostgreSQL too (see `helpers`).

mod helpers;

mod account_settings;
mod accounts;
mod answers;
mod api;
mod api_writes;
mod atomic;
mod browser;
mod browser_account;
mod browser_api;
mod browser_forms;
mod browser_outreach;
mod cli;
mod coordinators;
mod demo;
mod documents;
mod erasure;
mod faults;
mod harness;
mod health;
mod html;
mod lab;
mod landlord_proposals;
mod languages;
mod lists;
mod mail_jobs;
mod matching;
mod migrations;
mod outreach;
mod pages;
mod pipeline;
mod pipeline_walk;
mod privacy;
mod queries;
mod scope;
mod security;
mod units;
mod webhooks;
mod wording;
mod workspace;
