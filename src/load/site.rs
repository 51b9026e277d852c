//! `site.toml`.

use std::path::Path;

use toml::Value;

use crate::diagnostics::{Diagnostic, Diagnostics, Severity, SourceFile};
use crate::model::SiteConfig;
use crate::urls;
use crate::vocabulary;

use super::fields::{Field, Fields, optional, required};
use super::read_source;

pub(crate) const SITE_FIELDS: &[Field] = &[
    required("title", "\"示例市人民政府信息公开\""),
    required("base_url", "\"https://xxgk.example.gov.cn/\""),
    required("language", "\"zh-CN\""),
    optional("organization", "\"示例市人民政府\""),
    optional("description", "\"……\""),
    optional("theme", "\"default\""),
    optional("paginate_by", "20"),
    optional("vocabularies", "{ … }"),
    optional("timezone", "\"+08:00\""),
    // The footer identity: load/identity.rs.
    optional("site_code", "\"5300000030\""),
    optional("icp", "\"滇ICP备05000001号\""),
    optional("police_filing", "\"滇公网安备 53010202000001号\""),
    optional("sponsor", "\"示例市人民政府办公室\""),
    optional("operator", "\"示例市人民政府办公室\""),
    optional("conac_url", "\"https://…\""),
    optional("error_report_url", "\"https://…\""),
    optional("contact", "\"示例市人民政府办公室\""),
];
pub(crate) const VOCABULARY_FIELDS: &[Field] = &[
    optional("categories", "[\"综合政务\\\\政务公开\"]"),
    optional("kinds", "[\"通知\"]"),
    optional("power_categories", "[\"行政许可\"]"),
];

pub fn load_site_config(root: &Path, diagnostics: &mut Diagnostics) -> Option<SiteConfig> {
    let rel = Path::new("site.toml");
    if !super::exists(root, rel) {
        diagnostics.push(
            Diagnostic::for_path(Severity::Error, "missing-site-toml", rel, "the site has no site.toml")
                .with_help("create site.toml with title, base_url and language, e.g.\ntitle = \"示例市人民政府信息公开\"\nbase_url = \"https://xxgk.example.gov.cn/\"\nlanguage = \"zh-CN\""),
        );
        return None;
    }
    match read_source(root, rel) {
        Ok(source) => parse_site_config(source, diagnostics),
        Err(d) => {
            diagnostics.push(d);
            None
        }
    }
}

/// Read the fields of `site.toml` from its text.
pub fn parse_site_config(source: SourceFile, diagnostics: &mut Diagnostics) -> Option<SiteConfig> {
    let text = source.text.clone();
    let mut f = match Fields::parse(&source, &text, 0, 0..0, SITE_FIELDS) {
        Ok(f) => f,
        Err(d) => {
            diagnostics.push(d);
            return None;
        }
    };
    let title = f.string("title");
    let base_url = f.string("base_url");
    let language = f.language();
    let organization = f.string("organization");
    let description = f.string("description");
    let theme = f.string("theme");
    let paginate_by = f.integer("paginate_by");
    let vocabularies = f.table("vocabularies", VOCABULARY_FIELDS);
    let timezone = f.string("timezone");
    let identity = super::identity::read(&mut f, &source);

    let base_url = base_url.and_then(|b| {
        if b.value.starts_with("https://") || b.value.starts_with("http://") {
            let mut url = b.value;
            if !url.ends_with('/') {
                url.push('/');
            }
            Some(url)
        } else {
            f.diagnostics.push(
                source
                    .error(
                        "bad-base-url",
                        b.span,
                        "`base_url` must be a full http(s) address",
                    )
                    .with_help("write it like base_url = \"https://xxgk.example.gov.cn/\""),
            );
            None
        }
    });
    let theme = match theme {
        Some(t) if !super::department::is_valid_slug(&t.value) && t.value != "default" => {
            f.diagnostics.push(
                source
                    .error(
                        "bad-theme",
                        t.span,
                        "`theme` must be the name of a folder under themes/",
                    )
                    .with_help(
                        "use lowercase letters, digits and hyphens, e.g. theme = \"city-blue\"",
                    ),
            );
            "default".to_string()
        }
        Some(t) => t.value,
        None => "default".to_string(),
    };
    let paginate_by = match paginate_by {
        Some(p) if !(1..=1000).contains(&p.value) => {
            f.diagnostics.push(
                source
                    .error(
                        "bad-paginate-by",
                        p.span,
                        "`paginate_by` must be between 1 and 1000",
                    )
                    .with_help("paginate_by = 20"),
            );
            20
        }
        Some(p) => p.value as usize,
        None => 20,
    };
    let timezone = match timezone {
        Some(t) => parse_utc_offset(&t.value).unwrap_or_else(|| {
            f.diagnostics.push(
                source
                    .error(
                        "bad-timezone",
                        t.span,
                        format!(
                            "`timezone` must be a UTC offset like \"+08:00\", not \"{}\"",
                            t.value
                        ),
                    )
                    .with_help("timezone = \"+08:00\" (China Standard Time, the default)"),
            );
            DEFAULT_UTC_OFFSET
        }),
        None => DEFAULT_UTC_OFFSET,
    };
    let mut categories = vocabulary::default_categories();
    let mut kinds = vocabulary::default_kinds();
    let mut power_categories = vocabulary::default_power_categories();
    if let Some(table) = vocabularies {
        for (key, (value, span)) in table {
            let list = match value {
                Value::Array(items) => items
                    .into_iter()
                    .map(|v| match v {
                        Value::String(s) => Some(s),
                        _ => None,
                    })
                    .collect::<Option<Vec<_>>>(),
                _ => None,
            };
            match list {
                Some(list) if !list.is_empty() => {
                    // Each string is looked for from its key on.
                    let spans = f.locate_strings(&list, span.start..source.text.len());
                    for (value, at) in list.iter().zip(spans) {
                        let problem = match key.as_str() {
                            "categories" => urls::category_problem(value),
                            _ => urls::segment_problem(value),
                        };
                        if let Some(problem) = problem {
                            f.diagnostics.push(
                                source
                                    .error("bad-url-segment", at, format!("the entry \"{value}\" of `vocabularies.{key}` {problem}"))
                                    .with_help(format!("each entry becomes the web address of its listing page: {}", urls::SEGMENT_RULE)),
                            );
                        }
                    }
                    match key.as_str() {
                        "categories" => categories = list,
                        "power_categories" => power_categories = list,
                        _ => kinds = list,
                    }
                }
                _ => f.diagnostics.push(
                    source
                        .error("wrong-type", span, format!("`vocabularies.{key}` must be a non-empty list of strings"))
                        .with_help(format!("write it like {key} = [\"…\", \"…\"], or remove it to use the national vocabulary")),
                ),
            }
        }
    }
    diagnostics.extend(std::mem::take(&mut f.diagnostics));
    Some(SiteConfig {
        title: title?.value,
        base_url: base_url?,
        language: language?,
        organization: organization.map(|o| o.value),
        description: description.map(|d| d.value),
        theme,
        paginate_by,
        categories,
        kinds,
        power_categories,
        timezone,
        identity,
    })
}

/// China Standard Time (UTC+8, no daylight saving): the calendar of a
/// Chinese government office, wherever the command runs.
pub const DEFAULT_UTC_OFFSET: i32 = 8 * 3600;

/// `+08:00`, `-05:00`, `Z` → seconds east of UTC.
pub fn parse_utc_offset(text: &str) -> Option<i32> {
    if text == "Z" {
        return Some(0);
    }
    let (sign, rest) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    let (hours, minutes) = rest.split_once(':')?;
    if hours.len() != 2 || minutes.len() != 2 {
        return None;
    }
    let hours: i32 = hours.parse().ok()?;
    let minutes: i32 = minutes.parse().ok()?;
    (hours <= 14 && minutes < 60).then_some(sign * (hours * 3600 + minutes * 60))
}

/// The site's UTC offset from `root/site.toml`, or the default when the
/// file is missing or does not say: for callers that need only the zone
/// (`new`, the history); `load_site_config` reports a bad value.
pub fn site_utc_offset(root: &Path) -> i32 {
    read_source(root, Path::new("site.toml"))
        .ok()
        .and_then(|source| source.text.parse::<toml::Table>().ok())
        .and_then(|table| match table.get("timezone") {
            Some(Value::String(s)) => parse_utc_offset(s),
            _ => None,
        })
        .unwrap_or(DEFAULT_UTC_OFFSET)
}
