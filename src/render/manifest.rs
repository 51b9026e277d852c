//! `api/manifest.json`: every published document (catalog items, powers,
//! guides, department pages, annual reports) with its URL and revisions.
//! The archivist's and the tests' way into the site.

use serde::Serialize;

use crate::model::{Date, Payload};
use crate::urls::{self, Urls};
use crate::validate::{Document, Site};

use super::BuildInfo;
use super::views::Lookup;

#[derive(Debug, Serialize)]
pub struct Manifest {
    pub build: BuildInfo,
    pub items: Vec<ManifestItem>,
}

#[derive(Debug, Serialize)]
pub struct ManifestItem {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub title: String,
    pub department: String,
    pub status: &'static str,
    pub retired: Option<Date>,
    /// When the file was deleted from the repository (also in `retired`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deleted: Option<Date>,
    pub url: String,
    pub revisions: Vec<ManifestRevision>,
}

#[derive(Debug, Serialize)]
pub struct ManifestRevision {
    /// The commit that made this revision; `None` outside git or for a
    /// change not committed yet.
    pub commit: Option<String>,
    pub date: Option<Date>,
    /// Git blob id of the exact source bytes published at `source_url`.
    pub blob: String,
    pub snapshot_url: String,
    pub source_url: String,
    /// Every file of a revision made of several (an annual report and its
    /// narrative), the first being `blob` at `source_url`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<ManifestSource>,
}

#[derive(Debug, Serialize)]
pub struct ManifestSource {
    /// Git blob id of the file's exact bytes published at `source_url`.
    pub blob: String,
    pub source_url: String,
}

pub fn manifest(site: &Site, lookup: &Lookup, build: &BuildInfo) -> Manifest {
    let u = lookup.urls;
    let mut items: Vec<ManifestItem> = site.items.iter().map(|i| entry(i, u)).collect();
    items.extend(site.powers.iter().map(|p| entry(p, u)));
    items.extend(site.guides.iter().map(|g| entry(g, u)));
    items.extend(site.department_pages.iter().map(|d| entry(d, u)));
    items.extend(site.report_pages.iter().map(|r| entry(r, u)));
    items.sort_by(|a, b| a.id.cmp(&b.id).then(a.kind.cmp(b.kind)));
    Manifest {
        build: build.clone(),
        items,
    }
}

/// One document and its revisions.
fn entry<T: Payload>(doc: &Document<T>, u: &Urls) -> ManifestItem {
    let key = doc.key();
    let d = &doc.doc;
    ManifestItem {
        id: key.id.clone(),
        kind: key.kind.name(),
        title: d.title().to_string(),
        department: d.department().to_string(),
        status: doc.validity.key(),
        retired: doc.retired_on,
        deleted: doc.removed.as_ref().map(|r| r.date),
        url: u.href(&urls::document(&key)),
        revisions: doc
            .revisions
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let files = doc.revision_doc(i).files();
                let mut sources: Vec<ManifestSource> = files
                    .into_iter()
                    .map(|(blob, extension, _)| ManifestSource {
                        source_url: u.href(&urls::source_file(&key, &blob, extension)),
                        blob,
                    })
                    .collect();
                let first = sources.remove(0);
                if !sources.is_empty() {
                    sources.insert(
                        0,
                        ManifestSource {
                            blob: first.blob.clone(),
                            source_url: first.source_url.clone(),
                        },
                    );
                }
                ManifestRevision {
                    commit: r.commit.as_ref().map(|c| c.id.clone()),
                    date: r.date(),
                    blob: first.blob,
                    snapshot_url: u.href(&urls::snapshot(&key, &r.blob)),
                    source_url: first.source_url,
                    sources,
                }
            })
            .collect(),
    }
}

pub fn to_json(manifest: &Manifest) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(manifest).expect("the manifest serialises");
    bytes.push(b'\n');
    bytes
}
