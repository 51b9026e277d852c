//! `content/<slug>/reports/<year>.toml` (+ optional `<year>.md`): the
//! 政府信息公开工作年度报告, in the national template's layout
//! (国办公开办函〔2021〕30号, or the 2019 trial format for 2019–2020).
//!
//! The file is read with serde into typed tables (`deny_unknown_fields`,
//! so a misspelt row is named), each row kept as a spanned TOML value so
//! that every missing row, short row and non-number cell is reported in
//! one run with its line. The layout itself (rows, labels, columns) lives
//! in the static tables below and is shared by validate and render.

use std::fmt;
use std::ops::Range;
use std::path::Path;

use serde::Deserialize;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use toml::{Spanned, Value};

use crate::diagnostics::{Diagnostic, Diagnostics, Severity, SourceFile};
use crate::model::{Date, Located};

/// Which national template a report follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ReportFormat {
    /// 国办公开办函〔2021〕30号: reports for 2021 on.
    Y2021,
    /// The 2019 trial format (国办公开办函〔2019〕60号): reports for 2019 and 2020.
    Y2019,
}

impl ReportFormat {
    pub fn key(self) -> &'static str {
        match self {
            ReportFormat::Y2021 => "2021",
            ReportFormat::Y2019 => "2019",
        }
    }

    /// The format the template prescribes for a report year.
    pub fn for_year(year: i32) -> ReportFormat {
        if year >= 2021 {
            ReportFormat::Y2021
        } else {
            ReportFormat::Y2019
        }
    }
}

/// What kind of number a table 二 column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellKind {
    /// A count ≥ 0.
    Count,
    /// 本年增/减: a whole number, possibly negative.
    Delta,
    /// An amount of money ≥ 0, decimals allowed.
    Money,
}

/// One block of table 二 (a 第二十条 item).
pub struct ProactiveBlock {
    /// 第二十条第（一）项 …
    pub caption: &'static str,
    /// Column headers after 信息内容.
    pub columns: &'static [(&'static str, CellKind)],
    /// (TOML key, row label).
    pub rows: &'static [(&'static str, &'static str)],
}

const C: CellKind = CellKind::Count;

pub const PROACTIVE_2021: &[ProactiveBlock] = &[
    ProactiveBlock {
        caption: "第二十条第（一）项",
        columns: &[
            ("本年制发件数", C),
            ("本年废止件数", C),
            ("现行有效件数", C),
        ],
        rows: &[("rules", "规章"), ("normative_documents", "行政规范性文件")],
    },
    ProactiveBlock {
        caption: "第二十条第（五）项",
        columns: &[("本年处理决定数量", C)],
        rows: &[("licensing", "行政许可")],
    },
    ProactiveBlock {
        caption: "第二十条第（六）项",
        columns: &[("本年处理决定数量", C)],
        rows: &[("penalties", "行政处罚"), ("enforcement", "行政强制")],
    },
    ProactiveBlock {
        caption: "第二十条第（八）项",
        columns: &[("本年收费金额（单位：万元）", CellKind::Money)],
        rows: &[("fees", "行政事业性收费")],
    },
];

pub const PROACTIVE_2019: &[ProactiveBlock] = &[
    ProactiveBlock {
        caption: "第二十条第（一）项",
        columns: &[
            ("本年新制作数量", C),
            ("本年新公开数量", C),
            ("对外公开总数量", C),
        ],
        rows: &[("rules", "规章"), ("normative_documents", "规范性文件")],
    },
    ProactiveBlock {
        caption: "第二十条第（五）项",
        columns: &[
            ("上一年项目数量", C),
            ("本年增/减", CellKind::Delta),
            ("处理决定数量", C),
        ],
        rows: &[
            ("licensing", "行政许可"),
            ("other_services", "其他对外管理服务事项"),
        ],
    },
    ProactiveBlock {
        caption: "第二十条第（六）项",
        columns: &[
            ("上一年项目数量", C),
            ("本年增/减", CellKind::Delta),
            ("处理决定数量", C),
        ],
        rows: &[("penalties", "行政处罚"), ("enforcement", "行政强制")],
    },
    ProactiveBlock {
        caption: "第二十条第（八）项",
        columns: &[("上一年项目数量", C), ("本年增/减", CellKind::Delta)],
        rows: &[("fees", "行政事业性收费")],
    },
    ProactiveBlock {
        caption: "第二十条第（九）项",
        columns: &[("采购项目数量", C), ("采购总金额", CellKind::Money)],
        rows: &[("procurement", "政府集中采购")],
    },
];

pub fn proactive_layout(format: ReportFormat) -> &'static [ProactiveBlock] {
    match format {
        ReportFormat::Y2021 => PROACTIVE_2021,
        ReportFormat::Y2019 => PROACTIVE_2019,
    }
}

/// The seven 申请人情况 columns of table 三.
pub const APPLICANT_COLUMNS: [&str; 7] = [
    "自然人",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他",
    "总计",
];

/// What a row of table 三 stands for in the arithmetic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowRole {
    /// 一、本年新收
    New,
    /// 二、上年结转
    CarriedOver,
    /// One of the outcome rows of 三 (21 in 2021, 19 in 2019).
    Outcome,
    /// （七）总计
    Total,
    /// 四、结转下年度继续办理
    CarriedForward,
}

/// A row of table 三.
#[derive(Debug, Clone, Copy)]
pub struct ApplicationRowDef {
    /// Dotted TOML key, e.g. `denied.state_secret`.
    pub key: &'static str,
    /// The template's label, e.g. `1.属于国家秘密`.
    pub label: &'static str,
    /// The （三）…（六） group label the row sits under, if any.
    pub group: Option<&'static str>,
    pub role: RowRole,
    /// Short name for messages, e.g. `（三）1 属于国家秘密`.
    pub short: &'static str,
}

macro_rules! row {
    ($key:expr, $label:expr, $group:expr, $role:ident, $short:expr) => {
        ApplicationRowDef {
            key: $key,
            label: $label,
            group: $group,
            role: RowRole::$role,
            short: $short,
        }
    };
}

const DENIED: Option<&str> = Some("（三）不予公开");
const UNABLE: Option<&str> = Some("（四）无法提供");
const NOT_PROCESSED: Option<&str> = Some("（五）不予处理");
const OTHER: Option<&str> = Some("（六）其他处理");

/// Table 三 rows of the 2021 format, in the template's order: 25 rows
/// (一, 二, the 21 outcome rows, （七）总计, 四).
pub static APPLICATION_ROWS_2021: [ApplicationRowDef; 25] =
    rows(SHARED_ROWS, OTHER_ROWS_2021, CLOSING_ROWS);

/// Table 三 rows of the 2019 trial format: 23 rows (（六）其他处理 is one row).
pub static APPLICATION_ROWS_2019: [ApplicationRowDef; 23] =
    rows(SHARED_ROWS, OTHER_ROWS_2019, CLOSING_ROWS);

/// 一, 二 and the outcome rows （一）–（五）, the same in both formats.
const SHARED_ROWS: [ApplicationRowDef; 20] = [
    row!(
        "new",
        "一、本年新收政府信息公开申请数量",
        None,
        New,
        "一、本年新收"
    ),
    row!(
        "carried_over",
        "二、上年结转政府信息公开申请数量",
        None,
        CarriedOver,
        "二、上年结转"
    ),
    row!("granted", "（一）予以公开", None, Outcome, "（一）予以公开"),
    row!(
        "partly_granted",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        None,
        Outcome,
        "（二）部分公开"
    ),
    row!(
        "denied.state_secret",
        "1.属于国家秘密",
        DENIED,
        Outcome,
        "（三）1 属于国家秘密"
    ),
    row!(
        "denied.prohibited_by_law",
        "2.其他法律行政法规禁止公开",
        DENIED,
        Outcome,
        "（三）2 其他法律行政法规禁止公开"
    ),
    row!(
        "denied.security_stability",
        "3.危及“三安全一稳定”",
        DENIED,
        Outcome,
        "（三）3 危及“三安全一稳定”"
    ),
    row!(
        "denied.third_party",
        "4.保护第三方合法权益",
        DENIED,
        Outcome,
        "（三）4 保护第三方合法权益"
    ),
    row!(
        "denied.internal_affairs",
        "5.属于三类内部事务信息",
        DENIED,
        Outcome,
        "（三）5 属于三类内部事务信息"
    ),
    row!(
        "denied.process_information",
        "6.属于四类过程性信息",
        DENIED,
        Outcome,
        "（三）6 属于四类过程性信息"
    ),
    row!(
        "denied.enforcement_files",
        "7.属于行政执法案卷",
        DENIED,
        Outcome,
        "（三）7 属于行政执法案卷"
    ),
    row!(
        "denied.inquiry",
        "8.属于行政查询事项",
        DENIED,
        Outcome,
        "（三）8 属于行政查询事项"
    ),
    row!(
        "unable.not_held",
        "1.本机关不掌握相关政府信息",
        UNABLE,
        Outcome,
        "（四）1 本机关不掌握相关政府信息"
    ),
    row!(
        "unable.needs_creation",
        "2.没有现成信息需要另行制作",
        UNABLE,
        Outcome,
        "（四）2 没有现成信息需要另行制作"
    ),
    row!(
        "unable.unclear",
        "3.补正后申请内容仍不明确",
        UNABLE,
        Outcome,
        "（四）3 补正后申请内容仍不明确"
    ),
    row!(
        "not_processed.petition",
        "1.信访举报投诉类申请",
        NOT_PROCESSED,
        Outcome,
        "（五）1 信访举报投诉类申请"
    ),
    row!(
        "not_processed.repeated",
        "2.重复申请",
        NOT_PROCESSED,
        Outcome,
        "（五）2 重复申请"
    ),
    row!(
        "not_processed.publications",
        "3.要求提供公开出版物",
        NOT_PROCESSED,
        Outcome,
        "（五）3 要求提供公开出版物"
    ),
    row!(
        "not_processed.excessive",
        "4.无正当理由大量反复申请",
        NOT_PROCESSED,
        Outcome,
        "（五）4 无正当理由大量反复申请"
    ),
    row!(
        "not_processed.confirmation",
        "5.要求行政机关确认或重新出具已获取信息",
        NOT_PROCESSED,
        Outcome,
        "（五）5 要求行政机关确认或重新出具已获取信息"
    ),
];

/// （六）其他处理 in the 2021 format: three rows.
const OTHER_ROWS_2021: [ApplicationRowDef; 3] = [
    row!(
        "other.no_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        OTHER,
        Outcome,
        "（六）1 逾期不补正"
    ),
    row!(
        "other.no_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        OTHER,
        Outcome,
        "（六）2 逾期未缴费"
    ),
    row!("other.other", "3.其他", OTHER, Outcome, "（六）3 其他"),
];

/// （六）其他处理 in the 2019 trial format: one row.
const OTHER_ROWS_2019: [ApplicationRowDef; 1] = [row!(
    "other",
    "（六）其他处理",
    None,
    Outcome,
    "（六）其他处理"
)];

/// （七）总计 and 四, the same in both formats.
const CLOSING_ROWS: [ApplicationRowDef; 2] = [
    row!("total", "（七）总计", None, Total, "（七）总计"),
    row!(
        "carried_forward",
        "四、结转下年度继续办理",
        None,
        CarriedForward,
        "四、结转下年度"
    ),
];

/// The rows of one format: the shared ones, its （六） rows, the closing ones.
const fn rows<const O: usize, const N: usize>(
    shared: [ApplicationRowDef; 20],
    other: [ApplicationRowDef; O],
    closing: [ApplicationRowDef; 2],
) -> [ApplicationRowDef; N] {
    assert!(20 + O + 2 == N);
    let mut out = [shared[0]; N];
    let mut i = 0;
    while i < N {
        out[i] = if i < 20 {
            shared[i]
        } else if i < 20 + O {
            other[i - 20]
        } else {
            closing[i - 20 - O]
        };
        i += 1;
    }
    out
}

pub fn application_layout(format: ReportFormat) -> &'static [ApplicationRowDef] {
    match format {
        ReportFormat::Y2021 => &APPLICATION_ROWS_2021,
        ReportFormat::Y2019 => &APPLICATION_ROWS_2019,
    }
}

/// The five columns of each table 四 group.
pub const APPEAL_COLUMNS: [&str; 5] = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];

/// (TOML key, group label) of the three table 四 groups.
pub const APPEAL_GROUPS: [(&str, &str); 3] = [
    ("review", "行政复议"),
    ("litigation_direct", "未经复议直接起诉"),
    ("litigation_after_review", "复议后起诉"),
];

/// A number of table 二.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    Int(i64),
    Decimal(f64),
}

impl Number {
    pub fn as_f64(self) -> f64 {
        match self {
            Number::Int(n) => n as f64,
            Number::Decimal(x) => x,
        }
    }
}

/// A row of table 二: its key in the layout, its cells in column order.
#[derive(Clone, Debug)]
pub struct ProactiveRow {
    pub key: &'static str,
    /// The numbers; a blank cell counts as 0.
    pub cells: Vec<Number>,
    /// Which cells were written blank (`""`).
    pub blank: Vec<bool>,
    /// An amount as it was written (`"73802895.90"`, `"251000元"`), so the
    /// page shows its decimals and unit unchanged.
    pub written: Vec<Option<String>>,
    pub span: Range<usize>,
}

/// A row of table 三 or 四, with the span of its value in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CountRow<const N: usize> {
    pub key: &'static str,
    /// The numbers; a blank cell counts as 0.
    pub cells: [u64; N],
    /// Which cells were written blank (`""`).
    pub blank: [bool; N],
    pub span: Range<usize>,
}

impl<const N: usize> CountRow<N> {
    /// The row's 总计 (its last cell), or the sum of its other cells when
    /// the 总计 cell was left blank.
    pub fn total_or_parts(&self) -> u64 {
        if self.blank[N - 1] {
            self.cells[..N - 1]
                .iter()
                .fold(0, |a, &c| a.saturating_add(c))
        } else {
            self.cells[N - 1]
        }
    }
}

/// An arithmetic rule of the template that a report kept as published
/// breaks (found by validate, shown on the page next to the numbers).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SicRule {
    /// A table 三 row's 总计 is not the sum of its six columns.
    RowTotal,
    /// （七）总计 is not the sum of the outcome rows in a column.
    ResultTotal,
    /// 一 + 二 ≠ （七） + 四 in a column.
    Balance,
    /// A table 四 group's 总计 is not the sum of its four parts.
    AppealsTotal,
}

/// One broken rule of a report kept as published: where, and both numbers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sic {
    pub rule: SicRule,
    /// The row key (`granted`, `total`, `carried_forward`, `review` …).
    pub row: &'static str,
    /// The column of the row the note is about.
    pub column: usize,
    /// The number the report states (for `Balance`: 一 + 二).
    pub stated: u128,
    /// The stated cell was left blank (its number counts as 0).
    pub stated_blank: bool,
    /// The number the rule computes (for `Balance`: （七） + 四).
    pub computed: u128,
    /// A blank cell took part (counted as 0).
    pub blanks: bool,
}

/// The narrative sections 一、五、六, as Markdown.
#[derive(Clone, Debug, Default)]
pub struct Narrative {
    pub overview: String,
    pub problems: String,
    pub other: String,
    /// Byte range of section 一's text in the `.md` file (for checking
    /// the numbers it quotes).
    pub overview_range: Range<usize>,
}

/// One annual report, complete: every cell of its format is present.
#[derive(Clone, Debug)]
pub struct Report {
    pub department: String,
    pub source: SourceFile,
    /// The year in the file name (`2024.toml` → 2024).
    pub file_year: Option<i32>,
    pub year: Located<i32>,
    pub format: Located<ReportFormat>,
    pub published: Located<Date>,
    /// The title the report was published under (`title`), if given.
    pub title: Option<String>,
    /// `as_published = true`: the report is kept exactly as it was issued;
    /// its arithmetic is reported as warnings and its blank cells stay.
    pub as_published: bool,
    /// `draft = true`: checked and previewed, never published.
    pub draft: bool,
    /// The rules a report kept as published breaks (set by validate).
    pub notes: Vec<Sic>,
    /// Table 二, in the layout's row order.
    pub proactive: Vec<ProactiveRow>,
    /// Table 三, in the layout's row order.
    pub applications: Vec<CountRow<7>>,
    /// Table 四: 行政复议, 未经复议直接起诉, 复议后起诉.
    pub appeals: Vec<CountRow<5>>,
    pub narrative: Option<Narrative>,
    /// The `.md` file, when there is one.
    pub narrative_source: Option<SourceFile>,
}

impl Report {
    pub fn year(&self) -> i32 {
        self.year.value
    }

    /// The table 三 row with `key`.
    pub fn application(&self, key: &str) -> Option<&CountRow<7>> {
        self.applications.iter().find(|r| r.key == key)
    }

    pub fn proactive_row(&self, key: &str) -> Option<&ProactiveRow> {
        self.proactive.iter().find(|r| r.key == key)
    }
}

// ---------------------------------------------------------------------------
// The file as serde reads it.

type Cell = Option<Spanned<Value>>;

/// The top-level keys of a report file: `RawReport`'s fields (a test
/// keeps the two equal), for docs/content-model.md's check.
pub(crate) const REPORT_FIELDS: &[&str] = &[
    "title",
    "year",
    "format",
    "published",
    "as_published",
    "draft",
    "proactive",
    "applications",
    "appeals",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReport {
    title: Option<Spanned<Value>>,
    year: Option<Spanned<Value>>,
    format: Option<Spanned<Value>>,
    published: Option<Spanned<Value>>,
    as_published: Option<Spanned<Value>>,
    draft: Option<Spanned<Value>>,
    proactive: Option<Spanned<RawProactive>>,
    applications: Option<Spanned<RawApplications>>,
    appeals: Option<Spanned<RawAppeals>>,
}

/// Table 二: the keys of both formats; which ones must be there (and
/// whether a row is one number or a list) depends on `format`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProactive {
    rules: Cell,
    normative_documents: Cell,
    licensing: Cell,
    other_services: Cell,
    penalties: Cell,
    enforcement: Cell,
    fees: Cell,
    procurement: Cell,
}

impl RawProactive {
    fn get(&self, key: &str) -> Option<&Spanned<Value>> {
        match key {
            "rules" => self.rules.as_ref(),
            "normative_documents" => self.normative_documents.as_ref(),
            "licensing" => self.licensing.as_ref(),
            "other_services" => self.other_services.as_ref(),
            "penalties" => self.penalties.as_ref(),
            "enforcement" => self.enforcement.as_ref(),
            "fees" => self.fees.as_ref(),
            "procurement" => self.procurement.as_ref(),
            _ => None,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawApplications {
    new: Cell,
    carried_over: Cell,
    granted: Cell,
    partly_granted: Cell,
    denied: Option<RawDenied>,
    unable: Option<RawUnable>,
    not_processed: Option<RawNotProcessed>,
    other: Option<Spanned<RawOther>>,
    total: Cell,
    carried_forward: Cell,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDenied {
    state_secret: Cell,
    prohibited_by_law: Cell,
    security_stability: Cell,
    third_party: Cell,
    internal_affairs: Cell,
    process_information: Cell,
    enforcement_files: Cell,
    inquiry: Cell,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUnable {
    not_held: Cell,
    needs_creation: Cell,
    unclear: Cell,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNotProcessed {
    petition: Cell,
    repeated: Cell,
    publications: Cell,
    excessive: Cell,
    confirmation: Cell,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOtherSplit {
    no_correction: Cell,
    no_fee: Cell,
    other: Cell,
}

/// （六）其他处理: one row (`other = [...]`, 2019 format) or three
/// (`other.no_correction = [...]` …, 2021 format).
enum RawOther {
    Single(Vec<Value>),
    Split(RawOtherSplit),
}

impl<'de> Deserialize<'de> for RawOther {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawOther;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of 7 numbers (2019 format) or the rows other.no_correction, other.no_fee, other.other (2021 format)")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<RawOther, A::Error> {
                Vec::<Value>::deserialize(de::value::SeqAccessDeserializer::new(seq))
                    .map(RawOther::Single)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawOther, A::Error> {
                RawOtherSplit::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(RawOther::Split)
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAppeals {
    review: Cell,
    litigation_direct: Cell,
    litigation_after_review: Cell,
}

impl RawApplications {
    /// The row at a dotted key, with the span of the whole `other` value
    /// for the 2019 single row.
    fn get(&self, key: &str) -> RowLookup {
        let found = |c: &'_ Cell| -> Option<(Range<usize>, Value)> {
            c.as_ref().map(|s| (s.span(), s.get_ref().clone()))
        };
        let (group, name) = key.split_once('.').unwrap_or(("", key));
        let cell = match (group, name) {
            ("", "new") => found(&self.new),
            ("", "carried_over") => found(&self.carried_over),
            ("", "granted") => found(&self.granted),
            ("", "partly_granted") => found(&self.partly_granted),
            ("", "total") => found(&self.total),
            ("", "carried_forward") => found(&self.carried_forward),
            ("denied", n) => self.denied.as_ref().and_then(|d| {
                found(match n {
                    "state_secret" => &d.state_secret,
                    "prohibited_by_law" => &d.prohibited_by_law,
                    "security_stability" => &d.security_stability,
                    "third_party" => &d.third_party,
                    "internal_affairs" => &d.internal_affairs,
                    "process_information" => &d.process_information,
                    "enforcement_files" => &d.enforcement_files,
                    _ => &d.inquiry,
                })
            }),
            ("unable", n) => self.unable.as_ref().and_then(|d| {
                found(match n {
                    "not_held" => &d.not_held,
                    "needs_creation" => &d.needs_creation,
                    _ => &d.unclear,
                })
            }),
            ("not_processed", n) => self.not_processed.as_ref().and_then(|d| {
                found(match n {
                    "petition" => &d.petition,
                    "repeated" => &d.repeated,
                    "publications" => &d.publications,
                    "excessive" => &d.excessive,
                    _ => &d.confirmation,
                })
            }),
            ("", "other") => match self.other.as_ref() {
                Some(o) => match o.get_ref() {
                    RawOther::Single(cells) => Some((o.span(), Value::Array(cells.clone()))),
                    RawOther::Split(_) => return RowLookup::WrongShape(o.span()),
                },
                None => None,
            },
            ("other", n) => match self.other.as_ref() {
                Some(o) => match o.get_ref() {
                    RawOther::Split(s) => found(match n {
                        "no_correction" => &s.no_correction,
                        "no_fee" => &s.no_fee,
                        _ => &s.other,
                    }),
                    RawOther::Single(_) => return RowLookup::WrongShape(o.span()),
                },
                None => None,
            },
            _ => None,
        };
        match cell {
            Some((span, value)) => RowLookup::Found(span, value),
            None => RowLookup::Missing,
        }
    }
}

enum RowLookup {
    Found(Range<usize>, Value),
    Missing,
    /// `other` written in the other format's shape.
    WrongShape(Range<usize>),
}

// ---------------------------------------------------------------------------
// Reading.

/// Table names used in messages.
pub const TABLE_2: &str = "二、主动公开政府信息情况";
pub const TABLE_3: &str = "三、收到和处理政府信息公开申请情况";
pub const TABLE_4: &str = "四、政府信息公开行政复议、行政诉讼情况";

/// Read `rel` (a `reports/<year>.toml`) and its optional `.md`.
pub fn load_report(
    root: &Path,
    slug: &str,
    rel: &Path,
    diagnostics: &mut Diagnostics,
) -> Option<Report> {
    let source = match super::read_source(root, rel) {
        Ok(s) => s,
        Err(d) => {
            diagnostics.push(d);
            return None;
        }
    };
    let md_rel = rel.with_extension("md");
    // A linked narrative is reported by the folder's listing.
    let is_file = root
        .join(&md_rel)
        .symlink_metadata()
        .is_ok_and(|m| m.is_file());
    let narrative_source = if is_file {
        match super::read_source(root, &md_rel) {
            Ok(s) => Some(s),
            Err(d) => {
                diagnostics.push(d);
                None
            }
        }
    } else {
        None
    };
    let mut report = parse_report(source, slug, diagnostics)?;
    if !report.draft {
        super::guardrails::placeholders(&report.source, 0..report.source.text.len(), diagnostics);
    }
    if let Some(md) = narrative_source {
        if !report.draft {
            super::guardrails::placeholders(&md, 0..md.text.len(), diagnostics);
        }
        super::guardrails::pinyin_annotations(&md, 0..md.text.len(), diagnostics);
        report.narrative = Some(parse_narrative(&md, diagnostics));
        report.narrative_source = Some(md);
    }
    Some(report)
}

/// Parse a report's TOML. `None` (with diagnostics) when any cell or row
/// is missing or unreadable.
pub fn parse_report(
    source: SourceFile,
    slug: &str,
    diagnostics: &mut Diagnostics,
) -> Option<Report> {
    let file_year = source
        .path
        .file_stem()
        .and_then(|s| s.to_str())
        .and_then(|s| s.parse::<i32>().ok());
    let raw: RawReport = match toml::from_str(&source.text) {
        Ok(raw) => raw,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let message = e.message().trim().to_string();
            let help = if message.contains("unknown field") {
                format!(
                    "a report's top-level fields are {}; the tables' rows are in docs/content-model.md; `gongkai new report` writes a complete file to compare with",
                    REPORT_FIELDS.join(", ")
                )
            } else if message.contains("expected") && message.contains("value") {
                "every cell needs a value: write 0 for nothing to report, or \"\" for a cell that a report kept as published (`as_published = true`) left blank".to_string()
            } else {
                "check the TOML syntax; `gongkai new report` writes a complete file to compare with"
                    .to_string()
            };
            diagnostics.push(
                source
                    .error(
                        "report-syntax",
                        span,
                        format!("this annual report cannot be read: {message}"),
                    )
                    .with_help(help),
            );
            return None;
        }
    };
    let mut r = Reader {
        source: &source,
        diagnostics: Diagnostics::default(),
        as_published: false,
    };

    let title = r.title(raw.title.as_ref());
    r.as_published = r.as_published(raw.as_published.as_ref());
    let draft = r.draft(raw.draft.as_ref());
    let year = r.year(raw.year.as_ref());
    let format = r.format(raw.format.as_ref());
    let published = r.date(raw.published.as_ref());

    // A format that does not fit the year is one mistake, not one per
    // row laid out for the other format: say it once and stop there.
    if let (Some(y), Some(f)) = (&year, &format) {
        let expected = ReportFormat::for_year(y.value);
        if f.value != expected {
            let why = match expected {
                ReportFormat::Y2021 => {
                    "reports for 2021 and later use the 2021 format (国办公开办函〔2021〕30号)"
                }
                ReportFormat::Y2019 => {
                    "reports for 2019 and 2020 use the 2019 trial format (国办公开办函〔2019〕60号)"
                }
            };
            r.diagnostics.push(
                source
                    .error(
                        "report-format",
                        f.span.clone(),
                        format!(
                            "a report for {} uses the {} format; write `format = \"{}\"`",
                            y.value,
                            expected.key(),
                            expected.key()
                        ),
                    )
                    .with_help(format!(
                        "{why}; lay the tables out as that format has them (`gongkai new report` writes a complete file)"
                    )),
            );
            diagnostics.extend(r.diagnostics);
            return None;
        }
    }

    let fmt_value = format
        .as_ref()
        .map(|f| f.value)
        .or_else(|| year.as_ref().map(|y| ReportFormat::for_year(y.value)))
        .unwrap_or(ReportFormat::Y2021);

    let proactive = r.proactive(raw.proactive.as_ref(), fmt_value);
    let applications = r.applications(raw.applications.as_ref(), fmt_value);
    let appeals = r.appeals(raw.appeals.as_ref());
    let as_published = r.as_published;

    let ok = !r.diagnostics.has_errors();
    let local = r.diagnostics;
    diagnostics.extend(local);
    if !ok {
        return None;
    }
    Some(Report {
        department: slug.to_string(),
        file_year,
        year: year?,
        format: format?,
        published: published?,
        title: title.flatten(),
        as_published,
        draft,
        notes: Vec::new(),
        proactive: proactive?,
        applications: applications?,
        appeals: appeals?,
        narrative: None,
        narrative_source: None,
        source,
    })
}

struct Reader<'a> {
    source: &'a SourceFile,
    diagnostics: Diagnostics,
    /// Blank cells are allowed (and kept) only in a report kept as published.
    as_published: bool,
}

/// One cell as read: its number (0 when blank), whether it was blank, and
/// an amount's text as written.
struct ReadCell {
    number: Number,
    blank: bool,
    written: Option<String>,
}

/// The elements of a TOML array's source text (`[6, 251000.00]` →
/// `6`, `251000.00`), or `None` when it is not that simple (comments,
/// nested lists), in which case amounts fall back to their value.
fn element_texts(raw: &str) -> Option<Vec<&str>> {
    let inner = raw.trim().strip_prefix('[')?.strip_suffix(']')?;
    if inner.contains(['#', '[', '\'']) {
        return None;
    }
    let mut out = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    for (i, c) in inner.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                out.push(inner[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    let last = inner[start..].trim();
    if !last.is_empty() {
        out.push(last);
    }
    Some(out)
}

/// `"251000元"`, `"73802895.90"`, `"4068.208万元"`: an amount written as
/// text, with the template's units allowed after it.
fn parse_amount(text: &str) -> Option<Number> {
    let number = text
        .trim()
        .trim_end_matches("万元")
        .trim_end_matches('元')
        .trim();
    let valid = !number.is_empty()
        && number.chars().all(|c| c.is_ascii_digit() || c == '.')
        && number.matches('.').count() <= 1
        && !number.starts_with('.')
        && !number.ends_with('.');
    if !valid {
        return None;
    }
    match number.parse::<i64>() {
        Ok(n) => Some(Number::Int(n)),
        Err(_) => number.parse::<f64>().ok().map(Number::Decimal),
    }
}

fn value_type(v: &Value) -> &'static str {
    match v {
        Value::String(s) if s.trim().is_empty() => "an empty text",
        Value::String(_) => "text",
        Value::Integer(_) => "a whole number",
        Value::Float(_) => "a decimal number",
        Value::Boolean(_) => "true/false",
        Value::Datetime(_) => "a date",
        Value::Array(_) => "a list",
        Value::Table(_) => "a table",
    }
}

impl Reader<'_> {
    fn title(&mut self, v: Option<&Spanned<Value>>) -> Option<Option<String>> {
        let Some(v) = v else {
            return Some(None);
        };
        match v.get_ref() {
            Value::String(s) if !s.trim().is_empty() => Some(Some(s.trim().to_string())),
            other => {
                self.diagnostics.push(
                    self.source
                        .error(
                            "report-title",
                            v.span(),
                            format!(
                                "`title` must be the report's published title, found {}",
                                value_type(other)
                            ),
                        )
                        .with_help("write the title exactly as it was published, in quotes, or leave `title` out for the default"),
                );
                None
            }
        }
    }

    fn as_published(&mut self, v: Option<&Spanned<Value>>) -> bool {
        let Some(v) = v else {
            return false;
        };
        match v.get_ref() {
            Value::Boolean(b) => *b,
            other => {
                self.diagnostics.push(
                    self.source
                        .error(
                            "report-as-published",
                            v.span(),
                            format!("`as_published` must be true or false, found {}", value_type(other)),
                        )
                        .with_help("write `as_published = true` for a report kept exactly as it was issued"),
                );
                false
            }
        }
    }

    fn draft(&mut self, v: Option<&Spanned<Value>>) -> bool {
        let Some(v) = v else {
            return false;
        };
        match v.get_ref() {
            Value::Boolean(b) => *b,
            other => {
                self.diagnostics.push(
                    self.source
                        .error(
                            "wrong-type",
                            v.span(),
                            format!("`draft` must be true or false, found {}", value_type(other)),
                        )
                        .with_help("write `draft = true` while the report is being filled in, and delete the line to publish it"),
                );
                false
            }
        }
    }

    /// A missing row, reported at the first line of its table.
    fn missing_row(&mut self, table_span: Range<usize>, what: String, help: String) {
        let start = table_span.start.min(self.source.text.len());
        let end = self.source.text[start..]
            .find('\n')
            .map_or(self.source.text.len(), |i| start + i);
        self.diagnostics.push(
            self.source
                .error("report-missing", start..end, what)
                .with_help(help),
        );
    }

    fn missing(&mut self, what: String, help: String) {
        self.diagnostics.push(
            Diagnostic::for_path(Severity::Error, "report-missing", &self.source.path, what)
                .with_help(help),
        );
    }

    fn year(&mut self, v: Option<&Spanned<Value>>) -> Option<Located<i32>> {
        let Some(v) = v else {
            self.missing(
                "the report has no `year`".into(),
                "add `year = 2024` (the year the report is about)".into(),
            );
            return None;
        };
        match v.get_ref() {
            Value::Integer(y) if (2008..=9999).contains(y) => {
                Some(Located::new(*y as i32, v.span()))
            }
            other => {
                self.diagnostics.push(
                    self.source
                        .error(
                            "report-year",
                            v.span(),
                            format!(
                                "`year` must be a year such as 2024, found {}",
                                value_type(other)
                            ),
                        )
                        .with_help(
                            "write the year the report covers, without quotes: `year = 2024`",
                        ),
                );
                None
            }
        }
    }

    fn format(&mut self, v: Option<&Spanned<Value>>) -> Option<Located<ReportFormat>> {
        let Some(v) = v else {
            self.missing(
                "the report has no `format`".into(),
                "add `format = \"2021\"` (reports for 2021 on) or `format = \"2019\"` (2019 and 2020)".into(),
            );
            return None;
        };
        match v.get_ref() {
            Value::String(s) if s == "2021" => Some(Located::new(ReportFormat::Y2021, v.span())),
            Value::String(s) if s == "2019" => Some(Located::new(ReportFormat::Y2019, v.span())),
            _ => {
                self.diagnostics.push(
                    self.source
                        .error("report-format", v.span(), "`format` must be \"2021\" or \"2019\"")
                        .with_help("`format = \"2021\"` for reports on 2021 and later, `format = \"2019\"` (the trial format) for 2019 and 2020"),
                );
                None
            }
        }
    }

    fn date(&mut self, v: Option<&Spanned<Value>>) -> Option<Located<Date>> {
        let Some(v) = v else {
            self.missing(
                "the report has no `published` date".into(),
                "add `published = 2025-01-20` (the day the report was published)".into(),
            );
            return None;
        };
        if let Value::Datetime(dt) = v.get_ref()
            && let (Some(d), None) = (dt.date, dt.time)
            && let Some(date) = Date::from_ymd(i32::from(d.year), d.month, d.day)
        {
            return Some(Located::new(date, v.span()));
        }
        self.diagnostics.push(
            self.source
                .error("report-published", v.span(), "`published` must be a date")
                .with_help("write it without quotes: `published = 2025-01-20`"),
        );
        None
    }

    /// Read one row of `n` cells; `kinds` gives each cell's kind.
    fn cells(
        &mut self,
        table: &str,
        row: &str,
        span: Range<usize>,
        value: &Value,
        columns: &[(&str, CellKind)],
    ) -> Option<Vec<ReadCell>> {
        let single = columns.len() == 1;
        let values: Vec<&Value> =
            match value {
                Value::Array(a) => a.iter().collect(),
                v if single => vec![v],
                other => {
                    self.diagnostics.push(
                    self.source
                        .error(
                            "report-row",
                            span,
                            format!(
                                "table {table}, row {row}: expected a list of {} numbers, found {}",
                                columns.len(),
                                value_type(other)
                            ),
                        )
                        .with_help(format!(
                            "write the row as [{}]",
                            columns.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(", ")
                        )),
                );
                    return None;
                }
            };
        if values.len() != columns.len() {
            let names: Vec<&str> = columns.iter().map(|(c, _)| *c).collect();
            let message = if values.len() < columns.len() {
                format!(
                    "table {table}, row {row} has {} numbers, but needs {}: {} is missing",
                    values.len(),
                    columns.len(),
                    names[values.len()..].join("、")
                )
            } else {
                format!(
                    "table {table}, row {row} has {} numbers, but needs {}",
                    values.len(),
                    columns.len()
                )
            };
            self.diagnostics.push(
                self.source
                    .error("report-cells", span, message)
                    .with_help(format!(
                        "the row holds, in order: {}; write 0 for a cell with nothing to report, never leave it out",
                        names.join(", ")
                    )),
            );
            return None;
        }
        let raw = self.source.text.get(span.clone()).unwrap_or("");
        let texts = if single {
            Some(vec![raw.trim()])
        } else {
            element_texts(raw).filter(|t| t.len() == values.len())
        };
        let mut out = Vec::with_capacity(values.len());
        let mut ok = true;
        for (i, (v, (column, kind))) in values.into_iter().zip(columns).enumerate() {
            if let Value::String(s) = v
                && s.trim().is_empty()
            {
                if !self.as_published {
                    ok = false;
                    self.diagnostics.push(
                        self.source
                            .error(
                                "report-blank",
                                span.clone(),
                                format!("table {table}, row {row}, column {column} is blank"),
                            )
                            .with_help("write 0 when there is nothing to report; only a report kept exactly as it was published (`as_published = true`) keeps blank cells"),
                    );
                }
                out.push(ReadCell {
                    number: Number::Int(0),
                    blank: true,
                    written: None,
                });
                continue;
            }
            let written = |fallback: &str| {
                texts
                    .as_ref()
                    .and_then(|t| t.get(i))
                    .map_or(fallback.to_string(), |t| t.to_string())
            };
            let cell = match (v, kind) {
                (Value::Integer(i), CellKind::Delta) => Some((Number::Int(*i), None)),
                (Value::Integer(i), _) if *i >= 0 => Some((Number::Int(*i), None)),
                (Value::Float(x), CellKind::Money) if *x >= 0.0 && x.is_finite() => {
                    Some((Number::Decimal(*x), Some(written(&x.to_string()))))
                }
                (Value::String(s), CellKind::Money) => {
                    parse_amount(s).map(|n| (n, Some(s.trim().to_string())))
                }
                _ => None,
            };
            match cell {
                Some((number, written)) => out.push(ReadCell {
                    number,
                    blank: false,
                    written,
                }),
                None => {
                    ok = false;
                    let expected = match kind {
                        CellKind::Count => "a whole number ≥ 0",
                        CellKind::Delta => "a whole number (negative for a decrease)",
                        CellKind::Money => "an amount ≥ 0 (a number, or text such as \"251000元\")",
                    };
                    let found = match v {
                        Value::Integer(i) => format!("{i}"),
                        Value::Float(x) => format!("{x}"),
                        other => value_type(other).to_string(),
                    };
                    self.diagnostics.push(
                        self.source
                            .error(
                                "report-cell",
                                span.clone(),
                                format!("table {table}, row {row}, column {column} must be {expected}, found {found}"),
                            )
                            .with_help("every cell holds a number; write 0 when there is nothing to report, or \"\" for a cell a report kept as published left blank"),
                    );
                }
            }
        }
        ok.then_some(out)
    }

    fn proactive(
        &mut self,
        raw: Option<&Spanned<RawProactive>>,
        format: ReportFormat,
    ) -> Option<Vec<ProactiveRow>> {
        let Some(raw) = raw else {
            self.missing(
                format!("the report has no table {TABLE_2} (`[proactive]`)"),
                "add the `[proactive]` table; `gongkai new report` writes a complete file".into(),
            );
            return None;
        };
        let layout = proactive_layout(format);
        let mut rows = Vec::new();
        let mut ok = true;
        for block in layout {
            for (key, label) in block.rows {
                let row = format!("{label} (`{key}`)");
                match raw.get_ref().get(key) {
                    Some(v) => {
                        match self.cells(TABLE_2, &row, v.span(), v.get_ref(), block.columns) {
                            Some(cells) => rows.push(ProactiveRow {
                                key,
                                blank: cells.iter().map(|c| c.blank).collect(),
                                written: cells.iter().map(|c| c.written.clone()).collect(),
                                cells: cells.iter().map(|c| c.number).collect(),
                                span: v.span(),
                            }),
                            None => ok = false,
                        }
                    }
                    None => {
                        ok = false;
                        let (line, _) = self.source.line_column(raw.span().start);
                        self.missing_row(
                            raw.span(),
                            format!(
                                "table {TABLE_2} (`[proactive]`, line {line}) has no row {row}"
                            ),
                            format!(
                                "add `{key} = {}` under [proactive]; write 0 for nothing to report",
                                example(block.columns.len())
                            ),
                        );
                    }
                }
            }
        }
        // Keys of the other format only.
        let used: Vec<&str> = layout
            .iter()
            .flat_map(|b| b.rows.iter().map(|r| r.0))
            .collect();
        for key in ["other_services", "procurement"] {
            if !used.contains(&key)
                && let Some(v) = raw.get_ref().get(key)
            {
                ok = false;
                self.diagnostics.push(
                    self.source
                        .error("report-row", v.span(), format!("table {TABLE_2}: `{key}` belongs to the 2019 trial format, not format \"{}\"", format.key()))
                        .with_help("remove the row; the 2021 format has no 其他对外管理服务事项 or 政府集中采购 rows"),
                );
            }
        }
        ok.then_some(rows)
    }

    fn applications(
        &mut self,
        raw: Option<&Spanned<RawApplications>>,
        format: ReportFormat,
    ) -> Option<Vec<CountRow<7>>> {
        let Some(raw) = raw else {
            self.missing(
                format!("the report has no table {TABLE_3} (`[applications]`)"),
                "add the `[applications]` table; `gongkai new report` writes a complete file"
                    .into(),
            );
            return None;
        };
        let columns: Vec<(&str, CellKind)> = APPLICANT_COLUMNS.iter().map(|c| (*c, C)).collect();
        let mut rows = Vec::new();
        let mut ok = true;
        let mut shape_reported = false;
        for def in application_layout(format) {
            let row = format!("{} (`{}`)", def.short, def.key);
            match raw.get_ref().get(def.key) {
                RowLookup::Found(span, value) => {
                    match self.cells(TABLE_3, &row, span.clone(), &value, &columns) {
                        Some(cells) => rows.push(count_row(def.key, &cells, span)),
                        None => ok = false,
                    }
                }
                RowLookup::WrongShape(span) => {
                    ok = false;
                    if !shape_reported {
                        shape_reported = true;
                        let help = match format {
                            ReportFormat::Y2021 => {
                                "the 2021 format splits （六）其他处理 into three rows: other.no_correction, other.no_fee and other.other"
                            }
                            ReportFormat::Y2019 => {
                                "the 2019 trial format has one （六）其他处理 row: other = [自然人, …, 总计]"
                            }
                        };
                        self.diagnostics.push(
                            self.source
                                .error("report-row", span, format!("table {TABLE_3}: （六）其他处理 is not written as format \"{}\" has it", format.key()))
                                .with_help(help),
                        );
                    }
                }
                RowLookup::Missing => {
                    ok = false;
                    let (line, _) = self.source.line_column(raw.span().start);
                    self.missing_row(
                        raw.span(),
                        format!("table {TABLE_3} (`[applications]`, line {line}) has no row {row}"),
                        format!(
                            "add `{} = [0, 0, 0, 0, 0, 0, 0]` under [applications] (自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计)",
                            def.key
                        ),
                    );
                }
            }
        }
        ok.then_some(rows)
    }

    fn appeals(&mut self, raw: Option<&Spanned<RawAppeals>>) -> Option<Vec<CountRow<5>>> {
        let Some(raw) = raw else {
            self.missing(
                format!("the report has no table {TABLE_4} (`[appeals]`)"),
                "add the `[appeals]` table; `gongkai new report` writes a complete file".into(),
            );
            return None;
        };
        let columns: Vec<(&str, CellKind)> = APPEAL_COLUMNS.iter().map(|c| (*c, C)).collect();
        let a = raw.get_ref();
        let mut rows = Vec::new();
        let mut ok = true;
        for ((key, label), cell) in
            APPEAL_GROUPS
                .iter()
                .zip([&a.review, &a.litigation_direct, &a.litigation_after_review])
        {
            let row = format!("{label} (`{key}`)");
            match cell {
                Some(v) => match self.cells(TABLE_4, &row, v.span(), v.get_ref(), &columns) {
                    Some(cells) => rows.push(count_row(key, &cells, v.span())),
                    None => ok = false,
                },
                None => {
                    ok = false;
                    let (line, _) = self.source.line_column(raw.span().start);
                    self.missing_row(
                        raw.span(),
                        format!("table {TABLE_4} (`[appeals]`, line {line}) has no row {row}"),
                        format!("add `{key} = [0, 0, 0, 0, 0]` under [appeals] (结果维持, 结果纠正, 其他结果, 尚未审结, 总计)"),
                    );
                }
            }
        }
        ok.then_some(rows)
    }
}

fn example(n: usize) -> String {
    if n == 1 {
        "0".into()
    } else {
        format!("[{}]", vec!["0"; n].join(", "))
    }
}

fn count_row<const N: usize>(
    key: &'static str,
    cells: &[ReadCell],
    span: Range<usize>,
) -> CountRow<N> {
    let mut out = [0u64; N];
    let mut blank = [false; N];
    for ((o, b), c) in out.iter_mut().zip(blank.iter_mut()).zip(cells) {
        *o = match c.number {
            Number::Int(i) => i as u64,
            Number::Decimal(x) => x as u64,
        };
        *b = c.blank;
    }
    CountRow {
        key,
        cells: out,
        blank,
        span,
    }
}

/// The three narrative sections and the words their headings contain.
pub const NARRATIVE_HEADINGS: [(&str, &str); 3] = [
    ("一、总体情况", "总体情况"),
    ("五、存在的主要问题及改进情况", "存在的主要问题"),
    ("六、其他需要报告的事项", "其他需要报告的事项"),
];

/// Split `<year>.md` at its `#`/`##` headings into the sections 一、五、六.
/// A heading is matched by its words (so "存在的主要问题和改进情况" is
/// found too); a section missing, or text under another heading, is a
/// warning.
pub fn parse_narrative(md: &SourceFile, diagnostics: &mut Diagnostics) -> Narrative {
    let mut sections: [Option<String>; 3] = [None, None, None];
    let mut overview_range = 0..0;
    let mut current: Option<usize> = None;
    let mut fence = false;
    let mut warned_outside = false;
    let mut offset = 0;
    for line in md.text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_end();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = !fence;
        }
        let heading = !fence
            && (trimmed.starts_with("# ") || trimmed.starts_with("## "))
            && !trimmed.starts_with("###");
        if heading {
            warned_outside = false;
            let text = trimmed.trim_start_matches('#').trim();
            match NARRATIVE_HEADINGS
                .iter()
                .position(|(_, words)| text.contains(words))
            {
                Some(i) => {
                    current = Some(i);
                    sections[i].get_or_insert_with(String::new);
                }
                None => {
                    current = None;
                    // The warning says the text under it is not shown.
                    warned_outside = true;
                    diagnostics.push(
                        md.warning("report-narrative", start..start + trimmed.len(), format!("heading \"{text}\" is not one of the report's narrative sections; the text under it is not shown"))
                            .with_help("use the headings `## 一、总体情况`, `## 五、存在的主要问题及改进情况` and `## 六、其他需要报告的事项`; sections 二–四 are the tables of the .toml file"),
                    );
                }
            }
            continue;
        }
        match current {
            Some(i) => {
                if i == 0 {
                    if overview_range.is_empty() {
                        overview_range = start..offset;
                    } else {
                        overview_range.end = offset;
                    }
                }
                sections[i].get_or_insert_with(String::new).push_str(line)
            }
            None if !trimmed.is_empty() && !warned_outside => {
                // Once per run of such lines is enough.
                warned_outside = true;
                diagnostics.push(
                    md.warning("report-narrative", start..start + trimmed.len(), "text outside the sections 一、五、六 is not shown")
                        .with_help("put it under `## 一、总体情况`, `## 五、存在的主要问题及改进情况` or `## 六、其他需要报告的事项`"),
                );
            }
            None => {}
        }
    }
    for (i, (heading, _)) in NARRATIVE_HEADINGS.iter().enumerate() {
        if sections[i].is_none() {
            diagnostics.push(
                Diagnostic::for_path(
                    Severity::Warning,
                    "report-narrative",
                    &md.path,
                    format!("the narrative has no section {heading}"),
                )
                .with_help(format!("add a heading `## {heading}` with its text")),
            );
        }
    }
    let [overview, problems, other] = sections.map(|s| s.unwrap_or_default().trim().to_string());
    Narrative {
        overview,
        problems,
        other,
        overview_range,
    }
}
