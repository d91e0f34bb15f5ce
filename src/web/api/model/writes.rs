//! What the API receives: a household's status, a match run, an approval, a pipeline step
//! (its schema built from the step's declared fields).

use super::*;

/// Sets a household's status.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct StatusChange {
    /// active, paused or closed (placed comes from the move-in).
    #[schema(schema_with = settable_household_status_schema)]
    pub status: String,
    /// Why (required when closing).
    #[serde(default)]
    #[schema(max_length = 500)]
    pub reason: String,
}

/// Starts a match run.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewRun {
    /// The municipality to match.
    #[serde(deserialize_with = "whole_number")]
    pub municipality_id: i64,
}

/// Approves a run's waiting suggestions.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Approval {
    /// How many suggestions went out to both sides.
    pub approved: usize,
    /// The ones that could not, and why.
    pub not_approved: Vec<NotApproved>,
}

/// A suggestion that could not be approved.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NotApproved {
    pub proposal_id: i64,
    pub reason: String,
}

/// One pipeline step of a proposal: `action` names the step, the other members are its
/// fields (each action's schema lists them with their types and limits). An unknown or
/// missing member, or one of the wrong type, is refused with 422 naming the member.
#[derive(Debug, Clone, Deserialize)]
#[serde(transparent)]
pub struct Step(pub serde_json::Map<String, serde_json::Value>);

impl utoipa::PartialSchema for Step {
    fn schema() -> RefOr<Schema> {
        let mut one_of = OneOfBuilder::new().description(Some(
            "A pipeline step, tagged by `action`. Dates are `YYYY-MM-DD`, times RFC 3339 or \
             German civil time `YYYY-MM-DDTHH:MM`, amounts euros.",
        ));
        for action in Action::ALL {
            let mut object = ObjectBuilder::new()
                .title(Some(action.as_str()))
                .description(Some(action.description()))
                .property(
                    "action",
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .enum_values(Some([action.as_str()])),
                )
                .required("action")
                .additional_properties(Some(AdditionalProperties::FreeForm(false)));
            for spec in action.fields() {
                object = object.property(spec.name, field_schema(spec));
                if spec.required {
                    object = object.required(spec.name);
                }
            }
            one_of = one_of.item(object.build());
        }
        let one_of = one_of.discriminator(Some(Discriminator::new("action")));
        RefOr::T(Schema::OneOf(one_of.build()))
    }
}

impl ToSchema for Step {}

/// The schema of one declared field; a field that may be left out may also be `null`.
fn field_schema(spec: &FieldSpec) -> Object {
    let of = |t: Type| {
        let types: SchemaType = if spec.required {
            t.into()
        } else {
            [t, Type::Null].into_iter().collect()
        };
        ObjectBuilder::new().schema_type(types)
    };
    let named = |values: &[&str]| {
        let mut all: Vec<serde_json::Value> = values.iter().map(|v| (*v).into()).collect();
        if !spec.required {
            all.push(serde_json::Value::Null);
        }
        of(Type::String).enum_values(Some(all)).build()
    };
    match spec.kind {
        FieldKind::Text { max } | FieldKind::Note { max } => of(Type::String)
            .min_length(Some(usize::from(spec.required)))
            .max_length(Some(max))
            .build(),
        FieldKind::Date => of(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
            .build(),
        FieldKind::DateTime => of(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
            .build(),
        FieldKind::Money { max } => of(Type::Number)
            .minimum(Some(0))
            .maximum(Some(max.0 / 100))
            .description(Some("euros"))
            .build(),
        FieldKind::Count { min, max } => of(Type::Integer)
            .minimum(Some(min))
            .maximum(Some(max))
            .build(),
        FieldKind::Choice(values) => named(values),
        FieldKind::YesNo => named(YES_NO),
        FieldKind::Id => of(Type::Integer).minimum(Some(1)).build(),
    }
}

/// An integer that JSON may also write as a number with a zero fraction (`12.0`).
fn whole_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let n = serde_json::Number::deserialize(d)?;
    if let Some(i) = n.as_i64() {
        return Ok(i);
    }
    match n.as_f64() {
        Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(f as i64),
        _ => Err(serde::de::Error::custom(format!(
            "{n} is not a whole number"
        ))),
    }
}
