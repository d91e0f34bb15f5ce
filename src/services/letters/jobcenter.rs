//! The landlord's e-mail when the Jobcenter's approval is requested: the rent certificate,
//! filled in from the flat and the proposal, attached to complete and sign.

use super::*;

/// Writes the landlord's e-mail with the certificate attached (none when the landlord has
/// no address).
pub async fn jobcenter_requested<C: ConnectionTrait>(
    db: &C,
    proposal: &proposal::Model,
    certificate: EmailAttachment,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let p = parts(db, proposal).await?;
    let Some(to) = p.landlord.as_ref() else {
        return Ok(());
    };
    let mut values = p.values(&to.lang, None);
    values.push(("name", to.greeting_name()));
    values.push(("file", certificate.filename.clone()));
    let name = "jobcenter_requested_landlord";
    let mail = letter_in(&to.lang, name, &borrow(&values), &[]);
    enqueue(
        db,
        to,
        &mail,
        format!("jobcenter-requested-{}-landlord", proposal.id),
        name,
        p.unit.municipality_id,
        Some(proposal.id),
        vec![certificate],
        &p.contact,
        now,
    )
    .await
}
