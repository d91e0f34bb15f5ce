//! Plain types and rules with no I/O: money, languages, time, household sizes, rent caps,
//! area norms, roles, statuses, matching criteria and the proposal pipeline. Everything
//! else builds on these; this module imports nothing of the application.

pub mod criteria;
pub mod document;
pub mod draft;
pub mod format;
pub mod geo;
pub mod household;
pub mod incentive;
pub mod input;
pub mod json_form;
pub mod locale;
pub mod money;
pub mod norms;
pub mod outreach;
pub mod personal_data;
pub mod pipeline;
pub mod roles;
pub mod second_factor;
pub mod time;
pub mod unit;
pub mod validation;
pub mod webhooks;

pub use locale::{Language, Locale, Plural};
pub use money::Cents;

/// Declares a string-backed enum: `as_str`, `FromStr`, `ALL`, and serde as the same strings.
/// Status and kind columns in the database hold exactly these strings.
macro_rules! string_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// Every value's stored name, in declaration order.
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            /// The stored and serialised name.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    other => Err(format!(
                        "unknown {} \"{}\" (expected one of: {})",
                        stringify!($name),
                        other,
                        [$($text),+].join(", ")
                    )),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use string_enum;
