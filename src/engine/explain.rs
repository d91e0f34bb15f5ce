//! Names in German and English for the engine's sentences (numbers, dates and money come
//! from [`crate::domain::format`]).

use crate::domain::Locale;
use crate::domain::household::AnchorKind;
use crate::domain::unit::LandlordPreference;

/// The name of an anchor kind, as the subject of "… 1,2 km entfernt".
pub fn anchor(locale: Locale, kind: AnchorKind) -> &'static str {
    match (locale, kind) {
        (Locale::De, AnchorKind::Work) => "Arbeitsplatz",
        (Locale::De, AnchorKind::School) => "Schule",
        (Locale::De, AnchorKind::Kindergarten) => "Kindergarten",
        (Locale::De, AnchorKind::Course) => "Sprachkurs",
        (Locale::De, AnchorKind::Doctor) => "Arztpraxis",
        (Locale::De, AnchorKind::Other) => "Wichtiger Ort",
        (Locale::En, AnchorKind::Work) => "Workplace",
        (Locale::En, AnchorKind::School) => "School",
        (Locale::En, AnchorKind::Kindergarten) => "Kindergarten",
        (Locale::En, AnchorKind::Course) => "Language course",
        (Locale::En, AnchorKind::Doctor) => "Doctor",
        (Locale::En, AnchorKind::Other) => "Important place",
    }
}

/// A landlord's wish in words.
pub fn preference(locale: Locale, p: LandlordPreference) -> &'static str {
    match (locale, p) {
        (Locale::De, LandlordPreference::Families) => "Familie mit Kindern",
        (Locale::De, LandlordPreference::Couples) => "Paar ohne Kinder",
        (Locale::De, LandlordPreference::Singles) => "Einzelperson",
        (Locale::De, LandlordPreference::Employed) => "berufstätig",
        (Locale::De, LandlordPreference::SpeaksGerman) => "spricht Deutsch",
        (Locale::De, LandlordPreference::SpeaksEnglish) => "spricht Englisch",
        (Locale::En, LandlordPreference::Families) => "family with children",
        (Locale::En, LandlordPreference::Couples) => "couple without children",
        (Locale::En, LandlordPreference::Singles) => "single person",
        (Locale::En, LandlordPreference::Employed) => "in work",
        (Locale::En, LandlordPreference::SpeaksGerman) => "speaks German",
        (Locale::En, LandlordPreference::SpeaksEnglish) => "speaks English",
    }
}
