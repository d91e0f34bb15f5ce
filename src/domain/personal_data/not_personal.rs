//! The text columns that hold no personal data.

/// Text columns that hold no personal data, and why (`*`: every column of a table that
/// holds none). Dates and times (`…_at`, `…_on`, stored as text by SQLite) count as the
/// records they belong to.
pub const NOT_PERSONAL: &[(&str, &str, &str)] = &[
    (
        "action_tokens",
        "*",
        "hashes of random answer links, their purpose (the new address of an e-mail change is mapped above)",
    ),
    ("api_tokens", "token_hash", "hash of a random token"),
    ("api_tokens", "prefix", "first characters of a random token"),
    ("audit_log", "action", "name of an action"),
    ("audit_log", "entity", "name of a table"),
    ("imports", "kind", "households or flats"),
    ("imports", "file_name", "the name of the uploaded file"),
    ("imports", "status", "state of the import"),
    (
        "incentive_programmes",
        "*",
        "programmes of the municipality",
    ),
    (
        "document_templates",
        "*",
        "the municipality's letterhead, clauses and logo",
    ),
    ("documents", "kind", "kind of a document"),
    ("documents", "lang", "language of a document"),
    ("documents", "sha256", "checksum of a document"),
    (
        "campaigns",
        "*",
        "a municipality's campaign names and codes",
    ),
    ("job_locks", "*", "names of jobs and server instances"),
    (
        "webhook_endpoints",
        "*",
        "a municipality's receiving systems: address, signing secret, event types",
    ),
    (
        "webhook_deliveries",
        "*",
        "events sent to those systems: event type, ids and states, attempts and technical errors",
    ),
    (
        "idempotency_keys",
        "method",
        "the HTTP method of an API request",
    ),
    (
        "idempotency_keys",
        "body_hash",
        "the SHA-256 of an API request's body (the body itself is not kept)",
    ),
    (
        "idempotency_keys",
        "resource",
        "the API path of the record a request wrote (an id)",
    ),
    (
        "job_runs",
        "*",
        "names of jobs, counts and technical errors",
    ),
    (
        "match_runs",
        "*",
        "counts, times, technical errors and the fairness report (group figures only)",
    ),
    (
        "lab_runs",
        "*",
        "policy-lab settings, progress and figures (no household named)",
    ),
    (
        "municipalities",
        "*",
        "the municipality and its office contact",
    ),
    (
        "page_visits",
        "day",
        "the day a count of page visits is for",
    ),
    (
        "municipality_pages",
        "text_de",
        "a municipality's short text for its public page",
    ),
    (
        "municipality_pages",
        "text_en",
        "a municipality's short text for its public page",
    ),
    (
        "municipality_pages",
        "photo_type",
        "the type of the page's photo",
    ),
    (
        "municipality_pages",
        "photo_alt",
        "what the page's photo shows",
    ),
    ("outbox", "idempotency_key", "key of an e-mail"),
    ("outbox", "kind", "kind of an e-mail"),
    ("outbox", "locale", "language of an e-mail"),
    ("outbox", "status", "delivery state"),
    ("outbox", "locked_by", "name of a server instance"),
    ("proposal_events", "actor_kind", "who acted, as a kind"),
    ("proposals", "state", "state of a proposal"),
    ("proposals", "origin", "engine or by hand"),
    ("review_flags", "kind", "kind of flag"),
    ("review_flags", "entity", "name of a table"),
    ("role_policies", "*", "settings per role"),
    (
        "rule_sets",
        "*",
        "rules of the municipality and notes on them",
    ),
    ("seaql_migrations", "*", "schema versions"),
    ("sessions", "id", "hash of a random cookie"),
    ("sessions", "csrf_token", "random token"),
    ("unit_drafts", "form_key", "random token"),
    ("unit_incentives", "status", "state of a request"),
    ("unit_photos", "content_type", "kind of image"),
    ("units", "lease_type", "open-ended or fixed term"),
    ("viewings", "status", "state of a viewing"),
    ("viewings", "proposed_by", "which side proposed it"),
];
