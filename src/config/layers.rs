//! The layers of the settings merged: TOML files over the compiled-in defaults, then
//! environment variables read as the type of the default they replace, each value's origin
//! kept for messages.

use super::*;

pub(super) fn parse_toml(text: &str, origin: &str) -> Result<toml::Table, ConfigError> {
    text.parse::<toml::Table>().map_err(|e| {
        let detail = e.message().replace('\n', " ");
        ConfigError::general(format!("{origin} is not valid TOML: {detail}"))
    })
}

pub(super) fn record_origins(
    table: &toml::Table,
    prefix: &str,
    origin: &str,
    out: &mut BTreeMap<String, String>,
) {
    for (key, value) in table {
        let path = join(prefix, key);
        match value {
            toml::Value::Table(inner) => record_origins(inner, &path, origin, out),
            _ => {
                out.insert(path, origin.to_owned());
            }
        }
    }
}

pub(super) fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_owned()
    } else {
        format!("{prefix}.{key}")
    }
}

/// Merges one file's table into the settings, refusing keys the defaults do not know.
pub(super) fn merge(
    target: &mut toml::Table,
    defaults: &toml::Table,
    layer: toml::Table,
    prefix: &str,
    origin: &str,
    origins: &mut BTreeMap<String, String>,
) -> Result<(), ConfigError> {
    for (key, value) in layer {
        let path = join(prefix, &key);
        let Some(default) = defaults.get(&key) else {
            return Err(ConfigError::new(
                &path,
                Some(origin),
                "is not a setting Bleibe knows (check the spelling; `bleibe check-config` lists them all)",
            ));
        };
        match (default, value) {
            (toml::Value::Table(default_inner), toml::Value::Table(layer_inner)) => {
                let Some(toml::Value::Table(target_inner)) = target.get_mut(&key) else {
                    return Err(ConfigError::new(&path, Some(origin), "must be a section"));
                };
                merge(
                    target_inner,
                    default_inner,
                    layer_inner,
                    &path,
                    origin,
                    origins,
                )?;
            }
            (toml::Value::Table(_), _) => {
                return Err(ConfigError::new(
                    &path,
                    Some(origin),
                    "is a section ([...]) and cannot be set to a single value",
                ));
            }
            (_, value) => {
                target.insert(key, value);
                origins.insert(path, origin.to_owned());
            }
        }
    }
    Ok(())
}

/// Applies `BLEIBE_SECTION__KEY=value`, reading the value as the type of the default.
pub(super) fn apply_env(
    merged: &mut toml::Table,
    defaults: &toml::Table,
    name: &str,
    raw: &str,
    origins: &mut BTreeMap<String, String>,
) -> Result<(), ConfigError> {
    let origin = format!("environment variable {name}");
    let parts: Vec<String> = name[ENV_PREFIX.len()..]
        .split("__")
        .map(str::to_lowercase)
        .collect();
    let path = parts.join(".");
    if parts.iter().any(String::is_empty) {
        return Err(ConfigError::new(
            &path,
            Some(&origin),
            "has an empty part in its name",
        ));
    }

    let mut default_table = defaults;
    let mut target = merged;
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        let Some(default) = default_table.get(part) else {
            return Err(ConfigError::new(
                &path,
                Some(&origin),
                "is not a setting Bleibe knows (check the spelling; `bleibe check-config` lists them all)",
            ));
        };
        match (default, last) {
            (toml::Value::Table(inner), false) => {
                default_table = inner;
                let Some(toml::Value::Table(next)) = target.get_mut(part) else {
                    return Err(ConfigError::new(&path, Some(&origin), "must be a section"));
                };
                target = next;
            }
            (toml::Value::Table(_), true) => {
                return Err(ConfigError::new(
                    &path,
                    Some(&origin),
                    "is a section; set one of its keys instead, e.g. BLEIBE_MAIL__SMTP__HOST",
                ));
            }
            (_, false) => {
                return Err(ConfigError::new(
                    &path,
                    Some(&origin),
                    "is not a setting Bleibe knows (check the spelling; `bleibe check-config` lists them all)",
                ));
            }
            (default, true) => {
                let value =
                    coerce(default, raw).map_err(|m| ConfigError::new(&path, Some(&origin), m))?;
                target.insert(part.clone(), value);
                origins.insert(path.clone(), origin.clone());
            }
        }
    }
    Ok(())
}

pub(super) fn coerce(default: &toml::Value, raw: &str) -> Result<toml::Value, String> {
    let trimmed = raw.trim();
    match default {
        toml::Value::String(_) => Ok(toml::Value::String(raw.to_owned())),
        toml::Value::Integer(_) => trimmed
            .parse::<i64>()
            .map(toml::Value::Integer)
            .map_err(|_| format!("must be a whole number, not \"{raw}\"")),
        toml::Value::Float(_) => trimmed
            .parse::<f64>()
            .map(toml::Value::Float)
            .map_err(|_| format!("must be a number, not \"{raw}\"")),
        toml::Value::Boolean(_) => match trimmed.to_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Ok(toml::Value::Boolean(true)),
            "false" | "0" | "no" | "off" => Ok(toml::Value::Boolean(false)),
            _ => Err(format!("must be true or false, not \"{raw}\"")),
        },
        _ => Err("cannot be set from an environment variable".to_owned()),
    }
}

pub(super) fn deserialize(
    merged: &toml::Table,
    origins: &BTreeMap<String, String>,
) -> Result<Settings, ConfigError> {
    serde_path_to_error::deserialize(merged.clone()).map_err(|err| {
        let key = err.path().to_string();
        let origin = origins.get(&key).map(String::as_str);
        ConfigError::new(&key, origin, humanize(&err.inner().to_string()))
    })
}

/// Turns serde's wording ("invalid value: integer `70000`, expected u16") into plain words.
pub(super) fn humanize(message: &str) -> String {
    let message = message.lines().next().unwrap_or(message).trim();
    let expectation = [
        ("expected u16", "must be a whole number from 0 to 65535"),
        (
            "expected u32",
            "must be a whole number from 0 to 4294967295",
        ),
        ("expected u64", "must be a whole number, 0 or more"),
        ("expected usize", "must be a whole number, 0 or more"),
        ("expected a boolean", "must be true or false"),
        ("expected a string", "must be a text in quotes"),
    ];
    for (needle, plain) in expectation {
        if message.contains(needle) {
            return format!("{plain} ({message})");
        }
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        return format!("has an unknown value: {rest}");
    }
    message.to_owned()
}
