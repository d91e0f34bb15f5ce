//! Tests of the settings: defaults, layers, environment values and their checks.

use super::*;

fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn no_dir() -> PathBuf {
    PathBuf::from("/nonexistent-bleibe-config")
}

#[test]
fn defaults_alone_give_the_embedded_setup() {
    let loaded = load_from(&[], &no_dir()).expect("defaults are valid");
    let s = loaded.settings;
    assert_eq!(s.server.host, "127.0.0.1");
    assert_eq!(s.server.port, 8080);
    assert_eq!(
        s.database.url.expose_secret(),
        "sqlite://data/bleibe.db?mode=rwc"
    );
    assert_eq!(s.mail.transport, MailTransportKind::File);
    assert_eq!(s.mail.file_dir(&s.data), PathBuf::from("data/mail"));
    assert_eq!(loaded.environment, Environment::Development);
}

#[test]
fn environment_variables_override_with_the_type_of_the_default() {
    let loaded = load_from(
        &vars(&[
            ("BLEIBE_SERVER__PORT", "9000"),
            ("BLEIBE_DATABASE__URL", "postgres://u:pw@db/bleibe"),
            ("BLEIBE_DATABASE__AUTO_MIGRATE", "false"),
            ("BLEIBE_MAIL__SMTP__HOST", "smtp.example.org"),
            ("BLEIBE_DATA__DIR", "/tmp/x"),
        ]),
        &no_dir(),
    )
    .expect("valid");
    assert_eq!(loaded.settings.server.port, 9000);
    assert_eq!(
        loaded.settings.database.url.expose_secret(),
        "postgres://u:pw@db/bleibe"
    );
    assert!(!loaded.settings.database.auto_migrate);
    assert_eq!(loaded.settings.mail.smtp.host, "smtp.example.org");
    assert_eq!(
        loaded.origins["server.port"],
        "environment variable BLEIBE_SERVER__PORT"
    );
}

#[test]
fn variables_without_a_double_underscore_are_not_settings() {
    let loaded = load_from(
        &vars(&[
            ("BLEIBE_TEST_POSTGRES_URL", "postgres://x"),
            ("BLEIBE_ENV", "test"),
        ]),
        &no_dir(),
    );
    assert!(loaded.is_ok());
}

#[test]
fn a_wrong_number_names_the_key_and_the_variable() {
    let err = load_from(&vars(&[("BLEIBE_SERVER__PORT", "eighty")]), &no_dir()).unwrap_err();
    assert_eq!(err.key.as_deref(), Some("server.port"));
    let line = err.to_string();
    assert!(
        line.contains("server.port") && line.contains("BLEIBE_SERVER__PORT"),
        "{line}"
    );
    assert!(!line.contains('\n'));
}

#[test]
fn an_out_of_range_port_is_refused_in_plain_words() {
    let err = load_from(&vars(&[("BLEIBE_SERVER__PORT", "70000")]), &no_dir()).unwrap_err();
    assert_eq!(err.key.as_deref(), Some("server.port"));
    assert!(err.message.contains("0 to 65535"), "{}", err.message);
}

#[test]
fn an_unknown_variable_is_a_typo() {
    let err = load_from(&vars(&[("BLEIBE_SERVER__PROT", "1")]), &no_dir()).unwrap_err();
    assert_eq!(err.key.as_deref(), Some("server.prot"));
}

#[test]
fn a_bad_database_url_is_refused() {
    let err = load_from(&vars(&[("BLEIBE_DATABASE__URL", "mysql://x")]), &no_dir()).unwrap_err();
    assert_eq!(err.key.as_deref(), Some("database.url"));
}

#[test]
fn smtp_needs_a_host() {
    let err = load_from(&vars(&[("BLEIBE_MAIL__TRANSPORT", "smtp")]), &no_dir()).unwrap_err();
    assert_eq!(err.key.as_deref(), Some("mail.smtp.host"));
}

#[test]
fn an_unknown_transport_names_the_key() {
    let err = load_from(&vars(&[("BLEIBE_MAIL__TRANSPORT", "pigeon")]), &no_dir()).unwrap_err();
    assert_eq!(err.key.as_deref(), Some("mail.transport"));
}

#[test]
fn an_unknown_environment_is_refused() {
    let err = load_from(&vars(&[("BLEIBE_ENV", "staging")]), &no_dir()).unwrap_err();
    assert!(err.to_string().contains("BLEIBE_ENV"));
}

#[test]
fn files_override_defaults_and_typos_in_files_are_caught() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("test.toml"), "[server]\nport = 1234\n").expect("write");
    let loaded = load_from(&vars(&[("BLEIBE_ENV", "test")]), dir.path()).expect("valid");
    assert_eq!(loaded.settings.server.port, 1234);

    std::fs::write(dir.path().join("test.toml"), "[server]\nprot = 1234\n").expect("write");
    let err = load_from(&vars(&[("BLEIBE_ENV", "test")]), dir.path()).unwrap_err();
    assert_eq!(err.key.as_deref(), Some("server.prot"));
}

#[test]
fn secrets_are_masked_when_rendered() {
    let loaded = load_from(
        &vars(&[
            (
                "BLEIBE_DATABASE__URL",
                "postgres://bleibe:hunter2@db/bleibe",
            ),
            ("BLEIBE_MAIL__SMTP__PASSWORD", "s3cret"),
        ]),
        &no_dir(),
    )
    .expect("valid");
    let text = loaded.render();
    assert!(
        !text.contains("hunter2") && !text.contains("s3cret"),
        "{text}"
    );
    assert!(text.contains("postgres://bleibe:****@db/bleibe"));
}

#[test]
fn the_shipped_files_are_valid() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("config");
    for env in ["development", "test"] {
        load_from(&vars(&[("BLEIBE_ENV", env)]), &dir).expect("shipped config is valid");
    }
    let example = std::fs::read_to_string(dir.join("production.example.toml")).expect("read");
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::write(tmp.path().join("production.toml"), example).expect("write");
    load_from(&vars(&[("BLEIBE_ENV", "production")]), tmp.path())
        .expect("production example is valid");
}
