//! A small reader of the pages Bleibe renders (well-formed, no scripts): the element ids,
//! and the form fields with whether each has an accessible name.

/// One start tag: its name and attributes.
#[derive(Debug, Clone)]
pub struct Tag {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    /// Byte offset in the page.
    pub at: usize,
}

impl Tag {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Every start tag of the page, in order (comments and end tags skipped).
pub fn tags(html: &str) -> Vec<Tag> {
    let bytes = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(rel) = html[i..].find('<') {
        let start = i + rel;
        if html[start..].starts_with("<!--") {
            i = html[start..]
                .find("-->")
                .map_or(html.len(), |e| start + e + 3);
            continue;
        }
        let mut j = start + 1;
        if j >= bytes.len() || !(bytes[j] as char).is_ascii_alphabetic() {
            i = start + 1;
            continue;
        }
        while j < bytes.len() && (bytes[j] as char).is_ascii_alphanumeric() {
            j += 1;
        }
        let name = html[start + 1..j].to_ascii_lowercase();
        let mut attrs = Vec::new();
        loop {
            while j < bytes.len() && (bytes[j] as char).is_ascii_whitespace() {
                j += 1;
            }
            if j >= bytes.len() || bytes[j] == b'>' || bytes[j] == b'/' {
                break;
            }
            let key_start = j;
            while j < bytes.len() && !matches!(bytes[j], b'=' | b'>' | b' ' | b'\n' | b'\t' | b'/')
            {
                j += 1;
            }
            let key = html[key_start..j].to_ascii_lowercase();
            let mut value = String::new();
            if j < bytes.len() && bytes[j] == b'=' {
                j += 1;
                let quote = bytes[j];
                if quote == b'"' || quote == b'\'' {
                    let end = html[j + 1..]
                        .find(quote as char)
                        .map_or(html.len(), |e| j + 1 + e);
                    value = html[j + 1..end].to_owned();
                    j = end + 1;
                } else {
                    let v_start = j;
                    while j < bytes.len() && !matches!(bytes[j], b'>' | b' ') {
                        j += 1;
                    }
                    value = html[v_start..j].to_owned();
                }
            }
            attrs.push((key, value));
        }
        out.push(Tag {
            name,
            attrs,
            at: start,
        });
        i = j.max(start + 1);
    }
    out
}

/// Every element id of the page, in order.
pub fn ids(html: &str) -> Vec<String> {
    tags(html)
        .into_iter()
        .filter_map(|t| t.attr("id").map(str::to_owned))
        .collect()
}

/// Ids that occur more than once.
pub fn duplicate_ids(html: &str) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    let mut twice = std::collections::BTreeSet::new();
    for id in ids(html) {
        if !seen.insert(id.clone()) {
            twice.insert(id);
        }
    }
    twice.into_iter().collect()
}

/// Form fields without an accessible name: no `<label for>`, no wrapping label, no
/// `aria-label`/`aria-labelledby`/`title`. Hidden inputs and buttons need none.
pub fn unlabelled_fields(html: &str) -> Vec<String> {
    let all = tags(html);
    let labelled: std::collections::BTreeSet<&str> = all
        .iter()
        .filter(|t| t.name == "label")
        .filter_map(|t| t.attr("for"))
        .collect();
    let mut out = Vec::new();
    for t in &all {
        let field = match t.name.as_str() {
            "input" => !matches!(
                t.attr("type").unwrap_or("text"),
                "hidden" | "submit" | "button" | "reset" | "image"
            ),
            "select" | "textarea" => true,
            _ => false,
        };
        if !field {
            continue;
        }
        let named = t.attr("aria-label").is_some_and(|v| !v.trim().is_empty())
            || t.attr("aria-labelledby").is_some()
            || t.attr("title").is_some_and(|v| !v.trim().is_empty())
            || t.attr("id").is_some_and(|id| labelled.contains(id))
            || inside_label(html, t.at);
        if !named {
            out.push(format!(
                "<{} name={:?} id={:?}>",
                t.name,
                t.attr("name").unwrap_or(""),
                t.attr("id").unwrap_or("")
            ));
        }
    }
    out
}

/// Whether the tag at `at` sits inside an open `<label>`.
fn inside_label(html: &str, at: usize) -> bool {
    let before = &html[..at];
    match (before.rfind("<label"), before.rfind("</label>")) {
        (Some(open), Some(close)) => open > close,
        (Some(_), None) => true,
        _ => false,
    }
}

#[test]
fn the_reader_finds_duplicates_and_unlabelled_fields() {
    let page = r#"<form><label for="a">A</label><input id="a" name="a">
        <input id="a" name="b"><input type="hidden" name="csrf" value="x">
        <label>C <input name="c"></label><select name="d"></select>
        <textarea aria-label="E" name="e"></textarea><!-- <input name="z"> --></form>"#;
    assert_eq!(duplicate_ids(page), ["a"]);
    assert_eq!(unlabelled_fields(page), ["<select name=\"d\" id=\"\">"]);
}

/// What a browser would send for the form whose `action` ends with `action`, left as the
/// page shows it: inputs with their values (checkboxes and radios when checked), selects
/// with their selected option, textareas with their text (entities decoded).
pub fn form_values(html: &str, action: &str) -> Vec<(String, String)> {
    let decode = |v: &str| {
        v.replace("&quot;", "\"")
            .replace("&#34;", "\"")
            .replace("&#39;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    };
    let all = tags(html);
    let Some(form) = all
        .iter()
        .find(|t| t.name == "form" && t.attr("action").is_some_and(|a| a.ends_with(action)))
    else {
        return Vec::new();
    };
    let end = html[form.at..]
        .find("</form>")
        .map_or(html.len(), |e| form.at + e);
    let inside: Vec<&Tag> = all
        .iter()
        .filter(|t| t.at > form.at && t.at < end)
        .collect();
    let mut out = Vec::new();
    for (k, t) in inside.iter().enumerate() {
        let Some(name) = t.attr("name") else { continue };
        match t.name.as_str() {
            "input" => {
                let kind = t.attr("type").unwrap_or("text");
                if matches!(kind, "submit" | "button" | "reset" | "image" | "file") {
                    continue;
                }
                if matches!(kind, "checkbox" | "radio") && t.attr("checked").is_none() {
                    continue;
                }
                out.push((
                    name.to_owned(),
                    decode(
                        t.attr("value")
                            .unwrap_or(if kind == "checkbox" { "on" } else { "" }),
                    ),
                ));
            }
            "select" => {
                let close = html[t.at..].find("</select>").map_or(end, |e| t.at + e);
                let options: Vec<&&Tag> = inside[k + 1..]
                    .iter()
                    .take_while(|o| o.at < close)
                    .filter(|o| o.name == "option")
                    .collect();
                let chosen = options
                    .iter()
                    .find(|o| o.attr("selected").is_some())
                    .or(options.first());
                if let Some(o) = chosen {
                    out.push((name.to_owned(), decode(o.attr("value").unwrap_or(""))));
                }
            }
            "textarea" => {
                let open_end = html[t.at..].find('>').map_or(end, |e| t.at + e + 1);
                let close = html[open_end..]
                    .find("</textarea>")
                    .map_or(open_end, |e| open_end + e);
                out.push((name.to_owned(), decode(&html[open_end..close])));
            }
            _ => {}
        }
    }
    out
}
