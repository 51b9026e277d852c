//! `gongkai new`: a new catalog item with the next free 索引号, or a new
//! department folder, written so that `gongkai check` accepts it. Never
//! overwrites a file. The date is an input: only `main.rs` reads the clock.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use regex_syntax::hir::{Class, Hir, HirKind};

use crate::load::{self, RawSite, is_valid_slug};
use crate::model::{Date, Department};

pub mod import;
mod report;
pub use import::import_catalog_items;
pub use report::{new_report, report_text};

/// Why nothing was written.
#[derive(Debug)]
pub enum ScaffoldError {
    /// The request names something that does not exist or cannot be used
    /// (exit status 2).
    Usage(String),
    /// The file or folder to create is already there.
    Exists(PathBuf),
    /// No number can be made from the department's `index_pattern`.
    Numbering(String),
    Io(io::Error),
}

impl std::fmt::Display for ScaffoldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScaffoldError::Usage(m) | ScaffoldError::Numbering(m) => f.write_str(m),
            ScaffoldError::Exists(path) => write!(
                f,
                "{} already exists; nothing was written (gongkai new never overwrites)",
                path.display()
            ),
            ScaffoldError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ScaffoldError {}

impl From<io::Error> for ScaffoldError {
    fn from(e: io::Error) -> Self {
        ScaffoldError::Io(e)
    }
}

/// What `new catalog` wrote.
#[derive(Debug)]
pub struct NewItem {
    /// Relative to the site root.
    pub path: PathBuf,
    pub index_no: String,
}

/// Create `content/<dept>/catalog/…/<number>.md`: a draft with the next
/// free 索引号 of the department, dated `today`, every other field
/// present as a comment. The category is `category`, else the one the
/// department uses most; never a guess from the vocabulary's order.
pub fn new_catalog_item(
    root: &Path,
    dept: &str,
    title: Option<&str>,
    category: Option<&str>,
    today: Date,
) -> Result<NewItem, ScaffoldError> {
    let (raw, _) = load::load(root)?;
    let Some(department) = raw.departments.iter().find(|d| d.slug == dept) else {
        let known: Vec<&str> = raw.departments.iter().map(|d| d.slug.as_str()).collect();
        let hint = match crate::diagnostics::did_you_mean(dept, known.iter().copied()) {
            Some(close) => format!("did you mean `{close}`?"),
            None => format!("departments: {}", known.join(", ")),
        };
        return Err(ScaffoldError::Usage(format!(
            "there is no department `{dept}` (no readable content/{dept}/department.toml); {hint}"
        )));
    };
    let category = item_category(&raw, dept, category)?;
    let scheme = Scheme::for_department(department)?;
    let index_no = scheme.next(&raw, today)?;
    if let Some(pattern) = &department.index_pattern
        && !pattern.is_match(&index_no)
    {
        return Err(ScaffoldError::Numbering(format!(
            "the number made from index_pattern, {index_no}, does not match it; write index_no by hand"
        )));
    }

    let file_name = index_no.rsplit('/').next().unwrap_or(&index_no).to_string();
    let catalog = root.join("content").join(dept).join("catalog");
    let mut rel = PathBuf::from("content").join(dept).join("catalog");
    if uses_year_folders(&catalog) {
        rel.push(format!("{:04}", today.year()));
    }
    rel.push(format!("{file_name}.md"));
    let text = catalog_item_text(
        &raw, department, &index_no, title, &category, today, &scheme,
    );
    create_file(&root.join(&rel), &text)?;
    Ok(NewItem {
        path: rel,
        index_no,
    })
}

/// Create `content/<slug>/` with `department.toml` (every field present,
/// all but `name` commented) and a guide skeleton.
pub fn new_department(
    root: &Path,
    slug: &str,
    name: &str,
    today: Date,
) -> Result<Vec<PathBuf>, ScaffoldError> {
    if !is_valid_slug(slug) {
        return Err(ScaffoldError::Usage(format!(
            "`{slug}` cannot be a department folder: use lowercase letters a-z, digits and inner hyphens, e.g. `fgw` or `jiaoyu-ju` (it becomes part of every web address of the department)"
        )));
    }
    if name.trim().is_empty() {
        return Err(ScaffoldError::Usage("--name must not be empty".into()));
    }
    let dir = PathBuf::from("content").join(slug);
    if root.join(&dir).exists() {
        return Err(ScaffoldError::Exists(root.join(&dir)));
    }
    fs::create_dir_all(root.join(&dir))?;
    let toml = department_text(name);
    let guide = guide_text(name, today);
    let files = [
        (dir.join("department.toml"), toml),
        (dir.join("guide.md"), guide),
    ];
    for (rel, text) in &files {
        create_file(&root.join(rel), text)?;
    }
    Ok(files.into_iter().map(|(rel, _)| rel).collect())
}

/// Create `content/<dept>/powers/<code>.toml`: a draft power with every
/// field present (the optional ones as comments, each explained) and a
/// two-step flow, which `gongkai check` accepts as it is.
pub fn new_power(
    root: &Path,
    dept: &str,
    code: &str,
    name: &str,
    category: &str,
) -> Result<PathBuf, ScaffoldError> {
    let (raw, _) = load::load(root)?;
    let Some(department) = raw.departments.iter().find(|d| d.slug == dept) else {
        let known: Vec<&str> = raw.departments.iter().map(|d| d.slug.as_str()).collect();
        let hint = match crate::diagnostics::did_you_mean(dept, known.iter().copied()) {
            Some(close) => format!("did you mean `{close}`?"),
            None => format!("departments: {}", known.join(", ")),
        };
        return Err(ScaffoldError::Usage(format!(
            "there is no department `{dept}` (no readable content/{dept}/department.toml); {hint}"
        )));
    };
    if !crate::validate::power::is_valid_code(code) {
        return Err(ScaffoldError::Usage(format!(
            "`{code}` cannot be a 职权编码: use ASCII letters, digits, `-`, `_` and `.`, e.g. `530100-XK-001` (it becomes the page address /powers/<code>/)"
        )));
    }
    if name.trim().is_empty() {
        return Err(ScaffoldError::Usage("--name must not be empty".into()));
    }
    let categories = raw
        .config
        .as_ref()
        .map(|c| c.power_categories.clone())
        .unwrap_or_else(crate::vocabulary::default_power_categories);
    if !categories.iter().any(|c| c == category) {
        let hint =
            crate::diagnostics::did_you_mean(category, categories.iter().map(String::as_str))
                .map(|m| format!("did you mean `{m}`? "))
                .unwrap_or_default();
        return Err(ScaffoldError::Usage(format!(
            "`{category}` is not a 职权类型 of this site; {hint}the types are: {}",
            categories.join("、")
        )));
    }
    if let Some(other) = raw.powers.iter().find(|p| p.code.value == code) {
        return Err(ScaffoldError::Usage(format!(
            "职权编码 `{code}` is already used by {}; choose the next free code",
            other.source.path.display()
        )));
    }
    let rel = PathBuf::from("content")
        .join(dept)
        .join("powers")
        .join(format!("{code}.toml"));
    create_file(
        &root.join(&rel),
        &power_text(department, code, name, category, &categories),
    )?;
    Ok(rel)
}

fn power_text(
    department: &Department,
    code: &str,
    name: &str,
    category: &str,
    categories: &[String],
) -> String {
    let supervision = match &department.phone {
        Some(phone) => format!("{}，监督电话：{phone}", department.name),
        None => format!("{}（请填写监督电话）", department.name),
    };
    format!(
        "# 权力清单事项 (a power of the 权力清单). Fields in Chinese order of a 权责清单 row;
# lines starting with # are explanations or optional fields.

# 职权编码 (code): unique across the site and permanent; the page address is /powers/<code>/.
code = {code}
# 职权名称 (name).
name = {name}
# 职权类型 (category), one of: {categories}
category = {category}
# 设定依据 (legal basis): one entry per provision, law first, with the article.
basis = [
  \"（请填写：法律法规名称及条款，如《中华人民共和国行政许可法》第十二条）\",
]
# 实施主体 (the body that exercises the power).
subject = {subject}
# 承办机构 (the internal unit that handles it).
office = \"（请填写承办机构）\"
# 法定期限 / 承诺期限 (legal / promised time limit), in working days; the promise may not exceed the law.
# legal_limit_days = 20
# promised_limit_days = 10
# 收费标准及依据 (fee and its basis); leave out when free (shown as 不收费).
# fee = \"不收费\"
# 申请材料 (documents the applicant brings).
# materials = [\"申请书\"]
# 责任事项 (responsibilities, per stage).
responsibilities = [
  \"受理责任：（请填写）\",
  \"决定责任：（请填写）\",
]
# 追责情形 (cases in which officials are held accountable).
accountability = [
  \"对符合法定条件的申请不予受理或者不予办理的\",
]
# 监督投诉渠道 (where to complain).
supervision = {supervision}
# 状态 (status): in-force (default), amended, repealed, expired.
# status = \"in-force\"
# 取消或失效日期及原因 (with status repealed or expired): the 调整类型 (取消/下放/合并/变更) and the decision document.
# retired = 2025-01-01
# retired_reason = \"依据示政发〔2025〕1号取消\"
# 公开方式 (disclosure): active (default) or exempt (never published).
# disclosure = \"active\"
# 草稿 (draft): shown by `gongkai serve`, never published by `gongkai build`.
# Delete this line when the power is ready to publish.
draft = true

# 流程 (steps), in order; the flowchart is drawn from them. Each step:
#   name        the step's name (unique within this power)
#   actor       who does it (required)
#   limit_days  its time limit in working days (optional)
#   description what happens (optional)
#   next        where the flow goes next (optional; default: the following step,
#               after the last step the flow ends; next = [] ends it here).
#               A decision lists labelled branches and may ask a question:
#                 question = \"材料是否齐全？\"
#                 next = [{{ step = \"决定\", when = \"齐全\" }}, {{ step = \"补正\", when = \"不齐全\" }}]
#               A loop back (补正 → 受理) is allowed when it passes such a decision.
[[steps]]
name = \"受理\"
actor = \"政务服务窗口\"
# limit_days = 1
description = \"接收申请材料，核对是否齐全、是否符合法定形式。\"

[[steps]]
name = \"决定\"
actor = {subject}
# limit_days = 5
description = \"作出决定并送达申请人。\"
",
        code = toml_string(code),
        name = toml_string(name),
        category = toml_string(category),
        categories = categories.join("、"),
        subject = toml_string(&department.name),
        supervision = toml_string(&supervision),
    )
}

fn create_file(path: &Path, text: &str) -> Result<(), ScaffoldError> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    // `create_new`: a file that appeared meanwhile is not overwritten either.
    let mut file = match fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
    {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            return Err(ScaffoldError::Exists(path.to_path_buf()));
        }
        Err(e) => return Err(e.into()),
    };
    io::Write::write_all(&mut file, text.as_bytes())?;
    Ok(())
}

/// Whether the department files items by year (`catalog/2024/…`).
fn uses_year_folders(catalog: &Path) -> bool {
    fs::read_dir(catalog).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            e.file_type().is_ok_and(|t| t.is_dir())
                && name.len() == 4
                && name.bytes().all(|b| b.is_ascii_digit())
        })
    })
}

/// One part of a 索引号 scheme.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Literal(String),
    /// `YYYY`.
    Year,
    /// `MM`.
    Month,
    /// `YYYYMM`.
    YearMonth,
    /// The sequence number: at least `width` digits (zero-padded), at most
    /// `max` digits.
    Sequence {
        width: usize,
        max: Option<usize>,
    },
}

/// How a department numbers its items: the parts of its `index_pattern`,
/// or `<code>/<YYYY>-<NNNNN>` without one.
#[derive(Debug)]
struct Scheme {
    parts: Vec<Part>,
    /// Where the scheme comes from, for the comment in the new file.
    origin: String,
}

impl Scheme {
    fn for_department(department: &Department) -> Result<Scheme, ScaffoldError> {
        let Some(pattern) = &department.index_pattern else {
            let prefix = department
                .code
                .clone()
                .unwrap_or_else(|| department.slug.to_ascii_uppercase());
            return Ok(Scheme {
                parts: vec![
                    Part::Literal(format!("{prefix}/")),
                    Part::Year,
                    Part::Literal("-".into()),
                    Part::Sequence {
                        width: 5,
                        max: Some(5),
                    },
                ],
                origin: format!(
                    "{}/年份-5位顺序号, as the department has no index_pattern",
                    if department.code.is_some() {
                        "统一社会信用代码 (code)"
                    } else {
                        "the folder name (set `code` in department.toml)"
                    }
                ),
            });
        };
        // The compiled pattern is wrapped as `^(?:…)$`.
        let source = pattern.as_str();
        let unsupported = || {
            ScaffoldError::Numbering(format!(
                "cannot make a number from index_pattern `{source}` in {}: gongkai new understands fixed text, a 4-digit year, a 2-digit month and a final sequence number (e.g. '^11530100MB0X12345K/\\d{{4}}-\\d{{5}}$'); write index_no by hand",
                department.source.path.display()
            ))
        };
        let hir = regex_syntax::Parser::new()
            .parse(source)
            .map_err(|_| unsupported())?;
        let mut tokens = Vec::new();
        if !flatten(&hir, &mut tokens) {
            return Err(unsupported());
        }
        let parts = assign_roles(tokens).ok_or_else(unsupported)?;
        Ok(Scheme {
            parts,
            origin: format!("index_pattern in {}", department.source.path.display()),
        })
    }

    /// The next 索引号 for `today`: one more than the highest sequence
    /// number in use for the same year (and month). Gaps are never
    /// filled: a missing number may belong to a deleted item whose
    /// history, and URL, are still published.
    fn next(&self, raw: &RawSite, today: Date) -> Result<String, ScaffoldError> {
        let mut matcher = String::from("^");
        for part in &self.parts {
            match part {
                Part::Literal(text) => matcher.push_str(&regex::escape(text)),
                Part::Year => matcher.push_str("([0-9]{4})"),
                Part::Month => matcher.push_str("([0-9]{2})"),
                Part::YearMonth => matcher.push_str("([0-9]{6})"),
                Part::Sequence { .. } => matcher.push_str("([0-9]+)"),
            }
        }
        matcher.push('$');
        let matcher = regex::Regex::new(&matcher).expect("escaped literals and digit groups");
        let period = |part: &Part| match part {
            Part::Year => Some(format!("{:04}", today.year())),
            Part::Month => Some(format!("{:02}", today.month())),
            Part::YearMonth => Some(format!("{:04}{:02}", today.year(), today.month())),
            _ => None,
        };
        let groups: Vec<&Part> = self
            .parts
            .iter()
            .filter(|p| !matches!(p, Part::Literal(_)))
            .collect();
        let highest = raw
            .items
            .iter()
            .filter_map(|item| matcher.captures(&item.index_no.value))
            .filter(|caps| {
                groups
                    .iter()
                    .enumerate()
                    .all(|(i, part)| period(part).is_none_or(|p| caps[i + 1] == p))
            })
            .filter_map(|caps| {
                let sequence = groups
                    .iter()
                    .position(|p| matches!(p, Part::Sequence { .. }))
                    .expect("a scheme has a sequence");
                caps[sequence + 1].parse::<u64>().ok()
            })
            .max()
            .unwrap_or(0);
        let next = highest + 1;
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Literal(text) => out.push_str(text),
                Part::Sequence { width, max } => {
                    let number = format!("{next:0width$}");
                    if max.is_some_and(|max| number.len() > max) {
                        return Err(ScaffoldError::Numbering(format!(
                            "the sequence numbers of this period are used up ({highest} is the last that fits {} digits)",
                            max.unwrap_or_default()
                        )));
                    }
                    out.push_str(&number);
                }
                other => out.push_str(&period(other).expect("a period part")),
            }
        }
        Ok(out)
    }
}

/// A pattern as a flat list of literals and digit runs `(min, max)`;
/// false for anything else (alternatives, letters classes, …).
fn flatten(hir: &Hir, out: &mut Vec<Result<String, (usize, Option<usize>)>>) -> bool {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => true,
        HirKind::Literal(literal) => match std::str::from_utf8(&literal.0) {
            Ok(text) => {
                match out.last_mut() {
                    Some(Ok(previous)) => previous.push_str(text),
                    _ => out.push(Ok(text.to_string())),
                }
                true
            }
            Err(_) => false,
        },
        HirKind::Class(class) if is_digit_class(class) => {
            out.push(Err((1, Some(1))));
            true
        }
        HirKind::Repetition(rep) => match rep.sub.kind() {
            HirKind::Class(class) if is_digit_class(class) => {
                out.push(Err((rep.min as usize, rep.max.map(|m| m as usize))));
                true
            }
            HirKind::Literal(_) if Some(rep.min) == rep.max => {
                (0..rep.min).all(|_| flatten(&rep.sub, out))
            }
            _ => false,
        },
        HirKind::Capture(capture) => flatten(&capture.sub, out),
        HirKind::Concat(parts) => parts.iter().all(|p| flatten(p, out)),
        HirKind::Class(_) | HirKind::Alternation(_) => false,
    }
}

/// `[0-9]` or `\d` (Unicode digits, of which an index number uses 0-9).
fn is_digit_class(class: &Class) -> bool {
    match class {
        Class::Unicode(c) => c
            .ranges()
            .first()
            .is_some_and(|r| r.start() == '0' && r.end() == '9'),
        Class::Bytes(c) => c
            .ranges()
            .first()
            .is_some_and(|r| r.start() == b'0' && r.end() == b'9'),
    }
}

/// The last digit run is the sequence number; before it, a 4-digit run is
/// the year, a 2-digit run after the year the month, a 6-digit run year
/// and month.
fn assign_roles(tokens: Vec<Result<String, (usize, Option<usize>)>>) -> Option<Vec<Part>> {
    let last_digits = tokens.iter().rposition(Result::is_err)?;
    let mut parts = Vec::with_capacity(tokens.len());
    let mut after_year = false;
    for (i, token) in tokens.into_iter().enumerate() {
        match token {
            Ok(text) => parts.push(Part::Literal(text)),
            Err((min, max)) if i == last_digits => parts.push(Part::Sequence {
                width: min.max(1),
                max,
            }),
            Err((4, Some(4))) if !after_year => {
                parts.push(Part::Year);
                after_year = true;
            }
            Err((2, Some(2))) if after_year => parts.push(Part::Month),
            Err((6, Some(6))) if !after_year => {
                parts.push(Part::YearMonth);
                after_year = true;
            }
            Err(_) => return None,
        }
    }
    Some(parts)
}

/// A TOML string value.
fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

fn catalog_item_text(
    raw: &RawSite,
    department: &Department,
    index_no: &str,
    title: Option<&str>,
    category: &str,
    today: Date,
    scheme: &Scheme,
) -> String {
    let kinds = raw
        .config
        .as_ref()
        .map(|c| c.kinds.join("、"))
        .unwrap_or_default();
    let title = title.unwrap_or("（请填写标题）");
    let year = today.year();
    let mut t = String::new();
    let _ = write!(
        t,
        "+++
# 索引号 (index number): unique and permanent, never reused.
# The next free number after the highest in use, from {origin}.
index_no = {index_no}
# 标题 (title).
title = {title}
# 发布日期 (date published): a TOML date, without quotes.
published = {today}
# 成文日期 (date written); 条例 第二十六条: publish within 20 working days of it.
written = {today}
# 主题分类 (category), 一级\\二级 from the vocabulary (`gongkai vocab categories` lists it).
category = {category}
# 草稿 (draft): shown by `gongkai serve`, never published by `gongkai build`.
# Delete this line when the item is ready to publish.
draft = true
# 文种 (kind), one of: {kinds}
# kind = \"通知\"
# 文号 (document number).
# doc_no = \"示政发〔{year}〕1号\"
# 发布机构 (publisher); defaults to the department's name.
# publisher = {publisher}
# 有效性 (status): in-force (default), amended, repealed, expired.
# status = \"in-force\"
# 生效日期 / 失效日期 (in force from / until).
# effective = {today}
# expires = {later}
# 废止或失效日期及原因 (with status repealed or expired).
# retired = {today}
# retired_reason = \"被新文件替代\"
# 被替代为 (replaced by): the 索引号 of the replacing item.
# superseded_by = {index_no}
# 公开方式 (disclosure): active (主动公开, default) or exempt (不予公开: kept for the register, never published).
# disclosure = \"active\"
# 关键词 (keywords).
# keywords = [\"关键词\"]
# 附件 (attachments): paths under content/{slug}/files/.
# attachments = [\"{year}/附件.pdf\"]
+++

（正文：Markdown。）
",
        origin = scheme.origin,
        index_no = toml_string(index_no),
        title = toml_string(title),
        category = toml_string(category),
        publisher = toml_string(&department.name),
        later = Date::from_ymd(year + 5, 1, 1).expect("valid date"),
        slug = department.slug,
    );
    t
}

/// The category of a new item: the one asked for (when the vocabulary has
/// it), else the department's most used. A department without items must
/// choose: the vocabulary's first entry (国务院组织机构) is wrong for
/// almost every department.
fn item_category(raw: &RawSite, dept: &str, asked: Option<&str>) -> Result<String, ScaffoldError> {
    let known = raw
        .config
        .as_ref()
        .map(|c| c.categories.clone())
        .unwrap_or_else(crate::vocabulary::default_categories);
    match asked {
        Some(category) if known.iter().any(|k| k == category) => Ok(category.to_string()),
        Some(category) => {
            let hint = crate::diagnostics::did_you_mean(category, known.iter().map(String::as_str))
                .map(|c| format!("did you mean `{c}`? "))
                .unwrap_or_default();
            Err(ScaffoldError::Usage(format!(
                "`{category}` is not a 主题分类 of this site; {hint}`gongkai vocab categories` lists them (一级\\二级, one backslash)"
            )))
        }
        None => most_used_category(raw, dept).ok_or_else(|| {
            ScaffoldError::Usage(format!(
                "content/{dept} has no items to take a 主题分类 from: pass --category, e.g. --category '综合政务\\政务公开'; `gongkai vocab categories` lists the choices"
            ))
        }),
    }
}

fn most_used_category(raw: &RawSite, slug: &str) -> Option<String> {
    let known = &raw.config.as_ref()?.categories;
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for item in raw
        .items
        .iter()
        .filter(|i| i.department == slug && i.complete)
    {
        let category = item.category.value.as_str();
        if known.iter().any(|k| k == category) {
            *counts.entry(category).or_default() += 1;
        }
    }
    // Most used, then first in name order: the same answer every time.
    let best = counts.values().copied().max()?;
    counts
        .into_iter()
        .find(|(_, n)| *n == best)
        .map(|(c, _)| c.to_string())
}

fn department_text(name: &str) -> String {
    format!(
        "# 部门名称 (name), as shown on every page of the department.
name = {name}
# 简称 (short name).
# short_name = \"\"
# 统一社会信用代码 (code): also the start of this department's 索引号.
# code = \"11530100MB0X12345K\"
# 办公地址、电话、传真、电子邮箱、办公时间.
# address = \"\"
# phone = \"\"
# fax = \"\"
# email = \"\"
# office_hours = \"工作日 9:00—12:00、14:00—17:30（法定节假日除外）\"
# 上级部门 (parent): the folder name of the parent department.
# parent = \"\"
# 曾用名 (aliases): former folder names after a reorganisation (机构改革); their addresses keep working.
# aliases = []
# 索引号格式 (index_pattern): a regular expression; `gongkai new catalog` numbers items from it.
# index_pattern = '^11530100MB0X12345K/\\d{{4}}-\\d{{5}}$'
# 语言 (language) when it differs from the site's: zh-CN, zh-TW or en.
# language = \"zh-TW\"
",
        name = toml_string(name)
    )
}

/// The headings of a 政府信息公开指南 as 条例 第十二条 lists its contents.
fn guide_text(name: &str, today: Date) -> String {
    format!(
        "+++
title = {title}
updated = {today}
+++

（编制说明：根据《中华人民共和国政府信息公开条例》编制本指南。请把各节的“（请填写）”换成本机关的实际情况。）

## 一、工作机构及联系方式

- 机构名称：（请填写）
- 办公地址：（请填写）
- 办公时间：（请填写）
- 联系电话：（请填写）
- 传真号码：（请填写）
- 电子邮箱：（请填写）

## 二、信息分类与编排体系

（请填写：主动公开信息的分类、编排方式和索引号的组成。）

## 三、主动公开

（请填写：公开范围、公开方式和公开时限。）

## 四、依申请公开

（请填写：申请的提出方式、受理机构、办理程序和答复时限。）

## 五、监督和救济

（请填写：投诉、举报的渠道，以及申请行政复议、提起行政诉讼的途径。）
",
        title = toml_string(&format!("{name}政府信息公开指南"))
    )
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn scheme(pattern: &str) -> Option<Vec<Part>> {
        let hir = regex_syntax::Parser::new()
            .parse(&format!("^(?:{pattern})$"))
            .ok()?;
        let mut tokens = Vec::new();
        flatten(&hir, &mut tokens).then_some(())?;
        assign_roles(tokens)
    }

    #[test]
    fn understands_common_patterns() {
        let lit = |s: &str| Part::Literal(s.into());
        assert_eq!(
            scheme(r"^11530100MB0X12345K/\d{4}-\d{5}$"),
            Some(vec![
                lit("11530100MB0X12345K/"),
                Part::Year,
                lit("-"),
                Part::Sequence {
                    width: 5,
                    max: Some(5)
                }
            ])
        );
        assert_eq!(
            scheme(r"^AB/[0-9]{4}-[0-9]{2}-[0-9]{3}$"),
            Some(vec![
                lit("AB/"),
                Part::Year,
                lit("-"),
                Part::Month,
                lit("-"),
                Part::Sequence {
                    width: 3,
                    max: Some(3)
                }
            ])
        );
        assert_eq!(
            scheme(r"^X-\d{6}-\d+$"),
            Some(vec![
                lit("X-"),
                Part::YearMonth,
                lit("-"),
                Part::Sequence {
                    width: 1,
                    max: None
                }
            ])
        );
        assert_eq!(scheme(r"^(A|B)/\d{4}-\d{5}$"), None);
        assert_eq!(scheme(r"^[A-Z]+/\d{5}$"), None);
        assert_eq!(scheme(r"^ABC$"), None);
    }

    /// The keys a template writes (`key = …`, `[key]`, `[[key]]`) and the
    /// keys it shows as comments (`# key = …`, or `#   key   what it is`).
    fn template_keys(text: &str) -> (BTreeSet<String>, BTreeSet<String>) {
        let line = regex::Regex::new(r"^(#\s*)?\[{0,2}([a-z_]+)(\]{1,2}| = |\s{2,})").unwrap();
        let (mut written, mut shown) = (BTreeSet::new(), BTreeSet::new());
        for l in text.lines() {
            if let Some(c) = line.captures(l) {
                let key = c[2].to_string();
                if c.get(1).is_some() {
                    shown.insert(key);
                } else {
                    written.insert(key);
                }
            }
        }
        (written, shown)
    }

    /// Each field of a kind's table is in its `new` template (a required
    /// one written, an optional one written or shown as a comment), and
    /// the template has no key the table lacks: a field added to a table
    /// fails here until `new` writes it.
    #[test]
    fn new_templates_hold_every_field_of_their_tables() {
        use crate::load::fields::{Field, Need};
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        fs::write(
            root.join("site.toml"),
            "title = \"示例\"\nbase_url = \"https://xxgk.example.gov.cn/\"\nlanguage = \"zh-CN\"\n",
        )
        .unwrap();
        let today = Date::from_ymd(2025, 3, 1).unwrap();
        new_department(root, "bgt", "示例市人民政府办公室", today).unwrap();
        let item = new_catalog_item(root, "bgt", None, Some("综合政务\\政务公开"), today).unwrap();
        let power =
            new_power(root, "bgt", "530100-XK-001", "企业投资项目核准", "行政许可").unwrap();
        let reports = report::new_report(root, "bgt", 2024, today).unwrap();
        let read = |rel: &Path| fs::read_to_string(root.join(rel)).unwrap();
        let front = |text: String| text.split("+++").nth(1).unwrap().to_string();
        let power_text = read(&power);
        let (power_top, steps) = power_text.split_once("# 流程").unwrap();
        let report_text = read(&reports[0]);
        // Rows under the tables are the layout's own (`model/report.rs`).
        let report_top = report_text
            .lines()
            .filter(|l| {
                l.starts_with('[')
                    || l.starts_with('#')
                    || crate::load::report::REPORT_FIELDS
                        .iter()
                        .any(|f| l.starts_with(&format!("{} = ", f.key)))
            })
            .collect::<Vec<_>>()
            .join("\n");
        let kinds: [(&str, &[Field], String); 6] = [
            (
                "catalog item",
                crate::load::catalog::CATALOG_FIELDS,
                front(read(&item.path)),
            ),
            (
                "department.toml",
                crate::load::department::DEPARTMENT_FIELDS,
                read(Path::new("content/bgt/department.toml")),
            ),
            (
                "guide.md",
                crate::load::department::GUIDE_FIELDS,
                front(read(Path::new("content/bgt/guide.md"))),
            ),
            (
                "power",
                crate::load::power::POWER_FIELDS,
                format!("{power_top}\n[[steps]]"),
            ),
            (
                "[[steps]]",
                crate::load::power::STEP_FIELDS,
                steps.replace("[[steps]]", ""),
            ),
            (
                "annual report",
                crate::load::report::REPORT_FIELDS,
                report_top,
            ),
        ];
        for (kind, table, text) in kinds {
            let (written, shown) = template_keys(&text);
            for field in table {
                let key = field.key.to_string();
                match field.need {
                    Need::Required | Need::Validated => assert!(
                        written.contains(&key),
                        "the `new` template of a {kind} does not write its required field `{key}`"
                    ),
                    Need::Optional => assert!(
                        written.contains(&key) || shown.contains(&key),
                        "the `new` template of a {kind} neither writes nor shows its field `{key}`"
                    ),
                }
            }
            for key in written.union(&shown) {
                assert!(
                    table.iter().any(|f| f.key == key),
                    "the `new` template of a {kind} has `{key}`, which its field table lacks"
                );
            }
        }
    }
}
