//! Use cases: one function per thing a person or a job does. Each checks permission and
//! scope, runs in one transaction, and calls `store`, `engine`, the outbox and the audit
//! log. Pages, the API, jobs and the CLI all come through here.

pub mod auth;
pub mod demo;
