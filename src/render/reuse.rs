//! Which files need not be made again: every keyed file gets a key, the
//! SHA-256 of everything its bytes are made from. For a page that is the
//! generator, the theme (every file of it), the context every page of its
//! language shares (`t`, `site`) and the page's own context, with the
//! expensive part (the article's Markdown rendered to HTML) replaced by
//! the blob id of the file it is read from. A sink that kept the previous
//! build ([`Sink::reuse`], `write::Staging`) links the previous file when
//! the key is the same; otherwise the page is rendered.

use std::collections::BTreeMap;
use std::io;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;
use sha2::{Digest as _, Sha256};
use tera::Context;

use crate::model::Language;
use crate::sink::{Digest, Key, Sink};

use super::{RenderError, Renderer, Theme};

/// Bump when what goes into a key changes.
const FORMAT: &str = "gongkai-keys-3";

pub(super) struct Keys {
    /// Per language: generator, theme and the shared context.
    pages: BTreeMap<Language, Key>,
    /// Generator only: for files that are a function of their path alone.
    generator: Key,
}

impl Keys {
    pub(super) fn new<'c>(
        generator: &str,
        theme: &Theme,
        shared: impl Iterator<Item = (Language, &'c Context)>,
    ) -> Keys {
        let mut base = Sha256::new();
        frame(&mut base, FORMAT.as_bytes());
        frame(&mut base, env!("CARGO_PKG_VERSION").as_bytes());
        frame(&mut base, generator.as_bytes());
        let generator: Key = base.clone().finalize().into();
        for (name, bytes) in &theme.files {
            frame(&mut base, name.as_bytes());
            frame(&mut base, bytes);
        }
        let pages = shared
            .map(|(lang, ctx)| {
                let mut h = base.clone();
                let json =
                    serde_json::to_vec(&ctx.clone().into_json()).expect("contexts serialise");
                frame(&mut h, &json);
                (lang, h.finalize().into())
            })
            .collect();
        Keys { pages, generator }
    }

    /// A page of `lang` rendered with `template` from the shared context,
    /// `parts` and `source`: everything else the template and the code that
    /// makes its context see. `source` (the blob id of the file an article's
    /// Markdown is read from, or empty) stands for the Markdown: the text is
    /// a function of those bytes, and hashing a 40-character id instead of
    /// the text itself, for every page, reused or not, was most of the cost
    /// of a rebuild's keys.
    pub(super) fn page(
        &self,
        lang: Language,
        template: &str,
        parts: &impl Serialize,
        source: &str,
    ) -> Key {
        let mut h = Sha256::new();
        frame(&mut h, &self.pages[&lang]);
        frame(&mut h, template.as_bytes());
        frame(
            &mut h,
            &serde_json::to_vec(parts).expect("page contexts serialise"),
        );
        frame(&mut h, source.as_bytes());
        h.finalize().into()
    }

    /// A file whose bytes follow from its path (a revision's source, named
    /// by its blob id).
    pub(super) fn path(&self, rel: &str) -> Key {
        let mut h = Sha256::new();
        frame(&mut h, &self.generator);
        frame(&mut h, rel.as_bytes());
        h.finalize().into()
    }
}

/// Length-prefixed, so that no two sequences of parts hash alike.
fn frame(h: &mut Sha256, bytes: &[u8]) {
    h.update((bytes.len() as u64).to_le_bytes());
    h.update(bytes);
}

impl Renderer<'_> {
    /// Write `rel`, made by `make` unless the sink still has the file that
    /// the previous build made from `key`.
    pub(super) fn write_keyed(
        &self,
        sink: &dyn Sink,
        rel: &str,
        key: &Key,
        make: impl FnOnce() -> Result<Vec<u8>, RenderError>,
    ) -> Result<(), RenderError> {
        if sink.reuse(&[rel], key)?.is_none() {
            sink.write_keyed(rel, key, &make()?)?;
        }
        Ok(())
    }
}

/// An item's pages tried before its text is read again (`Texts`): every
/// page the previous build made from the same key is put in place and
/// remembered, and the first that would have to be made stops the attempt
/// with nothing written. After one commit nearly every item stops at no
/// page, and its file is not read at all (a read, a blob id and a copy of
/// the document per item were 4 % of a rebuild).
pub(super) struct KeptOnly<'a> {
    inner: &'a dyn Sink,
    kept: Mutex<Vec<(Vec<String>, Vec<Digest>)>>,
    stopped: AtomicBool,
}

impl<'a> KeptOnly<'a> {
    pub(super) fn new(inner: &'a dyn Sink) -> KeptOnly<'a> {
        KeptOnly {
            inner,
            kept: Mutex::default(),
            stopped: AtomicBool::new(false),
        }
    }

    /// Whether a page had to be made: the attempt's error is then this
    /// stop, not a failure.
    pub(super) fn stopped(&self) -> bool {
        self.stopped.load(Ordering::Relaxed)
    }

    /// The sink for making the pages: the ones already put in place are
    /// not looked up (nor recorded) a second time.
    pub(super) fn then(self) -> AfterKept<'a> {
        AfterKept {
            inner: self.inner,
            kept: self.kept.into_inner().expect("no panics while held"),
        }
    }

    fn stop(&self) -> io::Error {
        self.stopped.store(true, Ordering::Relaxed);
        io::Error::other("a page must be made")
    }
}

impl Sink for KeptOnly<'_> {
    fn write(&self, _: &str, _: &[u8]) -> io::Result<()> {
        Err(self.stop())
    }

    fn copy(&self, _: &str, _: &str) -> io::Result<()> {
        Err(self.stop())
    }

    fn write_keyed(&self, _: &str, _: &Key, _: &[u8]) -> io::Result<()> {
        Err(self.stop())
    }

    fn write_digested(&self, _: &str, _: Option<&Key>, _: &Digest, _: &[u8]) -> io::Result<()> {
        Err(self.stop())
    }

    fn reuse(&self, rels: &[&str], key: &Key) -> io::Result<Option<Vec<Digest>>> {
        let Some(digests) = self.inner.reuse(rels, key)? else {
            return Err(self.stop());
        };
        let rels = rels.iter().map(ToString::to_string).collect();
        let mut kept = self.kept.lock().expect("no panics while held");
        kept.push((rels, digests.clone()));
        Ok(Some(digests))
    }

    fn can_reuse(&self) -> bool {
        self.inner.can_reuse()
    }
}

/// [`KeptOnly`]'s sink for making the pages once the text is read.
pub(super) struct AfterKept<'a> {
    inner: &'a dyn Sink,
    kept: Vec<(Vec<String>, Vec<Digest>)>,
}

impl Sink for AfterKept<'_> {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.inner.write(rel, bytes)
    }

    fn copy(&self, rel: &str, from_site_path: &str) -> io::Result<()> {
        self.inner.copy(rel, from_site_path)
    }

    fn write_keyed(&self, rel: &str, key: &Key, bytes: &[u8]) -> io::Result<()> {
        self.inner.write_keyed(rel, key, bytes)
    }

    fn write_digested(
        &self,
        rel: &str,
        key: Option<&Key>,
        digest: &Digest,
        bytes: &[u8],
    ) -> io::Result<()> {
        self.inner.write_digested(rel, key, digest, bytes)
    }

    fn reuse(&self, rels: &[&str], key: &Key) -> io::Result<Option<Vec<Digest>>> {
        if let Some((_, digests)) = self.kept.iter().find(|(kept, _)| kept == rels) {
            return Ok(Some(digests.clone()));
        }
        self.inner.reuse(rels, key)
    }

    fn can_reuse(&self) -> bool {
        self.inner.can_reuse()
    }
}
