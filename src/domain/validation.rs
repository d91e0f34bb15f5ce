//! Validation results: which field is wrong and why, as an interface text key, so every
//! layer can report them and the web layer can show them in the reader's language.

use std::collections::BTreeMap;

/// Field name → interface text key of its error (the first error per field).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(pub BTreeMap<String, String>);

impl FieldErrors {
    /// Records an error for `field` (the first one per field wins).
    pub fn add(&mut self, field: &str, key: &str) {
        self.0
            .entry(field.to_owned())
            .or_insert_with(|| key.to_owned());
    }

    /// Puts `key` in place of `field`'s error when that is `instead_of` (a more telling
    /// sentence for a general one).
    pub fn refine(&mut self, field: &str, instead_of: &str, key: &str) {
        if let Some(k) = self.0.get_mut(field)
            && k == instead_of
        {
            *k = key.to_owned();
        }
    }

    /// Adds the errors of `other` (where a field has none yet).
    pub fn merge(&mut self, other: FieldErrors) {
        for (field, key) in other.0 {
            self.add(&field, &key);
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The error key of `field`.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    /// Adds the errors of a `validator` check: each error's code becomes the key
    /// `validation.<code>`.
    pub fn add_validator(&mut self, errors: &validator::ValidationErrors) {
        for (field, list) in errors.field_errors() {
            if let Some(first) = list.first() {
                self.add(&field, &format!("validation.{}", first.code));
            }
        }
    }

    /// One field's error, as a result.
    pub fn single(field: &str, key: &str) -> Self {
        let mut errors = Self::default();
        errors.add(field, key);
        errors
    }
}
