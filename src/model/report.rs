//! The 政府信息公开工作年度报告 as a document: the national template's
//! layout (rows, labels, columns of tables 二, 三 and 四, in the 2021
//! format of 国办公开办函〔2021〕30号 and the 2019 trial format), and the
//! report as read. Each row key is written once, in the layout tables
//! below; the reader (`load/report.rs`), the checks (`validate/report.rs`),
//! the pages (`render/report.rs`) and `new report` all read them.

use std::ops::Range;

use crate::diagnostics::SourceFile;
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
    /// `<department>/<year>`: the report's id as a document.
    pub id: String,
    /// The revision's id: the git blob id of the TOML file alone, or, with
    /// a narrative, `git::pair_id` of both files' blob ids.
    pub blob: String,
    /// Git blob ids of the TOML and of the narrative.
    pub toml_blob: String,
    pub narrative_blob: Option<String>,
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

    /// The files of this revision, each (git blob id, extension, exact
    /// text): the TOML first, then the narrative if there is one.
    pub fn files(&self) -> Vec<(String, &'static str, &str)> {
        let toml = (self.toml_blob.clone(), "toml", &self.source.text[..]);
        let md = self
            .narrative_source
            .as_ref()
            .zip(self.narrative_blob.as_ref())
            .map(|(md, blob)| (blob.clone(), "md", &md.text[..]));
        std::iter::once(toml).chain(md).collect()
    }
}

impl Report {
    /// The table 三 row with `key`.
    pub fn application(&self, key: &str) -> Option<&CountRow<7>> {
        debug_assert!(
            FORMATS
                .iter()
                .any(|f| application_layout(*f).iter().any(|r| r.key == key)),
            "`{key}` is no row of table 三 in either format"
        );
        self.applications.iter().find(|r| r.key == key)
    }

    /// The table 二 row with `key`.
    pub fn proactive_row(&self, key: &str) -> Option<&ProactiveRow> {
        debug_assert!(
            FORMATS
                .iter()
                .flat_map(|f| proactive_layout(*f))
                .any(|b| b.rows.iter().any(|r| r.0 == key)),
            "`{key}` is no row of table 二 in either format"
        );
        self.proactive.iter().find(|r| r.key == key)
    }
}

/// Both formats, newest first.
pub const FORMATS: [ReportFormat; 2] = [ReportFormat::Y2021, ReportFormat::Y2019];

/// Table names used in messages.
pub const TABLE_2: &str = "二、主动公开政府信息情况";
pub const TABLE_3: &str = "三、收到和处理政府信息公开申请情况";
pub const TABLE_4: &str = "四、政府信息公开行政复议、行政诉讼情况";

/// The three narrative sections and the words their headings contain.
pub const NARRATIVE_HEADINGS: [(&str, &str); 3] = [
    ("一、总体情况", "总体情况"),
    ("五、存在的主要问题及改进情况", "存在的主要问题"),
    ("六、其他需要报告的事项", "其他需要报告的事项"),
];
