//! The sealed manifest: `api/manifest.json` with the SHA-256 of every other
//! output file, signed with the editor's minisign key into
//! `api/manifest.json.minisig`; and `gongkai verify`, which checks a
//! published site (a folder or an `http://` URL) against both.
//!
//! The manifest is the last file written: [`Sealing`] hashes every file on
//! its way to the output and holds the manifest back until [`Sealing::seal`].

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

use crate::sink::Sink;

pub const MANIFEST: &str = crate::urls::MANIFEST;
pub const SIGNATURE: &str = "api/manifest.json.minisig";

/// Files that the web server does not serve (they configure it): `verify`
/// checks them in a folder, not over HTTP.
pub fn server_only(rel: &str) -> bool {
    rel.starts_with("_gongkai/") || rel == "_headers" || rel == "_redirects"
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

pub use crate::text::hex;

/// A sink that records the SHA-256 of every file it passes on, except the
/// manifest (and its `.gz` copy), which it keeps for [`Sealing::seal`].
pub struct Sealing<'a> {
    inner: &'a dyn Sink,
    root: PathBuf,
    hashes: Mutex<Hashes>,
    manifest: Mutex<Option<Vec<u8>>>,
}

/// Every file's path and SHA-256, in the order written.
type Hashes = crate::sink::PathList<crate::sink::Digest>;

/// (path, hash), sorted by path; of a path written twice, the last.
fn sorted(hashes: &Hashes) -> Vec<(&str, &crate::sink::Digest)> {
    let mut all: Vec<(&str, &crate::sink::Digest)> = hashes.iter().collect();
    // Stable: of equal paths the later stays last, and wins below.
    all.sort_by(|a, b| a.0.cmp(b.0));
    let mut unique: Vec<(&str, &crate::sink::Digest)> = Vec::with_capacity(all.len());
    for entry in all {
        match unique.last_mut() {
            Some(last) if last.0 == entry.0 => *last = entry,
            _ => unique.push(entry),
        }
    }
    unique
}

impl<'a> Sealing<'a> {
    /// `root` is the site root, where copied files come from.
    pub fn new(inner: &'a dyn Sink, root: &Path) -> Self {
        Sealing {
            inner,
            root: root.to_path_buf(),
            hashes: Mutex::new(Hashes::default()),
            manifest: Mutex::new(None),
        }
    }

    /// Record `bytes`' SHA-256 as `rel`'s, and return it: the file is
    /// hashed once, here, and the digest handed on
    /// ([`Sink::write_digested`]).
    fn record(&self, rel: &str, bytes: &[u8]) -> crate::sink::Digest {
        let digest: crate::sink::Digest = Sha256::digest(bytes).into();
        self.hashes
            .lock()
            .expect("no panics while held")
            .push(rel, digest);
        digest
    }

    /// The manifest with a `files` member (path → SHA-256, sorted), for
    /// `out` to write. `None` when the render wrote no manifest.
    pub fn seal(self) -> Option<Vec<u8>> {
        let manifest = self.manifest.into_inner().expect("not poisoned")?;
        let hashes = self.hashes.into_inner().expect("not poisoned");
        Some(with_files(&manifest, &sorted(&hashes)))
    }
}

impl Sink for Sealing<'_> {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        match rel {
            MANIFEST => {
                *self.manifest.lock().expect("no panics while held") = Some(bytes.to_vec());
                Ok(())
            }
            SIGNATURE => Ok(()),
            _ => {
                let digest = self.record(rel, bytes);
                self.inner.write_digested(rel, None, &digest, bytes)
            }
        }
    }

    fn write_keyed(&self, rel: &str, key: &crate::sink::Key, bytes: &[u8]) -> io::Result<()> {
        match rel {
            MANIFEST | SIGNATURE => self.write(rel, bytes),
            _ => {
                let digest = self.record(rel, bytes);
                self.inner.write_digested(rel, Some(key), &digest, bytes)
            }
        }
    }

    fn reuse(
        &self,
        rels: &[&str],
        key: &crate::sink::Key,
    ) -> io::Result<Option<Vec<crate::sink::Digest>>> {
        if rels.iter().any(|r| [MANIFEST, SIGNATURE].contains(r)) {
            return Ok(None);
        }
        let found = self.inner.reuse(rels, key)?;
        if let Some(digests) = &found {
            let mut hashes = self.hashes.lock().expect("no panics while held");
            for (rel, digest) in rels.iter().zip(digests) {
                hashes.push(rel, *digest);
            }
        }
        Ok(found)
    }

    fn can_reuse(&self) -> bool {
        self.inner.can_reuse()
    }

    fn copy(&self, rel: &str, from_site_path: &str) -> io::Result<()> {
        // Only attachments are copied; `load` refused links and checked
        // them, so the bytes read here are the bytes copied.
        let bytes = std::fs::read(self.root.join(from_site_path))?;
        self.record(rel, &bytes);
        self.inner.copy(rel, from_site_path)
    }
}

/// `manifest` (pretty JSON object, as `render::manifest::to_json` writes
/// it) with `"files": {…}` added as its last member. Spliced as text so that
/// the members before it keep their order and bytes.
fn with_files(manifest: &[u8], hashes: &[(&str, &crate::sink::Digest)]) -> Vec<u8> {
    let text = String::from_utf8_lossy(manifest);
    let body = text.trim_end();
    let body = body.strip_suffix('}').expect("the manifest is an object");
    let mut out = Vec::with_capacity(body.len() + hashes.len() * 140);
    out.extend_from_slice(body.trim_end().as_bytes());
    out.extend_from_slice(b",\n  \"files\": {");
    // One buffer for every digest: no allocation per file (107,000 files
    // at 10,000 items with history).
    let mut digest = String::with_capacity(64);
    for (i, (path, hash)) in hashes.iter().enumerate() {
        out.extend_from_slice(if i == 0 { b"\n    " } else { b",\n    " });
        serde_json::to_writer(&mut out, path).expect("a string serialises");
        digest.clear();
        crate::text::push_hex(&mut digest, &hash[..]);
        out.extend_from_slice(b": \"");
        out.extend_from_slice(digest.as_bytes());
        out.push(b'"');
    }
    out.extend_from_slice(b"\n  }\n}\n");
    out
}

/// The minisign signature of `manifest` with the unencrypted secret key in
/// `key` (`minisign -G -W`). The trusted comment names the commit, so that
/// it is signed too and the same for every build of that commit.
pub fn sign(manifest: &[u8], key: &str, commit: Option<&str>) -> Result<String, String> {
    let sk = secret_key(key).map_err(|e| {
        format!("{e}; the key must be a minisign secret key without a password (`minisign -G -W`)")
    })?;
    let trusted = format!(
        "gongkai manifest\tfile:manifest.json\tcommit:{}",
        commit.unwrap_or("none")
    );
    let signature = minisign::sign(
        None,
        &sk,
        io::Cursor::new(manifest),
        Some(&trusted),
        Some("signature of api/manifest.json by gongkai build"),
    )
    .map_err(|e| e.to_string())?;
    Ok(signature.into_string())
}

/// The secret key of a minisign key file without a password. minisign
/// 0.11 (Debian 12's) writes such keys with an all-zero checksum, which the
/// crate takes for a wrong password: the checksum, BLAKE2b-256 of the
/// algorithm, key id and key, is filled in first.
fn secret_key(file: &str) -> Result<minisign::SecretKey, String> {
    use ct_codecs::{Base64, Decoder as _};
    let encoded = file
        .lines()
        .nth(1)
        .ok_or("not a minisign key file (a comment line, then the key)")?;
    let mut bytes =
        Base64::decode_to_vec(encoded.trim(), None).map_err(|_| "the key is not base64")?;
    // sig_alg 2, kdf_alg 2, chk_alg 2, salt 32, opslimit 8, memlimit 8,
    // key id 8, secret key 64, checksum 32.
    if bytes.len() != 158 {
        return Err("the key has the wrong length".into());
    }
    let unencrypted = bytes[2..4] == [0, 0];
    if unencrypted && bytes[126..].iter().all(|&b| b == 0) {
        let mut hasher = blake2::Blake2b::<blake2::digest::consts::U32>::new();
        hasher.update(&bytes[0..2]);
        hasher.update(&bytes[54..126]);
        let checksum = hasher.finalize();
        bytes[126..].copy_from_slice(&checksum);
    }
    let sk = minisign::SecretKey::from_bytes(&bytes).map_err(|e| e.to_string())?;
    if sk.is_encrypted() {
        return Err("the key is protected by a password or corrupted".into());
    }
    Ok(sk)
}

/// Where `verify` reads the published site from.
pub enum Site {
    Dir(PathBuf),
    /// `http://host/base/`, ending with `/`.
    Url(String),
}

impl Site {
    pub fn parse(s: &str) -> Result<Site, String> {
        if s.starts_with("https://") {
            return Err(format!(
                "{s}: this build of gongkai reads sites over plain HTTP only (no TLS); mirror the site (`wget --mirror`) and verify the folder"
            ));
        }
        if s.starts_with("http://") {
            let mut url = s.to_string();
            if !url.ends_with('/') {
                url.push('/');
            }
            return Ok(Site::Url(url));
        }
        let dir = PathBuf::from(s);
        if !dir.is_dir() {
            return Err(format!("{s} is not a folder nor an http:// URL"));
        }
        Ok(Site::Dir(dir))
    }

    /// The bytes of a site-relative file; `Ok(None)` when it is not there.
    fn fetch(&self, rel: &str) -> io::Result<Option<Vec<u8>>> {
        match self {
            Site::Dir(dir) => match std::fs::read(dir.join(rel)) {
                Ok(bytes) => Ok(Some(bytes)),
                Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e),
            },
            Site::Url(base) => {
                let url = format!("{base}{}", encode_path(rel));
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .build()
                    .into();
                let mut response = agent.get(&url).call().map_err(io::Error::other)?;
                match response.status().as_u16() {
                    200 => response
                        .body_mut()
                        .with_config()
                        .limit(u64::MAX)
                        .read_to_vec()
                        .map(Some)
                        .map_err(io::Error::other),
                    404 | 410 => Ok(None),
                    status => Err(io::Error::other(format!("{url}: HTTP {status}"))),
                }
            }
        }
    }
}

/// Percent-encodes what a path segment may not hold as it is (file names
/// of attachments and category pages are Chinese).
fn encode_path(rel: &str) -> String {
    const SET: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~')
        .remove(b'/');
    percent_encoding::utf8_percent_encode(rel, SET).to_string()
}

/// What `verify` found wrong with one file.
#[derive(Debug, PartialEq, Eq)]
pub enum Difference {
    Changed,
    Missing,
    /// In the folder, not in the manifest.
    Extra,
}

#[derive(Debug)]
pub struct Verification {
    /// The signature's trusted comment (names the commit).
    pub trusted_comment: String,
    /// Files checked.
    pub checked: usize,
    /// Server-only files not checked over HTTP.
    pub skipped: usize,
    pub differences: Vec<(String, Difference)>,
}

/// Checks the signature of the site's manifest with `pubkey` (a minisign
/// public key file, or the key itself as `minisign -P` takes it), then every
/// file's hash. `Err` when the signature does not hold or the manifest
/// cannot be read: nothing else can be trusted then.
pub fn verify(site: &Site, pubkey: &str) -> Result<Verification, String> {
    let pk = if Path::new(pubkey).is_file() {
        minisign::PublicKey::from_file(pubkey)
    } else {
        minisign::PublicKey::from_base64(pubkey)
    }
    .map_err(|e| format!("public key {pubkey}: {e}"))?;
    let read = |rel: &str| -> Result<Vec<u8>, String> {
        site.fetch(rel)
            .map_err(|e| format!("{rel}: {e}"))?
            .ok_or_else(|| format!("{rel} is not on the site"))
    };
    let manifest = read(MANIFEST)?;
    let signature = String::from_utf8(read(SIGNATURE)?)
        .map_err(|_| format!("{SIGNATURE} is not a minisign signature"))?;
    let signature =
        minisign::SignatureBox::from_string(&signature).map_err(|e| format!("{SIGNATURE}: {e}"))?;
    let trusted_comment = signature.trusted_comment().unwrap_or_default();
    minisign::verify(
        &pk,
        &signature,
        io::Cursor::new(&manifest),
        true,
        false,
        false,
    )
    .map_err(|e| format!("{MANIFEST}: the signature does not match this key ({e})"))?;

    let json: serde_json::Value =
        serde_json::from_slice(&manifest).map_err(|e| format!("{MANIFEST} is not JSON: {e}"))?;
    let files = json["files"]
        .as_object()
        .ok_or_else(|| format!("{MANIFEST} lists no files (built without --sign-key?)"))?;
    let mut result = Verification {
        trusted_comment,
        checked: 0,
        skipped: 0,
        differences: Vec::new(),
    };
    for (rel, hash) in files {
        if matches!(site, Site::Url(_)) && server_only(rel) {
            result.skipped += 1;
            continue;
        }
        result.checked += 1;
        match site.fetch(rel).map_err(|e| format!("{rel}: {e}"))? {
            None => result.differences.push((rel.clone(), Difference::Missing)),
            Some(bytes) if Some(sha256_hex(&bytes).as_str()) != hash.as_str() => {
                result.differences.push((rel.clone(), Difference::Changed));
            }
            Some(_) => {}
        }
    }
    if let Site::Dir(dir) = site {
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let entry = entry.map_err(|e| e.to_string())?;
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry
                .path()
                .strip_prefix(dir)
                .expect("below the folder")
                .to_string_lossy()
                .replace('\\', "/");
            if !files.contains_key(&rel) && ![MANIFEST, SIGNATURE].contains(&&*rel) {
                result.differences.push((rel, Difference::Extra));
            }
        }
    }
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_added_last_and_the_manifest_stays_json() {
        let manifest = b"{\n  \"build\": {},\n  \"items\": []\n}\n";
        let mut hashes = Hashes::default();
        hashes.push("b/\"q\".html", [0x22; 32]);
        hashes.push("a.html", [0x10; 32]);
        // Written twice (a copy made again): the last bytes are listed.
        hashes.push("a.html", [0x11; 32]);
        let sealed = with_files(manifest, &sorted(&hashes));
        let text = String::from_utf8(sealed).unwrap();
        let (a, b) = ("11".repeat(32), "22".repeat(32));
        let expected = format!(
            "{{\n  \"build\": {{}},\n  \"items\": [],\n  \"files\": {{\n    \"a.html\": \"{a}\",\n    \"b/\\\"q\\\".html\": \"{b}\"\n  }}\n}}\n"
        );
        assert_eq!(text, expected);
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(json["files"]["b/\"q\".html"], b.as_str());
    }

    /// Every file is hashed once: the digest that goes into the manifest is
    /// handed to the next sink with the bytes (`write::Staging` keeps it in
    /// its ledger instead of hashing the file again).
    #[test]
    fn each_file_is_hashed_once_and_its_digest_handed_on() {
        type Seen = Vec<(String, Option<crate::sink::Key>, crate::sink::Digest)>;
        #[derive(Default)]
        struct Recorder(Mutex<Seen>);
        impl Sink for Recorder {
            fn write(&self, _: &str, _: &[u8]) -> io::Result<()> {
                Ok(())
            }
            fn copy(&self, _: &str, _: &str) -> io::Result<()> {
                Ok(())
            }
            fn write_digested(
                &self,
                rel: &str,
                key: Option<&crate::sink::Key>,
                digest: &crate::sink::Digest,
                _: &[u8],
            ) -> io::Result<()> {
                self.0
                    .lock()
                    .unwrap()
                    .push((rel.to_string(), key.copied(), *digest));
                Ok(())
            }
        }
        let recorder = Recorder::default();
        let sealing = Sealing::new(&recorder, Path::new("."));
        sealing.write("a.html", b"a").unwrap();
        sealing.write_keyed("b.html", &[3; 32], b"b").unwrap();
        sealing.write(MANIFEST, b"{\n}\n").unwrap();
        let manifest = String::from_utf8(sealing.seal().unwrap()).unwrap();
        let digest = |bytes: &[u8]| -> crate::sink::Digest { Sha256::digest(bytes).into() };
        assert_eq!(
            *recorder.0.lock().unwrap(),
            vec![
                ("a.html".to_string(), None, digest(b"a")),
                ("b.html".to_string(), Some([3; 32]), digest(b"b")),
            ]
        );
        assert!(manifest.contains(&format!("\"b.html\": \"{}\"", hex(&digest(b"b")))));
    }
}
