//! Forms as data: sections of fields with their values as typed, hints and errors, rendered
//! by one accessible template (`_field.html`): every input has a label, hints and errors
//! are tied to it with `aria-describedby`, wrong fields are marked `aria-invalid`, and an
//! error summary at the top links to each wrong field.

use crate::i18n::Texts;

pub use crate::domain::validation::FieldErrors;

/// What kind of input a field is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Email,
    Password,
    /// A number typed as text (German decimal commas are fine); `inputmode` decides the keypad.
    Number,
    Date,
    TextArea,
    Checkbox,
    Select,
    Radio,
    /// A group of checkboxes sharing one name (several values).
    Checkboxes,
    File,
    Hidden,
}

/// One choice of a select or radio group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// One input with everything its rendering needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub label: String,
    pub kind: Kind,
    pub value: String,
    pub checked: bool,
    pub error: Option<String>,
    pub hint: Option<String>,
    pub required: bool,
    pub choices: Vec<Choice>,
    pub autocomplete: &'static str,
    pub inputmode: &'static str,
    pub suffix: Option<String>,
    /// For file inputs: accepted types, multiple files.
    pub accept: &'static str,
    pub multiple: bool,
    /// Narrow inputs (numbers, postal codes) get a smaller width.
    pub narrow: bool,
    /// The form this field belongs to, where a page has several with the same field names
    /// (its element ids then stay unique).
    pub form: String,
    /// The cursor goes here when the page opens (the first field of a row just added).
    pub autofocus: bool,
}

impl Field {
    /// A text field `name` with its label from `labels.<name>` and, if present, its hint
    /// from `hints.<name>` (in the section `prefix`).
    pub fn new(t: Texts, prefix: &str, name: &str, kind: Kind) -> Self {
        let hint = t.optional(&format!("{prefix}.hints.{name}"));
        Self {
            name: name.to_owned(),
            label: t.get(&format!("{prefix}.labels.{name}")).to_owned(),
            kind,
            value: String::new(),
            checked: false,
            error: None,
            hint: hint.map(str::to_owned),
            required: false,
            choices: Vec::new(),
            autocomplete: "off",
            inputmode: "",
            suffix: None,
            accept: "",
            multiple: false,
            narrow: matches!(kind, Kind::Number | Kind::Date),
            form: String::new(),
            autofocus: false,
        }
    }

    /// A field whose label is given (not looked up), e.g. one of a numbered row.
    pub fn labelled(name: &str, label: String, kind: Kind) -> Self {
        Self {
            name: name.to_owned(),
            label,
            kind,
            value: String::new(),
            checked: false,
            error: None,
            hint: None,
            required: false,
            choices: Vec::new(),
            autocomplete: "off",
            inputmode: "",
            suffix: None,
            accept: "",
            multiple: false,
            narrow: matches!(kind, Kind::Number | Kind::Date),
            form: String::new(),
            autofocus: false,
        }
    }

    /// Sets the value.
    pub fn value(mut self, value: impl Into<String>) -> Self {
        self.value = value.into();
        self
    }

    /// Ticks a checkbox.
    pub fn checked(mut self, checked: bool) -> Self {
        self.checked = checked;
        self
    }

    /// Marks the field required.
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// Sets the browser's autocomplete hint.
    pub fn autocomplete(mut self, value: &'static str) -> Self {
        self.autocomplete = value;
        self
    }

    /// Sets the keypad on phones ("decimal", "numeric", ...).
    pub fn inputmode(mut self, value: &'static str) -> Self {
        self.inputmode = value;
        self
    }

    /// A unit shown after the input (€, m²).
    pub fn suffix(mut self, suffix: impl Into<String>) -> Self {
        self.suffix = Some(suffix.into());
        self
    }

    /// The choices of a select or radio group; the one equal to the value is selected.
    pub fn choices(mut self, choices: Vec<(String, String)>) -> Self {
        let value = self.value.clone();
        self.choices = choices
            .into_iter()
            .map(|(v, label)| Choice {
                selected: v == value,
                value: v,
                label,
            })
            .collect();
        self
    }

    /// A file input accepting `accept`.
    pub fn files(mut self, accept: &'static str, multiple: bool) -> Self {
        self.accept = accept;
        self.multiple = multiple;
        self
    }

    /// Makes the input full width.
    pub fn wide(mut self) -> Self {
        self.narrow = false;
        self
    }

    /// Makes the input narrow.
    pub fn narrow(mut self) -> Self {
        self.narrow = true;
        self
    }

    /// Places the field in form `form` (for unique element ids on a page with several).
    pub fn in_form(mut self, form: &str) -> Self {
        self.form = form.to_owned();
        self
    }

    /// Attaches the field's error, if any.
    pub fn error_from(mut self, t: Texts, errors: &FieldErrors) -> Self {
        self.error = errors.get(&self.name).map(|key| t.get(key).to_owned());
        self
    }

    /// The `type` of an `<input>` element for this kind.
    pub fn input_type(&self) -> &'static str {
        match self.kind {
            Kind::Email => "email",
            Kind::Password => "password",
            Kind::Date => "date",
            Kind::File => "file",
            Kind::Hidden => "hidden",
            Kind::Checkbox | Kind::Checkboxes => "checkbox",
            Kind::Radio => "radio",
            Kind::Text | Kind::Number | Kind::TextArea | Kind::Select => "text",
        }
    }

    /// Whether the field is a checkbox.
    pub fn is_checkbox(&self) -> bool {
        self.kind == Kind::Checkbox
    }

    /// Whether the field is a radio group.
    pub fn is_radio(&self) -> bool {
        self.kind == Kind::Radio
    }

    /// Whether the field is a group of checkboxes.
    pub fn is_checkboxes(&self) -> bool {
        self.kind == Kind::Checkboxes
    }

    /// The choices of a checkbox group; those among `selected` are ticked.
    pub fn options(mut self, choices: Vec<(String, String)>, selected: &[&str]) -> Self {
        self.choices = choices
            .into_iter()
            .map(|(v, label)| Choice {
                selected: selected.contains(&v.as_str()),
                value: v,
                label,
            })
            .collect();
        self
    }

    /// Whether the field is a select box.
    pub fn is_select(&self) -> bool {
        self.kind == Kind::Select
    }

    /// Whether the field is a multi-line text.
    pub fn is_textarea(&self) -> bool {
        self.kind == Kind::TextArea
    }

    /// Whether the field is hidden.
    pub fn is_hidden(&self) -> bool {
        self.kind == Kind::Hidden
    }

    /// The id of the input element.
    pub fn id(&self) -> String {
        let name = self.name.replace(['[', ']', '.'], "-");
        if self.form.is_empty() {
            format!("f-{name}")
        } else {
            format!("f-{}-{name}", self.form)
        }
    }

    /// The ids the input is described by (hint, error).
    pub fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if self.hint.is_some() {
            ids.push(format!("{}-hint", self.id()));
        }
        if self.error.is_some() {
            ids.push(format!("{}-error", self.id()));
        }
        ids.join(" ")
    }

    /// The id of a choice's input in a radio group.
    pub fn choice_id(&self, choice: &Choice) -> String {
        format!("{}-{}", self.id(), choice.value)
    }
}

/// A group of fields under a heading.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub id: String,
    pub title: String,
    pub intro: Option<String>,
    pub fields: Vec<Field>,
}

/// One line of the error summary: the message and the field it links to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryItem {
    pub target: String,
    pub message: String,
}

/// The error summary of a form built from its sections.
pub fn summary(sections: &[Section]) -> Vec<SummaryItem> {
    sections
        .iter()
        .flat_map(|s| s.fields.iter())
        .filter_map(|f| {
            f.error.as_ref().map(|e| SummaryItem {
                target: f.id(),
                message: format!("{}: {e}", f.label),
            })
        })
        .collect()
}
