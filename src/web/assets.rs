//! Static files, compiled into the binary so a deployment is one file.

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::error::PageError;

/// Every static file: path under `/static/`, content type, bytes.
const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "bleibe.css",
        "text/css; charset=utf-8",
        include_bytes!("static/bleibe.css"),
    ),
    (
        "map.js",
        "text/javascript; charset=utf-8",
        include_bytes!("static/map.js"),
    ),
    (
        "review.js",
        "text/javascript; charset=utf-8",
        include_bytes!("static/review.js"),
    ),
    (
        "places.js",
        "text/javascript; charset=utf-8",
        include_bytes!("static/places.js"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        include_bytes!("static/favicon.svg"),
    ),
    (
        "favicon.ico",
        "image/x-icon",
        include_bytes!("static/favicon.ico"),
    ),
    (
        "repeat.js",
        "text/javascript; charset=utf-8",
        include_bytes!("static/repeat.js"),
    ),
    (
        "unit-form.js",
        "text/javascript; charset=utf-8",
        include_bytes!("static/unit-form.js"),
    ),
    (
        "geo/DE-BW.geojson",
        "application/geo+json",
        crate::geodata::BW_OUTLINE.as_bytes(),
    ),
    (
        "leaflet/leaflet.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/vendor/leaflet/leaflet.js"),
    ),
    (
        "leaflet/leaflet.css",
        "text/css; charset=utf-8",
        include_bytes!("../../assets/vendor/leaflet/leaflet.css"),
    ),
    (
        "leaflet/images/marker-icon.png",
        "image/png",
        include_bytes!("../../assets/vendor/leaflet/images/marker-icon.png"),
    ),
    (
        "leaflet/images/marker-icon-2x.png",
        "image/png",
        include_bytes!("../../assets/vendor/leaflet/images/marker-icon-2x.png"),
    ),
    (
        "leaflet/images/marker-shadow.png",
        "image/png",
        include_bytes!("../../assets/vendor/leaflet/images/marker-shadow.png"),
    ),
    (
        "leaflet/images/layers.png",
        "image/png",
        include_bytes!("../../assets/vendor/leaflet/images/layers.png"),
    ),
    (
        "leaflet/images/layers-2x.png",
        "image/png",
        include_bytes!("../../assets/vendor/leaflet/images/layers-2x.png"),
    ),
];

/// `GET /static/{path}`.
pub async fn serve_asset(Path(path): Path<String>) -> Result<Response, PageError> {
    let places = (
        "geo/places.geojson",
        "application/geo+json",
        crate::geodata::places_geojson().as_bytes(),
    );
    let (_, content_type, bytes) = ASSETS
        .iter()
        .chain(std::iter::once(&places))
        .find(|(name, _, _)| *name == path)
        .ok_or(PageError::NotFound)?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    Ok(response)
}
