//! Plain data types that pass between the pipeline stages. None of them
//! holds a handle, a lock or reads the clock.

use std::fmt;
use std::ops::Range;

use regex::Regex;
use serde::{Serialize, Serializer};

use crate::diagnostics::SourceFile;

mod document;
pub mod file_type;
mod power;
pub mod report;
pub use document::{DocKey, Kind, Payload};
pub use power::{NextStep, PowerItem, Step};

/// A calendar date (no time zone: 发布日期 and friends are civil dates).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(time::Date);

impl Date {
    /// Placeholder for a date that could not be read (already reported).
    pub const EPOCH: Date = Date(time::Date::MIN);

    pub fn from_ymd(year: i32, month: u8, day: u8) -> Option<Date> {
        let month = time::Month::try_from(month).ok()?;
        time::Date::from_calendar_date(year, month, day)
            .ok()
            .map(Date)
    }

    pub fn year(self) -> i32 {
        self.0.year()
    }

    pub fn month(self) -> u8 {
        u8::from(self.0.month())
    }

    /// Parse `YYYY-MM-DD` (as given to `--as-of`).
    pub fn parse_iso(s: &str) -> Option<Date> {
        let mut it = s.split('-');
        let y = it.next()?.parse().ok()?;
        let m = it.next()?.parse().ok()?;
        let d = it.next()?.parse().ok()?;
        if it.next().is_some() || s.len() != 10 {
            return None;
        }
        Date::from_ymd(y, m, d)
    }

    /// The civil date of a Unix timestamp seen at a UTC offset (seconds),
    /// as recorded in a git commit.
    pub fn from_unix(seconds: i64, offset_seconds: i32) -> Option<Date> {
        let t = time::OffsetDateTime::from_unix_timestamp(seconds).ok()?;
        let offset = time::UtcOffset::from_whole_seconds(offset_seconds).ok()?;
        Some(Date(t.to_offset(offset).date()))
    }

    /// Working days (Monday to Friday) after `self` up to and including
    /// `later`. Public holidays and 调休 make-up days are not modelled.
    pub fn working_days_until(self, later: Date) -> i64 {
        let mut count = 0;
        let mut day = self.0;
        while day < later.0 {
            day = day
                .next_day()
                .expect("dates stay far from the calendar's end");
            if !matches!(
                day.weekday(),
                time::Weekday::Saturday | time::Weekday::Sunday
            ) {
                count += 1;
            }
        }
        count
    }

    /// `2024年3月1日`, for Chinese running text.
    pub fn chinese(self) -> String {
        format!(
            "{}年{}月{}日",
            self.0.year(),
            u8::from(self.0.month()),
            self.0.day()
        )
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}",
            self.0.year(),
            u8::from(self.0.month()),
            self.0.day()
        )
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A value and the byte span in its source file that it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub span: Range<usize>,
}

impl<T> Located<T> {
    pub fn new(value: T, span: Range<usize>) -> Self {
        Located { value, span }
    }
}

/// The interface language of the theme and the `lang` of pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Language {
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "zh-TW")]
    ZhTw,
    #[serde(rename = "en")]
    En,
}

impl Language {
    pub const ALL: [&'static str; 3] = ["zh-CN", "zh-TW", "en"];

    pub fn parse(s: &str) -> Option<Language> {
        match s {
            "zh-CN" => Some(Language::ZhCn),
            "zh-TW" => Some(Language::ZhTw),
            "en" => Some(Language::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Language::ZhCn => "zh-CN",
            Language::ZhTw => "zh-TW",
            Language::En => "en",
        }
    }
}

/// `site.toml`.
#[derive(Clone, Debug)]
pub struct SiteConfig {
    pub title: String,
    /// Always ends with `/`.
    pub base_url: String,
    pub language: Language,
    /// The government the site belongs to (shown in the footer).
    pub organization: Option<String>,
    pub description: Option<String>,
    /// Name of a folder under `themes/` whose files override the default theme.
    pub theme: String,
    /// Items per listing page.
    pub paginate_by: usize,
    /// 主题分类, `一级\二级` (or a bare `一级` for classes without children).
    pub categories: Vec<String>,
    /// 文种/体裁.
    pub kinds: Vec<String>,
    /// 职权类型 of the 权力清单.
    pub power_categories: Vec<String>,
    /// The site's UTC offset in seconds (`timezone = "+08:00"`): the zone
    /// of `new`'s dates, the as-of date and every date taken from git.
    pub timezone: i32,
    /// What the footer of every 政府网站 shows.
    pub identity: SiteIdentity,
}

/// The footer identity of a government site (`load/identity.rs`).
#[derive(Clone, Debug, Default, Serialize)]
pub struct SiteIdentity {
    /// 网站标识码.
    pub site_code: Option<String>,
    /// ICP备案号.
    pub icp: Option<String>,
    /// 公安机关备案号 as written, and its page on the filing site.
    pub police_filing: Option<String>,
    pub police_filing_url: Option<String>,
    /// 主办 and 承办 units.
    pub sponsor: Option<String>,
    pub operator: Option<String>,
    /// The 党政机关网站 mark's page at 中央编办.
    pub conac_url: Option<String>,
    /// 我为政府网站找错.
    pub error_report_url: Option<String>,
    pub contact: Option<String>,
}

/// `content/<slug>/department.toml` (+ its guide).
#[derive(Clone, Debug)]
pub struct Department {
    /// Folder name: the department's permanent URL segment.
    pub slug: String,
    pub name: String,
    pub short_name: Option<String>,
    /// 统一社会信用代码.
    pub code: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub fax: Option<String>,
    pub email: Option<String>,
    pub office_hours: Option<String>,
    /// Slug of the parent department, or a name outside this site.
    pub parent: Option<String>,
    /// Former slugs (机构改革).
    pub aliases: Vec<String>,
    /// 索引号 pattern, anchored when compiled.
    pub index_pattern: Option<Regex>,
    /// Content language when it differs from the site's (e.g. zh-TW).
    pub language: Option<Language>,
    pub guide: Option<Guide>,
    pub source: SourceFile,
    /// Git blob id of department.toml's exact bytes.
    pub blob: String,
}

/// 政府信息公开指南.
#[derive(Clone, Debug)]
pub struct Guide {
    /// The slug of its department (its folder).
    pub department: String,
    /// Git blob id of the file's exact bytes.
    pub blob: String,
    pub title: Option<String>,
    pub updated: Option<Date>,
    pub body: String,
    pub source: SourceFile,
}

/// 有效性 as written by the editor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    InForce,
    Amended,
    Repealed,
    Expired,
}

impl Status {
    pub const ALL: [&'static str; 4] = ["in-force", "amended", "repealed", "expired"];

    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "in-force" => Some(Status::InForce),
            "amended" => Some(Status::Amended),
            "repealed" => Some(Status::Repealed),
            "expired" => Some(Status::Expired),
            _ => None,
        }
    }
}

/// 有效性 as of the build date: what the badge shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Validity {
    InForce,
    Amended,
    Repealed,
    Expired,
    /// 尚未生效: `effective` is after the as-of date.
    Pending,
}

impl Validity {
    /// What a document's `status` alone says (no dates considered).
    pub fn of_status(status: Status) -> Validity {
        match status {
            Status::InForce => Validity::InForce,
            Status::Amended => Validity::Amended,
            Status::Repealed => Validity::Repealed,
            Status::Expired => Validity::Expired,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Validity::InForce => "in-force",
            Validity::Amended => "amended",
            Validity::Repealed => "repealed",
            Validity::Expired => "expired",
            Validity::Pending => "pending",
        }
    }

    pub fn is_retired(self) -> bool {
        matches!(self, Validity::Repealed | Validity::Expired)
    }
}

/// 公开方式.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Disclosure {
    /// 主动公开.
    Active,
    /// 不予公开: kept in the repository for the register, never published.
    Exempt,
}

/// One 公开目录 item as written in `catalog/**/*.md`.
#[derive(Clone, Debug)]
pub struct CatalogItem {
    /// False when a required field was missing or unreadable: the item
    /// then holds placeholders and is checked, never published.
    pub complete: bool,
    pub source: SourceFile,
    /// Git blob id of the file's exact bytes (`git hash-object`).
    pub blob: String,
    pub department: String,
    /// 索引号: the item's permanent identity.
    pub index_no: Located<String>,
    pub title: String,
    /// 发布日期.
    pub published: Located<Date>,
    /// 成文日期.
    pub written: Option<Located<Date>>,
    /// 文号.
    pub doc_no: Option<String>,
    /// 文种.
    pub kind: Option<Located<String>>,
    /// 主题分类.
    pub category: Located<String>,
    /// 发布机构; the department name when absent.
    pub publisher: Option<String>,
    pub status: Status,
    pub status_span: Range<usize>,
    pub effective: Option<Date>,
    pub expires: Option<Date>,
    pub retired: Option<Located<Date>>,
    pub retired_reason: Option<String>,
    pub superseded_by: Option<Located<String>>,
    pub disclosure: Disclosure,
    pub draft: bool,
    pub keywords: Vec<String>,
    /// Paths under the department's `files/`.
    pub attachments: Vec<Located<String>>,
    /// Byte range of the Markdown body in `source.text`.
    pub body: Range<usize>,
}

impl CatalogItem {
    pub fn body_markdown(&self) -> &str {
        &self.source.text[self.body.clone()]
    }

    /// Validity on `day` and, for a retired item, since when.
    pub fn validity_on(&self, day: Date) -> (Validity, Option<Date>) {
        let retired = self.retired.as_ref().map(|r| r.value);
        match self.status {
            Status::Repealed => return (Validity::Repealed, retired),
            Status::Expired => return (Validity::Expired, retired.or(self.expires)),
            _ => {}
        }
        if let Some(expires) = self.expires
            && expires < day
        {
            return (Validity::Expired, Some(expires));
        }
        if self.effective.is_some_and(|e| e > day) {
            return (Validity::Pending, None);
        }
        match self.status {
            Status::Amended => (Validity::Amended, None),
            _ => (Validity::InForce, None),
        }
    }
}

/// A file under a department's `files/` folder.
#[derive(Clone, Debug)]
pub struct Attachment {
    pub department: String,
    /// Path under `files/`, `/`-separated.
    pub path: String,
    pub size: u64,
    /// What `load` found at that path.
    pub content: AttachmentContent,
}

/// What an entry of `files/` is, judged by [`file_type`]: only `Allowed`
/// files are ever published.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttachmentContent {
    /// A regular file of an allowed type whose first bytes fit it.
    Allowed,
    /// The extension is not one of [`file_type::ATTACHMENT_TYPES`].
    NotAllowed,
    /// The extension is allowed but the bytes are something else.
    Mismatch(file_type::Mismatch),
    /// A symbolic link, to a file or a folder.
    Linked,
    /// The file could not be read.
    Unreadable,
}

/// Who the build is for: decides whether drafts are included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// `gongkai build`: drafts are left out.
    Publish,
    /// `gongkai serve`: drafts are shown.
    Preview,
}
