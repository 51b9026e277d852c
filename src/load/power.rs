//! `powers/**/*.toml`: one 权力清单 item (行政职权) per file.
//!
//! Read the way catalog front matter is read (`fields.rs`): every known
//! key is asked for by type and anything else — an unknown key, a wrong
//! type, a missing required field — becomes a diagnostic with its line,
//! all of them in one run (serde's `deny_unknown_fields` would stop at the
//! first). Each `[[steps]]` table is read the same way with its own keys.
//!
//! ```toml
//! [[steps]]
//! name = "受理"
//! actor = "政务服务窗口"
//! limit_days = 1
//! question = "材料是否齐全？"     # optional: the text of the decision diamond
//! next = [
//!   { step = "审查", when = "齐全" },
//!   { step = "补正", when = "不齐全" },
//! ]
//! ```
//!
//! `next` may also be a list of plain step names (`next = ["审查"]`), or
//! one name (`next = "审查"`).
//! Without `next` a step leads to the following one in the file (the last
//! one ends the flow); `next = []` ends the flow at that step.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::{Spanned, Value};

use crate::diagnostics::{Diagnostics, SourceFile, did_you_mean};
use crate::git;
use crate::model::{Located, NextStep, PowerItem, Step};

use super::fields::{Field, Fields, optional, required, validated};

pub const POWER_FIELDS: &[Field] = &[
    required("code", "\"530100-XK-001\""),
    required("name", "\"企业投资项目核准\""),
    required("category", "\"行政许可\""),
    validated("basis", "[\"《中华人民共和国行政许可法》第十二条\"]"),
    required("subject", "\"示例市发展和改革委员会\""),
    optional("office", "\"投资科\""),
    optional("legal_limit_days", "20"),
    optional("promised_limit_days", "10"),
    optional("fee", "\"不收费\""),
    optional("materials", "[\"申请书\", \"营业执照复印件\"]"),
    optional("responsibilities", "[\"受理责任：……\"]"),
    optional("accountability", "[\"对符合条件的申请不予受理的\"]"),
    optional("supervision", "\"监督电话：0871-12345678\""),
    optional("status", "\"in-force\""),
    optional("retired", "2024-03-01"),
    optional("retired_reason", "\"依据示政发〔2024〕3号取消\""),
    optional("disclosure", "\"active\""),
    optional("draft", "true"),
    validated("steps", "[[steps]]"),
];

pub const STEP_FIELDS: &[Field] = &[
    required("name", "\"受理\""),
    validated("actor", "\"政务服务窗口\""),
    optional("limit_days", "5"),
    optional("description", "\"核对申请材料是否齐全\""),
    optional("question", "\"材料是否齐全？\""),
    optional("next", "[{ step = \"审查\", when = \"齐全\" }]"),
];

pub(crate) const NEXT_FIELDS: &[&str] = &["step", "when"];

type SpannedTable = BTreeMap<Spanned<String>, Spanned<Value>>;

#[derive(Deserialize)]
struct StepsOnly {
    #[serde(default)]
    steps: Vec<Spanned<SpannedTable>>,
}

/// Parse one power file. `None` only when it is not TOML at all.
pub fn load_power(
    source: SourceFile,
    department: &str,
    diagnostics: &mut Diagnostics,
) -> Option<PowerItem> {
    let text = source.text.clone();
    let mut f = match Fields::parse(&source, &text, 0, 0..0, POWER_FIELDS) {
        Ok(f) => f,
        Err(d) => {
            diagnostics.push(d);
            return None;
        }
    };
    let code = f.string("code");
    let name = f.string("name");
    let category = f.string("category");
    let basis = f.string_list("basis");
    let basis_span = f.key_span_of("basis");
    let subject = f.string("subject");
    let office = f.string("office");
    let legal_limit_days = f.integer("legal_limit_days");
    let promised_limit_days = f.integer("promised_limit_days");
    let fee = f.string("fee");
    let materials = f.string_list("materials");
    let responsibilities = f.text_list("responsibilities");
    let accountability = f.text_list("accountability");
    let supervision = f.string("supervision");
    let status = f.status(
        "\"in-force\" (有效), \"amended\" (已调整), \"repealed\" (已取消), \"expired\" (已失效)",
    );
    let retired = f.date("retired");
    let retired_reason = f.string("retired_reason");
    let disclosure = f.disclosure();
    let draft = f.boolean("draft").unwrap_or(false);
    let steps_span = f.key_span_of("steps");

    for (key, value) in [
        ("legal_limit_days", &legal_limit_days),
        ("promised_limit_days", &promised_limit_days),
    ] {
        if let Some(v) = value
            && v.value < 0
        {
            f.diagnostics.push(
                source
                    .error(
                        "negative-limit",
                        v.span.clone(),
                        format!("`{key}` cannot be negative"),
                    )
                    .with_help(format!(
                        "write the number of working days, e.g. `{key} = 20`"
                    )),
            );
        }
    }

    let status_span = f.span_of("status");
    let steps_ok = match f.value("steps") {
        None | Some(Value::Array(_)) => true,
        Some(_) => {
            let span = f.span_of("steps");
            f.diagnostics.push(
                source
                    .error("wrong-type", span, "`steps` must be a list of `[[steps]]` tables")
                    .with_help("write each step as a table:\n[[steps]]\nname = \"受理\"\nactor = \"政务服务窗口\"\nlimit_days = 1"),
            );
            false
        }
    };
    diagnostics.extend(std::mem::take(&mut f.diagnostics));

    let steps = if steps_ok {
        match toml::from_str::<StepsOnly>(&text) {
            Ok(parsed) => parsed
                .steps
                .into_iter()
                .map(|table| load_step(&source, table, diagnostics))
                .collect(),
            Err(e) => {
                let span = e.span().unwrap_or(steps_span.clone());
                diagnostics.push(
                    source
                        .error("wrong-type", span, format!("a step cannot be read: {}", e.message().trim()))
                        .with_help("each step is a `[[steps]]` table of `name = \"…\"`, `actor = \"…\"`, `limit_days = 3`"),
                );
                Vec::new()
            }
        }
    } else {
        Vec::new()
    };

    if !draft && disclosure != crate::model::Disclosure::Exempt {
        super::guardrails::placeholders(&source, 0..source.text.len(), diagnostics);
    }
    super::guardrails::pinyin_annotations(&source, 0..source.text.len(), diagnostics);
    let complete = code.is_some() && name.is_some() && category.is_some() && subject.is_some();
    let placeholder = |value: String| Located::new(value, 0..0);
    Some(PowerItem {
        complete,
        blob: git::blob_id(source.text.as_bytes()),
        department: department.to_string(),
        code: code.unwrap_or_else(|| placeholder(String::new())),
        name: name.map(|n| n.value).unwrap_or_default(),
        category: category.unwrap_or_else(|| placeholder(String::new())),
        basis,
        basis_span,
        subject: subject.map(|s| s.value),
        office: office.map(|o| o.value),
        legal_limit_days,
        promised_limit_days,
        fee: fee.map(|f| f.value),
        materials: materials.into_iter().map(|m| m.value).collect(),
        responsibilities: responsibilities.into_iter().map(|r| r.value).collect(),
        accountability: accountability.into_iter().map(|a| a.value).collect(),
        supervision: supervision.map(|s| s.value),
        status,
        status_span,
        retired,
        retired_reason: retired_reason.map(|r| r.value),
        disclosure,
        draft,
        steps,
        steps_span,
        source,
    })
}

fn load_step(
    source: &SourceFile,
    table: Spanned<SpannedTable>,
    diagnostics: &mut Diagnostics,
) -> Step {
    let table_span = table.span();
    // A `[[steps]]` table's span may start at its first key; the line of
    // the header is the one before. Either is where an editor looks.
    let anchor = table_span.start..table_span.start;
    let mut f = Fields::from_table(source, table.into_inner(), 0, anchor.clone(), STEP_FIELDS);
    let name = f.string("name");
    let actor = f.string("actor");
    let limit_days = f.integer("limit_days");
    let description = f.string("description");
    let question = f.string("question");
    if let Some(l) = &limit_days
        && l.value < 0
    {
        f.diagnostics.push(
            source
                .error(
                    "negative-limit",
                    l.span.clone(),
                    "`limit_days` cannot be negative",
                )
                .with_help("write the number of working days, e.g. `limit_days = 5`"),
        );
    }
    let next = f.value("next").cloned().map(|value| {
        let span = f.span_of("next");
        read_next(source, value, span, &mut f.diagnostics)
    });
    diagnostics.extend(std::mem::take(&mut f.diagnostics));
    let span = name.as_ref().map_or(anchor, |n| n.span.clone());
    Step {
        name: name.unwrap_or_else(|| Located::new(String::new(), span.clone())),
        actor,
        limit_days,
        description: description.map(|d| d.value),
        question: question.map(|q| q.value),
        next,
        span,
    }
}

/// `next = ["审查"]` or `next = [{ step = "审查", when = "齐全" }, …]`.
fn read_next(
    source: &SourceFile,
    value: Value,
    span: std::ops::Range<usize>,
    diagnostics: &mut Diagnostics,
) -> Vec<NextStep> {
    let help = "write `next = [\"审查\"]`, or for a decision `next = [{ step = \"审查\", when = \"材料齐全\" }, { step = \"补正\", when = \"材料不全\" }]`";
    // `next = "审查"`: one way on, written without the brackets.
    let value = match value {
        Value::String(s) => Value::Array(vec![Value::String(s)]),
        other => other,
    };
    let Value::Array(entries) = value else {
        diagnostics.push(
            source
                .error(
                    "wrong-type",
                    span,
                    "`next` must be a list of step names or of `{ step, when }` tables",
                )
                .with_help(help),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut search_from = span.start;
    for entry in entries {
        let (step, when) = match entry {
            Value::String(s) => (s, None),
            Value::Table(t) => {
                for key in t.keys() {
                    if !NEXT_FIELDS.contains(&key.as_str()) {
                        let hint = did_you_mean(key, NEXT_FIELDS.iter().copied())
                            .map(|m| format!("did you mean `{m}`? "))
                            .unwrap_or_default();
                        diagnostics.push(
                            source
                                .error("unknown-field", span.clone(), format!("unknown field `{key}` in `next`"))
                                .with_help(format!("{hint}a branch has `step` (the step it goes to) and `when` (its label)")),
                        );
                    }
                }
                let when = match t.get("when") {
                    None => None,
                    Some(Value::String(w)) => Some(w.clone()),
                    Some(_) => {
                        diagnostics.push(
                            source
                                .error(
                                    "wrong-type",
                                    span.clone(),
                                    "`when` must be a string in quotes",
                                )
                                .with_help(help),
                        );
                        None
                    }
                };
                match t.get("step") {
                    Some(Value::String(s)) => (s.clone(), when),
                    _ => {
                        diagnostics.push(
                            source
                                .error("missing-field", span.clone(), "every branch in `next` needs `step = \"…\"` (the name of the step it goes to)")
                                .with_help(help),
                        );
                        continue;
                    }
                }
            }
            _ => {
                diagnostics.push(
                    source
                        .error("wrong-type", span.clone(), "every entry of `next` must be a step name in quotes or a `{ step, when }` table")
                        .with_help(help),
                );
                continue;
            }
        };
        // The entry's own span, for a precise "no such step" message.
        let quoted = format!("\"{step}\"");
        let located = source.text[search_from..span.end.min(source.text.len())]
            .find(&quoted)
            .map(|pos| {
                let start = search_from + pos + 1;
                start..start + step.len()
            })
            .unwrap_or(span.clone());
        search_from = located.end.max(search_from);
        out.push(NextStep {
            step: Located::new(step, located),
            when,
        });
    }
    out
}
