//! Pages of a long list on the web pages: which rows this page shows, and links to the
//! page before and after that keep the list's filters.

use crate::i18n::{Texts, fill};

/// Rows per page of the coordinator's lists.
pub const PER_PAGE: u64 = 50;

/// Where a list page stands, ready for `_pager.html`.
#[derive(Debug, Clone)]
pub struct Pager {
    /// "51 bis 100 von 450" (empty when nothing was found).
    pub showing: String,
    /// "Seite 2 von 9" (empty when everything fits on one page).
    pub position: String,
    pub previous: Option<String>,
    pub next: Option<String>,
}

/// The page asked for in the address, from 1; anything else is the first page.
pub fn page_number(asked: &str) -> u64 {
    asked
        .trim()
        .parse::<u64>()
        .ok()
        .filter(|p| *p >= 1)
        .unwrap_or(1)
}

/// The rows to skip for `page`.
pub fn offset(page: u64) -> u64 {
    page.saturating_sub(1).saturating_mul(PER_PAGE)
}

impl Pager {
    /// `path` is the list's address, `params` the filters to keep (empty ones are left
    /// out of the links), `shown` the rows on this page.
    pub fn new(
        t: Texts,
        path: &str,
        params: &[(&str, &str)],
        page: u64,
        shown: usize,
        total: u64,
    ) -> Self {
        let pages = total.div_ceil(PER_PAGE).max(1);
        let link = |p: u64| {
            let mut pairs: Vec<(&str, String)> = params
                .iter()
                .filter(|(_, v)| !v.trim().is_empty())
                .map(|(k, v)| (*k, (*v).to_owned()))
                .collect();
            if p > 1 {
                pairs.push(("page", p.to_string()));
            }
            match serde_urlencoded::to_string(&pairs) {
                Ok(q) if !q.is_empty() => format!("{path}?{q}"),
                _ => path.to_owned(),
            }
        };
        let from = offset(page) + 1;
        let to = offset(page) + shown as u64;
        let showing = if shown == 0 {
            String::new()
        } else {
            fill(
                t.get("pager.showing"),
                &[
                    ("from", &from.to_string()),
                    ("to", &to.to_string()),
                    ("total", &total.to_string()),
                ],
            )
        };
        let position = if pages > 1 {
            fill(
                t.get("pager.page"),
                &[
                    ("n", &page.min(pages).to_string()),
                    ("pages", &pages.to_string()),
                ],
            )
        } else {
            String::new()
        };
        Self {
            showing,
            position,
            previous: (page > 1).then(|| link((page - 1).min(pages))),
            next: (page < pages).then(|| link(page + 1)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Locale;

    #[test]
    fn links_keep_the_filters_and_stop_at_the_ends() {
        let t = Texts::new(Locale::De);
        let p = Pager::new(
            t,
            "/m/3/households",
            &[("q", "Ali B"), ("size", "")],
            1,
            50,
            120,
        );
        assert_eq!(p.showing, "1 bis 50 von 120");
        assert_eq!(p.position, "Seite 1 von 3");
        assert_eq!(p.previous, None);
        assert_eq!(p.next.as_deref(), Some("/m/3/households?q=Ali+B&page=2"));
        let last = Pager::new(t, "/m/3/households", &[], 3, 20, 120);
        assert_eq!(last.showing, "101 bis 120 von 120");
        assert_eq!(last.previous.as_deref(), Some("/m/3/households?page=2"));
        assert_eq!(last.next, None);
        let second = Pager::new(t, "/m/3/households", &[], 2, 50, 120);
        assert_eq!(second.previous.as_deref(), Some("/m/3/households"));
        let one = Pager::new(t, "/x", &[], 1, 7, 7);
        assert_eq!((one.position.as_str(), one.next.clone()), ("", None));
        // A page beyond the end links back to the last one.
        let beyond = Pager::new(t, "/x", &[], 9, 0, 120);
        assert_eq!(beyond.showing, "");
        assert_eq!(beyond.previous.as_deref(), Some("/x?page=3"));
    }

    #[test]
    fn odd_page_numbers_mean_the_first_page() {
        assert_eq!(page_number(""), 1);
        assert_eq!(page_number("0"), 1);
        assert_eq!(page_number("-2"), 1);
        assert_eq!(page_number("abc"), 1);
        assert_eq!(page_number(" 4 "), 4);
        assert_eq!(
            offset(u64::MAX),
            u64::MAX.saturating_sub(1).saturating_mul(PER_PAGE)
        );
    }
}
