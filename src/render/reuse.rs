//! Which files need not be made again: every keyed file gets a key, the
//! SHA-256 of everything its bytes are made from. For a page that is the
//! generator, the theme (every file of it), the context every page of its
//! language shares (`t`, `site`) and the page's own context, with the
//! expensive part (the article's Markdown rendered to HTML) replaced by
//! the blob id of the file it is read from. A sink that kept the previous
//! build ([`Sink::reuse`], `write::Staging`) links the previous file when
//! the key is the same; otherwise the page is rendered.

use std::collections::BTreeMap;

use serde::Serialize;
use sha2::{Digest as _, Sha256};
use tera::Context;

use crate::model::Language;
use crate::sink::{Key, Sink};

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
