//! 权力清单 items (`content/<dept>/powers/**/*.toml`) as read by `load`.

use std::ops::Range;

use crate::diagnostics::SourceFile;
use crate::model::{Date, Disclosure, Located, Status};

/// One 行政职权 with its 流程 (steps).
#[derive(Clone, Debug)]
pub struct PowerItem {
    /// False when a required field was missing or unreadable: the power
    /// then holds placeholders and is checked, never published.
    pub complete: bool,
    pub source: SourceFile,
    /// Git blob id of the file's exact bytes.
    pub blob: String,
    pub department: String,
    /// 职权编码: the power's permanent identity and URL segment.
    pub code: Located<String>,
    /// 职权名称.
    pub name: String,
    /// 职权类型 (行政许可, 行政处罚, …).
    pub category: Located<String>,
    /// 设定依据: one entry per legal provision.
    pub basis: Vec<Located<String>>,
    /// Span of `basis` (or of the file start when absent).
    pub basis_span: Range<usize>,
    /// 实施主体.
    pub subject: Option<String>,
    /// 承办机构.
    pub office: Option<String>,
    /// 法定期限 (working days).
    pub legal_limit_days: Option<Located<i64>>,
    /// 承诺期限 (working days), never above the legal one.
    pub promised_limit_days: Option<Located<i64>>,
    /// 收费标准及依据; `None` means 不收费.
    pub fee: Option<String>,
    /// 申请材料.
    pub materials: Vec<String>,
    /// 责任事项.
    pub responsibilities: Vec<String>,
    /// 追责情形.
    pub accountability: Vec<String>,
    /// 监督投诉渠道.
    pub supervision: Option<String>,
    pub status: Status,
    pub status_span: Range<usize>,
    /// When a repealed or expired power stopped (取消, 下放, 合并…).
    pub retired: Option<Located<Date>>,
    /// Why: the 调整类型 and the decision document.
    pub retired_reason: Option<String>,
    pub disclosure: Disclosure,
    pub draft: bool,
    /// 流程, in file order; the first step is where the flow starts.
    pub steps: Vec<Step>,
    /// Span of the first `[[steps]]` header (or of the file start).
    pub steps_span: Range<usize>,
}

/// One step of a power's 流程 (`[[steps]]`).
#[derive(Clone, Debug)]
pub struct Step {
    pub name: Located<String>,
    /// 责任主体 of the step (a unit or post).
    pub actor: Option<Located<String>>,
    /// 时限 (working days).
    pub limit_days: Option<Located<i64>>,
    pub description: Option<String>,
    /// The question of the decision diamond when the step forks.
    pub question: Option<String>,
    /// Where the flow goes after this step. `None` (no `next` key): the
    /// following step in the file, or the end after the last one.
    /// `Some(vec![])`: the flow ends here.
    pub next: Option<Vec<NextStep>>,
    /// Span of the step's `name` value, or of the table when it has none.
    pub span: Range<usize>,
}

/// One way out of a step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NextStep {
    /// Name of the target step.
    pub step: Located<String>,
    /// Branch label (`when = "材料齐全"`), drawn on the arrow.
    pub when: Option<String>,
}

impl PowerItem {
    /// The steps each step leads to, as indices, resolving the implicit
    /// "following step" and dropping names that do not exist (those are
    /// reported by `validate`).
    pub fn successors(&self) -> Vec<Vec<(usize, Option<&str>)>> {
        self.steps
            .iter()
            .enumerate()
            .map(|(i, step)| match &step.next {
                None if i + 1 < self.steps.len() => vec![(i + 1, None)],
                None => Vec::new(),
                Some(next) => next
                    .iter()
                    .filter_map(|n| {
                        self.steps
                            .iter()
                            .position(|s| s.name.value == n.step.value)
                            .map(|j| (j, n.when.as_deref()))
                    })
                    .collect(),
            })
            .collect()
    }
}
