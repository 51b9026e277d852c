//! `api/manifest.json`: every published item with its URL and revisions.
//! The archivist's and the tests' way into the site.

use serde::Serialize;

use crate::model::Date;
use crate::validate::Site;

use super::BuildInfo;
use super::urls;
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
}

pub fn manifest(site: &Site, lookup: &Lookup, build: &BuildInfo) -> Manifest {
    let u = lookup.urls;
    let mut items: Vec<ManifestItem> = site
        .items
        .iter()
        .map(|item| {
            let c = &item.catalog;
            let id = c.index_no.value.clone();
            ManifestItem {
                url: u.href(&urls::item(&id)),
                revisions: item
                    .revisions
                    .iter()
                    .map(|r| ManifestRevision {
                        commit: r.commit.as_ref().map(|c| c.id.clone()),
                        date: r.date(),
                        blob: r.blob.clone(),
                        snapshot_url: u.href(&urls::snapshot(&id, &r.blob)),
                        source_url: u.href(&urls::source(&id, &r.blob)),
                    })
                    .collect(),
                deleted: item.removed.as_ref().map(|r| r.date),
                kind: "catalog",
                title: c.title.clone(),
                department: c.department.clone(),
                status: item.validity.key(),
                retired: item.retired_on,
                id,
            }
        })
        .collect();
    items.extend(site.powers.iter().map(|power| {
        let p = &power.item;
        let code = power.code();
        ManifestItem {
            id: code.to_string(),
            kind: "power",
            title: p.name.clone(),
            department: p.department.clone(),
            status: power.validity.key(),
            retired: power.retired_on,
            deleted: power.removed.as_ref().map(|r| r.date),
            url: u.href(&urls::power(code)),
            revisions: power
                .revisions
                .iter()
                .map(|r| ManifestRevision {
                    commit: r.commit.as_ref().map(|c| c.id.clone()),
                    date: r.date(),
                    blob: r.blob.clone(),
                    snapshot_url: u.href(&urls::power_snapshot(code, &r.blob)),
                    source_url: u.href(&urls::power_source(code, &r.blob)),
                })
                .collect(),
        }
    }));
    items.sort_by(|a, b| a.id.cmp(&b.id).then(a.kind.cmp(b.kind)));
    Manifest {
        build: build.clone(),
        items,
    }
}

pub fn to_json(manifest: &Manifest) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(manifest).expect("the manifest serialises");
    bytes.push(b'\n');
    bytes
}
