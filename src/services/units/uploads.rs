//! The photos of a flat form's post: removals, descriptions and new uploads.

use super::*;

/// Removes the photos ticked for removal, stores what each photo shows in the landlord's
/// words (`photo_alt_<id>`) and takes the new uploads; problems become field errors.
pub(super) async fn change_photos(
    app: &App,
    owner: Owner,
    form: &[(String, String)],
    uploads: &[Upload],
    now: DateTime<Utc>,
) -> Result<FieldErrors, ServiceError> {
    let removed: Vec<i64> = Fields(form)
        .all("remove_photo")
        .iter()
        .filter_map(|v| v.parse().ok())
        .collect();
    let gone = crate::store::photos::delete(&app.db, owner, &removed).await?;
    for key in &gone {
        photos::remove_files(app, key);
    }
    let mut errors = FieldErrors::default();
    for (name, value) in form {
        let Some(id) = name
            .strip_prefix("photo_alt_")
            .and_then(|v| v.parse::<i64>().ok())
        else {
            continue;
        };
        let text = value.trim();
        if text.chars().count() > PHOTO_ALT_MAX
            || !crate::domain::input::line_errors([("alt", text)], &[]).is_empty()
        {
            errors.add("photos", "validation.photo_alt");
            continue;
        }
        crate::store::photos::set_alt(&app.db, owner, id, Some(text).filter(|t| !t.is_empty()))
            .await?;
    }
    take_photos(app, owner, uploads, &mut errors, now).await?;
    Ok(errors)
}

/// Stores the photos that arrived with a post; bad ones become field errors.
async fn take_photos(
    app: &App,
    owner: Owner,
    uploads: &[Upload],
    errors: &mut FieldErrors,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let max = app.settings.uploads.max_photos as u64;
    for upload in uploads {
        if crate::store::photos::count(&app.db, owner).await? >= max {
            errors.add("photos", "validation.photo_count");
            break;
        }
        let stored = if upload.too_large {
            Err("validation.photo_size")
        } else {
            photos::store_file(app, &upload.path).await
        };
        match stored {
            Ok(stored) => {
                crate::store::photos::insert(
                    &app.db,
                    owner,
                    &stored.storage_key,
                    &upload.filename,
                    &stored.content_type,
                    stored.byte_size,
                    stored.width,
                    stored.height,
                    now,
                )
                .await?;
            }
            Err(key) => errors.add("photos", key),
        }
    }
    Ok(())
}
