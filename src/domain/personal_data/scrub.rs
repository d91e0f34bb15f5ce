//! Personal data in texts written elsewhere: what identifies a person ([`Identifiers`])
//! and the [`Scrubber`] that replaces their names, addresses, reference and contacts with
//! [`SCRUBBED`] in texts that also hold other things (notes, audit entries, e-mails).

fn lower(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

/// What identifies a person in texts written elsewhere: `strong` identifiers (reference,
/// contacts, full names, addresses) find the e-mails about them; `weak` ones (single names)
/// are scrubbed from texts that mention them too.
#[derive(Debug, Clone, Default)]
pub struct Identifiers {
    pub strong: Vec<String>,
    pub weak: Vec<String>,
}

impl Identifiers {
    /// A household's: reference, e-mail, phone, each member's full name; first and last
    /// names alone as weak ones.
    pub fn of_household(p: &crate::domain::household::HouseholdProfile) -> Self {
        let mut strong = vec![p.reference.clone()];
        strong.extend(p.email.iter().cloned());
        strong.extend(p.phone.iter().cloned());
        let mut weak = Vec::new();
        for m in &p.members {
            weak.push(m.first_name.clone());
            if let Some(last) = &m.last_name {
                strong.push(format!("{} {last}", m.first_name));
                weak.push(last.clone());
            }
        }
        Identifiers { strong, weak }
    }

    /// Adds strong identifiers (empty ones are left out later).
    pub fn add(&mut self, more: impl IntoIterator<Item = String>) {
        self.strong.extend(more);
    }

    /// Scrubs every identifier.
    pub fn scrubber(&self) -> Scrubber {
        Scrubber::new(self.strong.iter().chain(&self.weak))
    }

    /// The strong identifiers as search needles (lower case, at least three characters).
    pub fn strong_needles(&self) -> Vec<String> {
        Scrubber::new(&self.strong).needles()
    }
}

/// What replaces a person's names and addresses in texts that mention them.
pub const SCRUBBED: &str = "[gelöscht]";

/// Removes a person's names, addresses, reference and contacts from texts that also hold
/// other things. Matches whole words (so "Ali" leaves "Alina" alone), ignoring case.
#[derive(Debug, Clone, Default)]
pub struct Scrubber {
    needles: Vec<Vec<char>>,
}

impl Scrubber {
    /// Needles shorter than three characters (after trimming) are left out: they would
    /// match too much.
    pub fn new<I, S>(needles: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut list: Vec<Vec<char>> = needles
            .into_iter()
            .map(|n| n.as_ref().trim().chars().map(lower).collect::<Vec<_>>())
            .filter(|n| n.len() >= 3)
            .collect();
        // Longer needles first, so "Anna Weber" goes as a whole before "Anna".
        list.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        list.dedup();
        Scrubber { needles: list }
    }

    /// The needles, as given (lower case), for a database search.
    pub fn needles(&self) -> Vec<String> {
        self.needles.iter().map(|n| n.iter().collect()).collect()
    }

    pub fn is_empty(&self) -> bool {
        self.needles.is_empty()
    }

    /// Whether the text mentions the person.
    pub fn mentions(&self, text: &str) -> bool {
        self.scrub(text) != text
    }

    /// The text with every mention replaced by [`SCRUBBED`].
    pub fn scrub(&self, text: &str) -> String {
        if self.needles.is_empty() {
            return text.to_owned();
        }
        let chars: Vec<char> = text.chars().collect();
        let lower: Vec<char> = chars.iter().map(|c| lower(*c)).collect();
        let mut out = String::with_capacity(text.len());
        let mut i = 0;
        while i < chars.len() {
            let at_word_start = i == 0 || !chars[i - 1].is_alphanumeric();
            let hit = at_word_start
                .then(|| {
                    self.needles.iter().find(|n| {
                        lower[i..].starts_with(n)
                            && chars.get(i + n.len()).is_none_or(|c| !c.is_alphanumeric())
                    })
                })
                .flatten();
            match hit {
                Some(n) => {
                    out.push_str(SCRUBBED);
                    i += n.len();
                }
                None => {
                    out.push(chars[i]);
                    i += 1;
                }
            }
        }
        out
    }

    /// Scrubs every string inside a JSON value (keys stay).
    pub fn scrub_json(&self, value: &mut serde_json::Value) -> bool {
        match value {
            serde_json::Value::String(s) => {
                let clean = self.scrub(s);
                let changed = clean != *s;
                *s = clean;
                changed
            }
            // Every item is scrubbed (no short cut once one changed).
            serde_json::Value::Array(items) => {
                let mut changed = false;
                for v in items.iter_mut() {
                    changed |= self.scrub_json(v);
                }
                changed
            }
            serde_json::Value::Object(map) => {
                let mut changed = false;
                for v in map.values_mut() {
                    changed |= self.scrub_json(v);
                }
                changed
            }
            _ => false,
        }
    }
}
