//! The language switcher: remembers the choice in a cookie and returns to the page.

use axum::extract::{Path, Query};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::domain::Locale;
use crate::web::error::PageError;
use crate::web::extract::LANG_COOKIE;

#[derive(Debug, Deserialize)]
pub struct SwitchQuery {
    next: Option<String>,
}

/// The `Set-Cookie` value that remembers `locale` for a year.
pub fn cookie_value(locale: Locale) -> String {
    format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly",
        locale.code()
    )
}

/// `GET /lang/{code}?next=/path`.
pub async fn switch_language(
    Path(code): Path<String>,
    Query(query): Query<SwitchQuery>,
) -> Result<Response, PageError> {
    let locale: Locale = code.parse().map_err(|_| PageError::NotFound)?;
    let next = safe_next(query.next.as_deref());
    let mut response = Redirect::to(&next).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie_value(locale)) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// Only a path on this site is followed, so the switcher and the login cannot send people
/// elsewhere: it starts with one `/`, has no backslash, no control character and no white
/// space anywhere (browsers drop tabs and line breaks and would read `/\t/host` as
/// `//host`), and other characters beyond ASCII are percent-encoded so the `Location`
/// header can always be written. Anything else leads to the start page.
pub fn safe_next(next: Option<&str>) -> String {
    let Some(path) = next else {
        return "/".to_owned();
    };
    let local = path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(|c| c.is_control() || c.is_whitespace());
    if !local {
        return "/".to_owned();
    }
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next(Some("/units?x=1")), "/units?x=1");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn open_redirect_through_white_space_or_control_characters_is_refused() {
        for next in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/ /evil.example",
            "/%0a\n",
            "/\r\n/x",
            "/\u{0}/x",
            "\t//evil.example",
        ] {
            assert_eq!(safe_next(Some(next)), "/", "{next:?}");
        }
        assert_eq!(
            safe_next(Some("/households?q=Müller")),
            "/households?q=M%C3%BCller"
        );
    }
}
