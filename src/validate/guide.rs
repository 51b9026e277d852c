//! What 条例 第十二条 asks of a 政府信息公开指南, checked by keywords.
//!
//! A guide must tell readers: the disclosure office (工作机构) with its
//! address, office hours and phone; how information is classified and
//! arranged (信息分类与编排体系); how to obtain it (获取方式: 主动公开
//! channels and the 依申请公开 procedure); and where to complain or appeal
//! (监督和救济: 投诉举报, 行政复议, 行政诉讼). Each element is looked for as
//! plain words in the guide's headings and text (Traditional characters
//! are folded to Simplified first); the address, hours and phone also count
//! when `department.toml` gives them, since the department page shows
//! them. The detection is deliberately simple: a guide that uses other
//! words for a section gets a warning, never an error, and the hint says
//! which words are looked for.

use crate::diagnostics::Diagnostics;
use crate::model::Department;
use crate::text::fold::fold;

/// One element the guide must contain.
struct Requirement {
    /// What is missing, in the message.
    what: &'static str,
    /// Found when every group has at least one of its words in the text.
    groups: &'static [&'static [&'static str]],
    /// The department.toml field that also satisfies it.
    field: Option<fn(&Department) -> bool>,
    help: &'static str,
}

const REQUIREMENTS: &[Requirement] = &[
    Requirement {
        what: "工作机构 (the disclosure office)",
        groups: &[&["工作机构", "受理机构", "工作机关"]],
        field: None,
        help: "add a section such as `## 一、工作机构` naming the office that handles disclosure",
    },
    Requirement {
        what: "办公地址 (the office's address)",
        groups: &[&["地址", "地点"]],
        field: Some(|d| d.address.is_some()),
        help: "give the address in the guide (办公地址：……) or as `address = \"…\"` in department.toml",
    },
    Requirement {
        what: "办公时间 (office hours)",
        groups: &[&["办公时间", "工作时间", "受理时间", "接待时间"]],
        field: Some(|d| d.office_hours.is_some()),
        help: "give the hours in the guide (办公时间：……) or as `office_hours = \"…\"` in department.toml",
    },
    Requirement {
        what: "联系电话 (a phone number)",
        groups: &[&["电话"]],
        field: Some(|d| d.phone.is_some()),
        help: "give the phone in the guide (联系电话：……) or as `phone = \"…\"` in department.toml",
    },
    Requirement {
        what: "信息分类与编排体系 (how information is classified and arranged)",
        groups: &[&["编排", "分类与", "信息分类"]],
        field: None,
        help: "add a section such as `## 二、信息分类与编排体系` describing the categories and the 索引号",
    },
    Requirement {
        what: "获取方式 (how to obtain proactively disclosed information)",
        groups: &[&["获取方式", "主动公开"]],
        field: None,
        help: "add a section such as `## 三、主动公开` naming the channels (website, 公报, 查阅点) and the time limit",
    },
    Requirement {
        what: "依申请公开 (how to apply, and the reply procedure)",
        groups: &[&["依申请"], &["答复"]],
        field: None,
        help: "add a section such as `## 四、依申请公开` with how to apply and the reply time limits (20 + 20 working days)",
    },
    Requirement {
        what: "监督和救济 (complaints, 行政复议 and 行政诉讼)",
        groups: &[&["监督", "投诉", "举报"], &["行政复议"], &["行政诉讼"]],
        field: None,
        help: "add a section such as `## 五、监督和救济` naming where to complain and that 行政复议 and 行政诉讼 are open",
    },
];

/// Warn once per missing element of each department's guide. A missing
/// guide is reported by `load` (`missing-guide`).
pub fn check_guides(departments: &[Department], diagnostics: &mut Diagnostics) {
    for department in departments {
        let Some(guide) = &department.guide else {
            continue;
        };
        let missing = missing(department, &guide.body);
        if missing.is_empty() {
            continue;
        }
        let helps: Vec<&str> = REQUIREMENTS
            .iter()
            .filter(|r| missing.contains(&r.what))
            .map(|r| r.help)
            .collect();
        diagnostics.push(
            guide
                .source
                .warning(
                    "guide-incomplete",
                    0..0,
                    format!(
                        "the guide does not state what 条例 第十二条 requires: {}",
                        missing.join("; ")
                    ),
                )
                .with_help(helps.join("\n")),
        );
    }
}

/// The elements missing from a guide body (by [`Requirement::what`]).
pub fn missing(department: &Department, body: &str) -> Vec<&'static str> {
    // Traditional (and Taiwan, Hong Kong) forms read as Simplified, by the
    // table search uses; keywords go through it too, so a keyword character
    // that the table maps still matches.
    let fold = |s: &str| s.chars().map(fold).collect::<String>();
    let text = fold(body);
    REQUIREMENTS
        .iter()
        .filter(|r| {
            let in_text = r
                .groups
                .iter()
                .all(|words| words.iter().any(|w| text.contains(&fold(w))));
            let in_fields = r.field.is_some_and(|f| f(department));
            !in_text && !in_fields
        })
        .map(|r| r.what)
        .collect()
}
