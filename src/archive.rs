//! `gongkai archive`: the site as built at a release, as a WACZ 1.1.1 file
//! (a zip of one WARC 1.1 file, its CDXJ index, the page list and a
//! `datapackage.json` with the hashes of all three) that web archives and
//! pywb replay.
//!
//! Deterministic: every date is the release commit's time, record ids are
//! made from the records' contents, files go in path order, the zip stores
//! (never deflates) and carries no clock time. The WARC records are written
//! here: a record is a header block and bytes (docs/design-notes.md says why
//! no crate).

use std::io::{self, Write};
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::build::{self, BuildError};
use crate::history::{self, GitError};
use crate::load;
use crate::model::Audience;
use crate::render::{Theme, server, timemap, urls::Urls};
use crate::seal::{self, hex, sha256_hex};
use crate::serve::memory::{Body, MemorySink};

pub const WACZ_VERSION: &str = "1.1.1";
const WARC_NAME: &str = "data.warc";

/// What `archive` wrote.
#[derive(Debug)]
pub struct ArchiveReport {
    pub commit: String,
    /// The release's tag, when the commit has one.
    pub version: Option<String>,
    pub records: usize,
    pub warc_bytes: u64,
    pub wacz_bytes: u64,
}

/// One response: the URL a server answers and the file it sends.
struct Response {
    uri: String,
    rel: String,
    bytes: Vec<u8>,
}

/// Builds the site at `rev` (default HEAD) from a clean checkout of that
/// commit and writes its WACZ to `out`.
pub fn archive(root: &Path, rev: Option<&str>, out: &Path) -> Result<ArchiveReport, BuildError> {
    build::shallow_clone(root, false)?;
    let repo = history::Repo::discover(root).ok_or_else(|| {
        BuildError::Git(GitError::new(format!(
            "{} is not in a git repository: a release is a commit",
            root.display()
        )))
    })?;
    let commit = match rev {
        Some(rev) => repo.resolve(rev).map_err(BuildError::Git)?,
        None => repo
            .head()
            .ok_or_else(|| BuildError::Git(GitError::new("the repository has no commit yet")))?,
    };
    let checkout = tempfile::Builder::new()
        .prefix("gongkai-archive-")
        .tempdir()
        .map_err(BuildError::io(
            "cannot make a folder for the release's files",
        ))?;
    let dir = checkout.path();
    repo.checkout_site(&commit, dir).map_err(BuildError::Git)?;
    let (raw, diagnostics) =
        load::load(dir).map_err(BuildError::io("cannot read the release's files"))?;
    let history = history::read(
        &repo,
        &commit,
        load::site_utc_offset(dir),
        history::Current::Loaded(&raw),
    )
    .map_err(BuildError::Git)?;
    let seconds = history.tip().seconds;
    let snapshot = build::validate_loaded(
        dir,
        raw,
        diagnostics,
        None,
        Audience::Publish,
        Some(&history),
    );
    let site = match snapshot.site {
        Some(site) if !snapshot.diagnostics.has_errors() => site,
        _ => return Err(BuildError::Content(snapshot.diagnostics)),
    };
    let theme = Theme::load(dir, &site.config.theme).map_err(BuildError::Theme)?;
    let memory = MemorySink::new(dir, None);
    let sealing = seal::Sealing::new(&memory, dir);
    build::search_and_render(&site, &theme, &snapshot.build, &sealing, &|| {})
        .map_err(BuildError::Render)?;
    let manifest = sealing.seal();
    let mut files = memory.into_files();
    if let Some(manifest) = manifest {
        files.insert(seal::MANIFEST.to_string(), Body::Bytes(manifest));
    }

    let urls = Urls::new(&site.config.base_url);
    let mut paths: Vec<String> = files
        .keys()
        .filter(|rel| !seal::server_only(rel))
        .cloned()
        .collect();
    paths.sort();
    let mut responses = Vec::with_capacity(paths.len());
    for rel in paths {
        let bytes = files
            .remove(&rel)
            .expect("listed")
            .read()
            .map_err(BuildError::io("cannot read a rendered file"))?;
        // A folder's index.html is served at the folder's URL.
        let page = rel
            .strip_suffix("index.html")
            .filter(|p| p.is_empty() || p.ends_with('/'));
        responses.push(Response {
            uri: urls.absolute(page.unwrap_or(&rel)),
            rel,
            bytes,
        });
    }
    let mementos: std::collections::BTreeMap<String, (i64, String)> = timemap::archived(&site)
        .iter()
        .flat_map(|doc| {
            let link = timemap::snapshot_link(doc, &urls);
            doc.mementos
                .iter()
                .map(move |m| (m.snapshot.clone(), (m.seconds, link.clone())))
        })
        .collect();
    let info = Info {
        title: site.config.title.clone(),
        main_page: urls.absolute(""),
        commit: commit.clone(),
        version: snapshot.build.version.clone(),
        seconds,
    };
    let file = std::fs::File::create(out)
        .map_err(BuildError::io(format!("cannot write {}", out.display())))?;
    let (records, warc_bytes) = write_wacz(io::BufWriter::new(file), &responses, &mementos, &info)
        .map_err(BuildError::io(format!("cannot write {}", out.display())))?;
    let wacz_bytes = std::fs::metadata(out)
        .map_err(BuildError::io(format!("cannot read {}", out.display())))?
        .len();
    Ok(ArchiveReport {
        commit,
        version: info.version,
        records,
        warc_bytes,
        wacz_bytes,
    })
}

struct Info {
    title: String,
    main_page: String,
    commit: String,
    version: Option<String>,
    seconds: i64,
}

/// A writer that counts and hashes what passes through.
struct Tally<W> {
    inner: W,
    bytes: u64,
    sha: Sha256,
}

impl<W: Write> Write for Tally<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        self.sha.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// A WARC-Record-ID from the record's contents: `urn:uuid:` and a UUID
/// (version 8, custom) of their SHA-256.
fn record_id(parts: &[&str]) -> String {
    let mut sha = Sha256::new();
    for p in parts {
        sha.update(p.as_bytes());
        sha.update(b"\n");
    }
    let mut b: [u8; 16] = sha.finalize()[..16].try_into().expect("16 bytes");
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex(&b);
    format!(
        "<urn:uuid:{}-{}-{}-{}-{}>",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// One WARC 1.1 record: the version line, the named fields, Content-Length,
/// a blank line, the block and two line ends.
fn warc_record(out: &mut impl Write, fields: &[(&str, &str)], block: &[u8]) -> io::Result<()> {
    let mut head = String::from("WARC/1.1\r\n");
    for (name, value) in fields {
        head.push_str(name);
        head.push_str(": ");
        head.push_str(value);
        head.push_str("\r\n");
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", block.len()));
    out.write_all(head.as_bytes())?;
    out.write_all(block)?;
    out.write_all(b"\r\n\r\n")
}

/// SURT form of an absolute http(s) URL, as pywb's `surt` makes it for the
/// URLs a site has (no query, no fragment): host labels reversed without a
/// leading `www`, lowercase, no trailing slash but the root's.
fn surt(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut labels: Vec<&str> = host.split('.').collect();
    if labels.first() == Some(&"www") {
        labels.remove(0);
    }
    labels.reverse();
    let path = if path.is_empty() { "/" } else { path };
    let path = if path.len() > 1 {
        path.trim_end_matches('/')
    } else {
        path
    };
    format!("{}){}", labels.join(","), path).to_ascii_lowercase()
}

fn write_wacz<W: Write + io::Seek>(
    out: W,
    responses: &[Response],
    mementos: &std::collections::BTreeMap<String, (i64, String)>,
    info: &Info,
) -> io::Result<(usize, u64)> {
    let date = timemap::iso8601(info.seconds);
    let ts = timemap::timestamp14(info.seconds);
    let t = time::OffsetDateTime::from_unix_timestamp(info.seconds)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    // DOS times start in 1980; a release is later.
    let zip_time = zip::DateTime::from_date_and_time(
        t.year().clamp(1980, 2107) as u16,
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
    )
    .unwrap_or_default();
    let estimate: u64 = responses.iter().map(|r| r.bytes.len() as u64 + 1024).sum();
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(zip_time)
        .unix_permissions(0o644)
        .large_file(estimate >= u64::from(u32::MAX) / 2);
    let mut zip = zip::ZipWriter::new(out);

    zip.start_file(format!("archive/{WARC_NAME}"), options)
        .map_err(io::Error::other)?;
    let mut warc = Tally {
        inner: &mut zip,
        bytes: 0,
        sha: Sha256::new(),
    };
    let software = format!("gongkai {}", env!("CARGO_PKG_VERSION"));
    let release = info.version.as_deref().unwrap_or("(untagged)");
    let fields = format!(
        "software: {software}\r\nformat: WARC File Format 1.1\r\nconformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\nisPartOf: {}\r\ndescription: the site as built at commit {}, release {release}\r\n",
        info.title.replace(['\r', '\n'], " "),
        info.commit
    );
    let warcinfo_id = record_id(&["warcinfo", &info.commit, &fields]);
    warc_record(
        &mut warc,
        &[
            ("WARC-Type", "warcinfo"),
            ("WARC-Record-ID", &warcinfo_id),
            ("WARC-Date", &date),
            ("WARC-Filename", WARC_NAME),
            ("Content-Type", "application/warc-fields"),
        ],
        fields.as_bytes(),
    )?;
    let mut cdx: Vec<String> = Vec::with_capacity(responses.len());
    let mut pages: Vec<String> = Vec::new();
    for r in responses {
        let offset = warc.bytes;
        let content_type = server::content_type(&r.rel);
        let mut http = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n",
            r.bytes.len()
        );
        if let Some((seconds, link)) = mementos.get(&r.rel) {
            http.push_str(&format!(
                "Memento-Datetime: {}\r\nLink: {link}\r\n",
                timemap::imf_fixdate(*seconds)
            ));
        }
        http.push_str("\r\n");
        let payload = format!("sha256:{}", sha256_hex(&r.bytes));
        let mut block = Vec::with_capacity(http.len() + r.bytes.len());
        block.extend_from_slice(http.as_bytes());
        block.extend_from_slice(&r.bytes);
        let block_digest = format!("sha256:{}", sha256_hex(&block));
        let id = record_id(&["response", &r.uri, &block_digest]);
        warc_record(
            &mut warc,
            &[
                ("WARC-Type", "response"),
                ("WARC-Record-ID", &id),
                ("WARC-Warcinfo-ID", &warcinfo_id),
                ("WARC-Date", &date),
                ("WARC-Target-URI", &r.uri),
                ("WARC-Payload-Digest", &payload),
                ("WARC-Block-Digest", &block_digest),
                ("Content-Type", "application/http; msgtype=response"),
            ],
            &block,
        )?;
        let mime = content_type.split(';').next().unwrap_or_default();
        let line = serde_json::json!({
            "url": r.uri,
            "mime": mime,
            "status": "200",
            "digest": payload,
            "length": (warc.bytes - offset).to_string(),
            "offset": offset.to_string(),
            "filename": WARC_NAME,
        });
        cdx.push(format!("{} {ts} {line}", surt(&r.uri)));
        if mime == "text/html" {
            let page = serde_json::json!({
                "id": &sha256_hex(r.uri.as_bytes())[..32],
                "url": r.uri,
                "ts": date,
            });
            pages.push(page.to_string());
        }
    }
    let warc_bytes = warc.bytes;
    let warc_hash = hex(&warc.sha.finalize());
    let records = responses.len() + 1;

    cdx.sort();
    let mut cdx_text = cdx.join("\n");
    cdx_text.push('\n');
    let mut pages_text =
        String::from("{\"format\":\"json-pages-1.0\",\"id\":\"pages\",\"title\":\"All Pages\"}\n");
    for p in &pages {
        pages_text.push_str(p);
        pages_text.push('\n');
    }
    let mut resources = vec![serde_json::json!({
        "name": WARC_NAME,
        "path": format!("archive/{WARC_NAME}"),
        "hash": format!("sha256:{warc_hash}"),
        "bytes": warc_bytes,
    })];
    // The index is `.cdx` (CDXJ lines), the name WACZ 1.1.1 and pywb look for.
    for (name, path, text) in [
        ("index.cdx", "indexes/index.cdx", &cdx_text),
        ("pages.jsonl", "pages/pages.jsonl", &pages_text),
    ] {
        zip.start_file(path, options).map_err(io::Error::other)?;
        zip.write_all(text.as_bytes())?;
        resources.push(serde_json::json!({
            "name": name,
            "path": path,
            "hash": format!("sha256:{}", sha256_hex(text.as_bytes())),
            "bytes": text.len(),
        }));
    }
    let package = serde_json::json!({
        "profile": "data-package",
        "wacz_version": WACZ_VERSION,
        "title": info.title,
        "description": format!("{} as built at commit {}, release {release}", info.title, info.commit),
        "created": date,
        "modified": date,
        "software": software,
        "mainPageUrl": info.main_page,
        "mainPageDate": date,
        "resources": resources,
    });
    let mut package = serde_json::to_vec_pretty(&package).map_err(io::Error::other)?;
    package.push(b'\n');
    zip.start_file("datapackage.json", options)
        .map_err(io::Error::other)?;
    zip.write_all(&package)?;
    zip.finish().map_err(io::Error::other)?.flush()?;
    Ok((records, warc_bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surt_matches_pywb() {
        // Values printed by Python's `surt` package (pywb's).
        assert_eq!(
            surt("https://xxgk.example.gov.cn/items/11530100MB0A00001B/2024-00001/"),
            "cn,gov,example,xxgk)/items/11530100mb0a00001b/2024-00001"
        );
        assert_eq!(
            surt("https://xxgk.example.gov.cn/"),
            "cn,gov,example,xxgk)/"
        );
        assert_eq!(
            surt("https://xxgk.example.gov.cn/catalog/category/%E7%BB%BC%E5%90%88/"),
            "cn,gov,example,xxgk)/catalog/category/%e7%bb%bc%e5%90%88"
        );
    }

    #[test]
    fn record_ids_are_uuids_of_the_content() {
        let a = record_id(&["response", "https://x/", "sha256:00"]);
        assert_eq!(a, record_id(&["response", "https://x/", "sha256:00"]));
        assert_ne!(a, record_id(&["response", "https://x/", "sha256:01"]));
        assert_eq!(a.len(), "<urn:uuid:>".len() + 36);
        assert_eq!(&a[24..25], "8");
    }
}
