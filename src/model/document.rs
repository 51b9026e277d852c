//! What every published document kind shares: a key that names it for
//! good (its kind and its id), and the few facts the life cycle needs of
//! one revision (whether it may be published, its validity on a day, its
//! exact source). The life cycle itself — revisions, retirement,
//! withdrawal, releases — is written once over this trait
//! (`validate::document`), and so are the URLs of a document
//! (`urls::doc_*`).

use super::report::Report;
use super::{CatalogItem, Date, Department, Disclosure, Guide, PowerItem, Status, Validity};

/// The kinds of document that have a history. The order is the order of
/// release lists (catalog items before powers).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A 公开目录 item, keyed by its 索引号.
    Item,
    /// A 权力清单 power, keyed by its 职权编码.
    Power,
    /// A department's 政府信息公开指南, keyed by the department's slug.
    Guide,
    /// A department's own page (`department.toml`), keyed by its slug.
    Department,
    /// An annual report (`reports/<year>.toml` and its optional `.md`),
    /// keyed by `<slug>/<year>`.
    Report,
}

impl Kind {
    /// The kind's name in the manifest (`type`).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Item => "catalog",
            Kind::Power => "power",
            Kind::Guide => "guide",
            Kind::Department => "department",
            Kind::Report => "report",
        }
    }

    /// The extension of the kind's (first) source file.
    pub fn source_extension(self) -> &'static str {
        match self {
            Kind::Item | Kind::Guide => "md",
            Kind::Power | Kind::Department | Kind::Report => "toml",
        }
    }
}

/// A document's permanent identity: its kind and its id (索引号,
/// 职权编码). URLs and history are keyed by it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DocKey {
    pub kind: Kind,
    pub id: String,
}

impl DocKey {
    pub fn new(kind: Kind, id: impl Into<String>) -> DocKey {
        DocKey {
            kind,
            id: id.into(),
        }
    }

    /// The name `gongkai history` and `show` take, and `/versions/` shows:
    /// the 索引号 or 职权编码, else the file's place (`<slug>/guide.md`,
    /// `<slug>/department.toml`, `<slug>/reports/<year>`).
    pub fn name(&self) -> String {
        match self.kind {
            Kind::Item | Kind::Power => self.id.clone(),
            Kind::Guide => format!("{}/guide.md", self.id),
            Kind::Department => format!("{}/department.toml", self.id),
            Kind::Report => match self.id.split_once('/') {
                Some((slug, year)) => format!("{slug}/reports/{year}"),
                None => self.id.clone(),
            },
        }
    }
}

/// One revision of a document as parsed from its file.
pub trait Payload: Clone + std::fmt::Debug + Send + Sync + 'static {
    const KIND: Kind;
    /// The id within its kind (empty when the file did not say).
    fn id(&self) -> &str;
    /// Git blob id of the file's exact bytes.
    fn blob(&self) -> &str;
    fn title(&self) -> &str;
    /// The slug of the department that publishes it.
    fn department(&self) -> &str;
    /// The file's exact text.
    fn source_text(&self) -> &str;
    /// Public unless the kind has an `exempt` field (items, powers).
    fn disclosure(&self) -> Disclosure {
        Disclosure::Active
    }
    /// False when a required field was missing or unreadable: the file is
    /// checked, never published.
    fn is_complete(&self) -> bool {
        true
    }
    fn is_draft(&self) -> bool {
        false
    }
    /// Complete and not a draft: this revision may be published (unless
    /// exempt).
    fn is_final(&self) -> bool {
        self.is_complete() && !self.is_draft()
    }
    /// Validity on `day` and, for a retired document, since when: in force
    /// unless the kind has validity dates (items, powers).
    fn validity_on(&self, _day: Date) -> (Validity, Option<Date>) {
        (Validity::InForce, None)
    }

    fn key(&self) -> DocKey {
        DocKey::new(Self::KIND, self.id())
    }

    /// The files one revision is made of, each (git blob id, extension,
    /// exact text), published byte for byte: one file, except an annual
    /// report with its narrative.
    fn files(&self) -> Vec<(String, &'static str, &str)> {
        vec![(
            self.blob().to_string(),
            Self::KIND.source_extension(),
            self.source_text(),
        )]
    }
}

impl Payload for CatalogItem {
    const KIND: Kind = Kind::Item;
    fn id(&self) -> &str {
        &self.index_no.value
    }
    fn blob(&self) -> &str {
        &self.blob
    }
    fn title(&self) -> &str {
        &self.title
    }
    fn department(&self) -> &str {
        &self.department
    }
    fn source_text(&self) -> &str {
        &self.source.text
    }
    fn disclosure(&self) -> Disclosure {
        self.disclosure
    }
    fn is_complete(&self) -> bool {
        self.complete
    }
    fn is_draft(&self) -> bool {
        self.draft
    }
    fn validity_on(&self, day: Date) -> (Validity, Option<Date>) {
        CatalogItem::validity_on(self, day)
    }
}

impl Payload for PowerItem {
    const KIND: Kind = Kind::Power;
    fn id(&self) -> &str {
        &self.code.value
    }
    fn blob(&self) -> &str {
        &self.blob
    }
    fn title(&self) -> &str {
        &self.name
    }
    fn department(&self) -> &str {
        &self.department
    }
    fn source_text(&self) -> &str {
        &self.source.text
    }
    fn disclosure(&self) -> Disclosure {
        self.disclosure
    }
    fn is_complete(&self) -> bool {
        self.complete
    }
    fn is_draft(&self) -> bool {
        self.draft
    }
    /// A power has no dates of its own: its status decides.
    fn validity_on(&self, _day: Date) -> (Validity, Option<Date>) {
        let validity = Validity::of_status(self.status);
        let retired = match self.status {
            Status::Repealed | Status::Expired => self.retired.as_ref().map(|r| r.value),
            _ => None,
        };
        (validity, retired)
    }
}

/// A guide is always in force and has no draft state: what is in it is
/// published until it is deleted.
impl Payload for Guide {
    const KIND: Kind = Kind::Guide;
    fn id(&self) -> &str {
        &self.department
    }
    fn blob(&self) -> &str {
        &self.blob
    }
    fn title(&self) -> &str {
        self.title.as_deref().unwrap_or_default()
    }
    fn department(&self) -> &str {
        &self.department
    }
    fn source_text(&self) -> &str {
        &self.source.text
    }
}

/// A department page is always in force: it is retired only by deleting
/// its folder.
impl Payload for Department {
    const KIND: Kind = Kind::Department;
    fn id(&self) -> &str {
        &self.slug
    }
    fn blob(&self) -> &str {
        &self.blob
    }
    fn title(&self) -> &str {
        &self.name
    }
    fn department(&self) -> &str {
        &self.slug
    }
    fn source_text(&self) -> &str {
        &self.source.text
    }
}

/// An annual report is never expired: it reports on a year that is over.
/// It is retired only by deleting its file; a correction is a revision.
impl Payload for Report {
    const KIND: Kind = Kind::Report;
    fn id(&self) -> &str {
        &self.id
    }
    fn blob(&self) -> &str {
        &self.blob
    }
    fn title(&self) -> &str {
        self.title.as_deref().unwrap_or_default()
    }
    fn department(&self) -> &str {
        &self.department
    }
    /// The TOML; the narrative is among [`Payload::files`].
    fn source_text(&self) -> &str {
        &self.source.text
    }
    fn is_draft(&self) -> bool {
        self.draft
    }
    fn files(&self) -> Vec<(String, &'static str, &str)> {
        Report::files(self)
    }
}
