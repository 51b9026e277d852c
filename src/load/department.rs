//! `content/<slug>/department.toml` and `guide.md`.

use std::path::Path;

use regex::Regex;

use crate::diagnostics::{Diagnostic, Diagnostics, Severity, SourceFile};
use crate::model::{Department, Guide};

use super::fields::{Field, Fields, optional, required};
use super::front_matter::split_front_matter;
use super::{read_source, relative};

pub(crate) const DEPARTMENT_FIELDS: &[Field] = &[
    required("name", "\"示例市发展和改革委员会\""),
    optional("short_name", "\"发改委\""),
    optional("code", "\"11530100MB0X12345K\""),
    optional("address", "\"示例市人民路1号\""),
    optional("phone", "\"0871-12345678\""),
    optional("fax", "\"0871-12345679\""),
    optional("email", "\"xxgk@example.gov.cn\""),
    optional("office_hours", "\"工作日 9:00—17:00\""),
    optional("parent", "\"zfb\""),
    optional("aliases", "[\"old-slug\"]"),
    optional("index_pattern", "'^11530100MB0X12345K/\\d{4}-\\d{5}$'"),
    optional("language", "\"zh-TW\""),
];

pub(crate) const GUIDE_FIELDS: &[Field] = &[
    optional("title", "\"示例市某某局政府信息公开指南\""),
    optional("updated", "2024-03-01"),
];

/// A department slug is a URL segment forever: lowercase ASCII letters,
/// digits and inner hyphens, at most 240 of them.
pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && crate::urls::segment_problem(slug).is_none()
}

pub fn load_department(
    root: &Path,
    slug: &str,
    dir: &Path,
    diagnostics: &mut Diagnostics,
) -> Option<Department> {
    let toml_path = relative(root, &dir.join("department.toml"));
    if !is_valid_slug(slug) {
        diagnostics.push(
            Diagnostic::for_path(
                Severity::Error,
                "bad-slug",
                &relative(root, dir),
                format!("the department folder name `{slug}` cannot be used in web addresses"),
            )
            .with_help("rename the folder using lowercase letters a-z, digits and hyphens, e.g. `fgw` or `jiaoyu-ju`"),
        );
    }
    if !super::exists(root, &toml_path) {
        diagnostics.push(
            Diagnostic::for_path(
                Severity::Error,
                "missing-department-toml",
                &toml_path,
                format!("the department folder `{slug}` has no department.toml"),
            )
            .with_help("create it with at least `name = \"示例市某某局\"`"),
        );
        return None;
    }
    let source = match read_source(root, &toml_path) {
        Ok(s) => s,
        Err(d) => {
            diagnostics.push(d);
            return None;
        }
    };
    let department = parse_department(source, slug, diagnostics);
    let guide = load_guide(root, dir, diagnostics);
    department.map(|d| Department { guide, ..d })
}

/// Read the fields of a `department.toml` from its text (without the guide).
pub fn parse_department(
    source: SourceFile,
    slug: &str,
    diagnostics: &mut Diagnostics,
) -> Option<Department> {
    let text = source.text.clone();
    let mut f = match Fields::parse(&source, &text, 0, 0..0, DEPARTMENT_FIELDS) {
        Ok(f) => f,
        Err(d) => {
            diagnostics.push(d);
            return None;
        }
    };
    let name = f.string("name");
    let short_name = f.string("short_name");
    let code = f.string("code");
    let address = f.string("address");
    let phone = f.string("phone");
    let fax = f.string("fax");
    let email = f.string("email");
    let office_hours = f.string("office_hours");
    let parent = f.string("parent");
    let aliases = f.string_list("aliases");
    let index_pattern = f.string("index_pattern");
    let language = f.language();

    for alias in &aliases {
        if !is_valid_slug(&alias.value) {
            f.diagnostics.push(
                source
                    .error("bad-slug", alias.span.clone(), format!("`{}` is not a valid former slug", alias.value))
                    .with_help("aliases are former folder names: lowercase letters a-z, digits and hyphens"),
            );
        }
    }
    let index_pattern = index_pattern.and_then(|p| match Regex::new(&format!("^(?:{})$", p.value)) {
        Ok(re) => Some(re),
        Err(e) => {
            f.diagnostics.push(
                source
                    .error("bad-index-pattern", p.span.clone(), "`index_pattern` is not a valid regular expression")
                    .with_help(format!(
                        "{}; write it as a literal string, e.g. index_pattern = '^11530100MB0X12345K/\\d{{4}}-\\d{{5}}$'",
                        e.to_string().lines().last().unwrap_or_default()
                    )),
            );
            None
        }
    });
    diagnostics.extend(std::mem::take(&mut f.diagnostics));

    Some(Department {
        slug: slug.to_string(),
        name: name?.value,
        short_name: short_name.map(|v| v.value),
        code: code.map(|v| v.value),
        address: address.map(|v| v.value),
        phone: phone.map(|v| v.value),
        fax: fax.map(|v| v.value),
        email: email.map(|v| v.value),
        office_hours: office_hours.map(|v| v.value),
        parent: parent.map(|v| v.value),
        aliases: aliases.into_iter().map(|a| a.value).collect(),
        index_pattern,
        language,
        guide: None,
        blob: crate::git::blob_id(source.text.as_bytes()),
        source,
    })
}

fn load_guide(root: &Path, dir: &Path, diagnostics: &mut Diagnostics) -> Option<Guide> {
    let rel = relative(root, &dir.join("guide.md"));
    if !super::exists(root, &rel) {
        diagnostics.push(
            Diagnostic::for_path(
                Severity::Warning,
                "missing-guide",
                &rel,
                "the department has no 政府信息公开指南 (guide.md)",
            )
            .with_help("条例 第十二条 requires a guide; create guide.md with the office, address, hours and how to apply"),
        );
        return None;
    }
    match read_source(root, &rel) {
        Ok(source) => parse_guide(source, diagnostics),
        Err(d) => {
            diagnostics.push(d);
            None
        }
    }
}

/// Read a `guide.md` from its text.
pub fn parse_guide(source: SourceFile, diagnostics: &mut Diagnostics) -> Option<Guide> {
    // A guide may be plain Markdown without front matter.
    let (title, updated, body) = if source
        .text
        .trim_start_matches('\u{feff}')
        .starts_with("+++")
    {
        let fm = match split_front_matter(&source) {
            Ok(fm) => fm,
            Err(d) => {
                diagnostics.push(d);
                return None;
            }
        };
        let toml_text = source.text[fm.toml.clone()].to_string();
        let mut f = match Fields::parse(
            &source,
            &toml_text,
            fm.toml.start,
            fm.opening_fence.clone(),
            GUIDE_FIELDS,
        ) {
            Ok(f) => f,
            Err(d) => {
                diagnostics.push(d);
                return None;
            }
        };
        let title = f.string("title").map(|t| t.value);
        let updated = f.date("updated").map(|d| d.value);
        diagnostics.extend(std::mem::take(&mut f.diagnostics));
        (title, updated, source.text[fm.body].to_string())
    } else {
        (None, None, source.text.to_string())
    };
    // A guide has no draft state: what is in it is published.
    super::guardrails::placeholders(&source, 0..source.text.len(), diagnostics);
    super::guardrails::pinyin_annotations(&source, 0..source.text.len(), diagnostics);
    // `content/<slug>/guide.md`.
    let department = source
        .path
        .iter()
        .nth(1)
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Some(Guide {
        department,
        blob: crate::git::blob_id(source.text.as_bytes()),
        title,
        updated,
        body,
        source,
    })
}
