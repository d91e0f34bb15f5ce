//! What every staff page shares: the `Staff` extractor (logged in, not a landlord) and
//! the workspace navigation with the municipality in view.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use super::{AuthRejection, Authed, PageCtx};
use crate::app::App;
use crate::domain::roles::Role;
use crate::services::{CurrentUser, ServiceError, staff};
use crate::web::error::PageError;

/// A page for municipal staff (admin, coordinator, volunteer). Landlords get "not found",
/// visitors the login page.
#[derive(Debug, Clone)]
pub struct Staff {
    pub ctx: PageCtx,
    pub user: CurrentUser,
}

impl FromRequestParts<App> for Staff {
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let Authed { ctx, user } = Authed::from_request_parts(parts, app).await?;
        if user.role == Role::Landlord {
            return Err(AuthRejection::Page(PageError::NotFound));
        }
        Ok(Staff { ctx, user })
    }
}

/// Refuses landlords (for handlers that take a form).
pub fn require_staff(user: &CurrentUser) -> Result<(), PageError> {
    if user.role == Role::Landlord {
        Err(PageError::NotFound)
    } else {
        Ok(())
    }
}

/// Refuses everyone but admins and coordinators.
pub fn require_coordinator(user: &CurrentUser) -> Result<(), PageError> {
    if matches!(user.role, Role::Admin | Role::Coordinator) {
        Ok(())
    } else {
        Err(PageError::NotFound)
    }
}

/// One link of the workspace navigation.
#[derive(Debug, Clone)]
pub struct NavLink {
    pub href: String,
    pub label: String,
    pub current: bool,
}

/// The workspace navigation: sections of the municipality in view, and the other
/// municipalities the user works for.
#[derive(Debug, Clone, Default)]
pub struct StaffNav {
    pub municipality: Option<(i64, String)>,
    pub links: Vec<NavLink>,
    pub switch: Vec<NavLink>,
}

impl StaffNav {
    /// The name of the municipality in view ("" when none).
    pub fn name(&self) -> &str {
        self.municipality.as_ref().map_or("", |(_, n)| n.as_str())
    }
}

/// Sections of a municipality, as (path suffix, label key, roles that see them).
const SECTIONS: &[(&str, &str, bool)] = &[
    ("", "nav.dashboard", true),
    ("/households", "nav.households", true),
    ("/units", "nav.units", false),
    ("/runs", "nav.runs", true),
    ("/proposals", "nav.proposals", true),
    ("/map", "nav.map", true),
    ("/rules", "nav.rules", true),
    ("/import", "nav.import", true),
    ("/outreach", "nav.outreach", true),
    ("/lab", "nav.lab", true),
];

/// Builds the navigation for a page about municipality `current` (checked: the user must
/// work for it) in section `active` (a path suffix from `SECTIONS`).
pub async fn nav(
    ctx: &PageCtx,
    user: &CurrentUser,
    current: Option<i64>,
    active: &str,
) -> Result<StaffNav, PageError> {
    let t = ctx.t();
    let mine = staff::municipalities(&ctx.app, user).await?;
    let coordinator = matches!(user.role, Role::Admin | Role::Coordinator);
    let mut out = StaffNav::default();
    out.links.push(NavLink {
        href: "/workspace".into(),
        label: t.get("nav.workspace").into(),
        current: active == "workspace",
    });
    if let Some(id) = current {
        let Some(m) = mine.iter().find(|m| m.id == id) else {
            return Err(ServiceError::Forbidden.into());
        };
        out.municipality = Some((m.id, m.name.clone()));
        for (suffix, key, coordinators_only) in SECTIONS {
            if *coordinators_only && !coordinator {
                continue;
            }
            out.links.push(NavLink {
                href: format!("/m/{id}{suffix}"),
                label: t.get(key).into(),
                current: *suffix == active,
            });
        }
        out.switch = mine
            .iter()
            .filter(|m| m.id != id)
            .map(|m| NavLink {
                href: format!("/m/{}{}", m.id, if coordinator { active } else { "/units" }),
                label: m.name.clone(),
                current: false,
            })
            .collect();
    } else {
        out.switch = mine
            .iter()
            .map(|m| NavLink {
                href: format!("/m/{}{}", m.id, if coordinator { "" } else { "/units" }),
                label: m.name.clone(),
                current: false,
            })
            .collect();
    }
    if !coordinator {
        out.links.push(NavLink {
            href: "/viewings".into(),
            label: t.get("nav.viewings").into(),
            current: active == "viewings",
        });
    }
    if user.role == Role::Admin {
        out.links.extend(admin_links(t, active));
    }
    Ok(out)
}

/// The admins' pages in the navigation.
fn admin_links(t: crate::i18n::Texts, active: &str) -> Vec<NavLink> {
    [
        ("/admin/users", "nav.users", "users"),
        (
            "/admin/municipalities",
            "nav.municipalities",
            "municipalities",
        ),
        ("/admin/jobs", "jobs.title", "jobs"),
        ("/admin/webhooks", "webhooks.title", "webhooks"),
        ("/admin/audit", "privacy_tools.audit_title", "audit"),
    ]
    .into_iter()
    .map(|(href, label, key)| NavLink {
        href: href.into(),
        label: t.get(label).into(),
        current: active == key,
    })
    .collect()
}
