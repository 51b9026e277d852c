//! The theme: Tera templates, static files and interface strings.
//!
//! The default theme is compiled into the binary, so that any content
//! folder builds. A site overrides any of its files by putting a file with
//! the same path under `themes/default/` or `themes/<theme>/` (the latter
//! wins).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};
use walkdir::WalkDir;

use crate::diagnostics::Diagnostic;
use crate::load;
use crate::model::Language;

static DEFAULT_THEME: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// All files of the effective theme, by path inside the theme folder.
#[derive(Clone, Debug)]
pub struct Theme {
    pub files: BTreeMap<String, Vec<u8>>,
}

/// Why the theme cannot be used, naming the file at fault.
#[derive(Debug)]
pub enum ThemeError {
    /// `site.toml` names a theme that has no folder.
    NoFolder {
        name: String,
    },
    /// A file of the theme cannot be read (a symbolic link, an I/O error).
    Unreadable(Box<Diagnostic>),
    NotUtf8 {
        file: String,
    },
    Missing {
        file: String,
    },
    Toml {
        file: String,
        source: toml::de::Error,
    },
    /// A site's own strings file lacks a string of the built-in one.
    MissingString {
        file: String,
        key: String,
    },
}

impl std::fmt::Display for ThemeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ThemeError::NoFolder { name } => write!(
                f,
                "site.toml names the theme \"{name}\" but there is no folder themes/{name}/"
            ),
            ThemeError::Unreadable(d) => {
                let help = d
                    .help
                    .as_deref()
                    .map(|h| format!(" ({h})"))
                    .unwrap_or_default();
                write!(f, "{}: {} [{}]{help}", d.file.display(), d.message, d.code)
            }
            ThemeError::NotUtf8 { file } => write!(f, "{file} is not UTF-8"),
            ThemeError::Missing { file } => write!(f, "the theme has no {file}"),
            ThemeError::Toml { file, source } => write!(f, "{file}: {source}"),
            ThemeError::MissingString { file, key } => write!(
                f,
                "{file}: the string `{key}` is missing (the built-in theme's {file} has every string; copy it from there)"
            ),
        }
    }
}

impl std::error::Error for ThemeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ThemeError::Toml { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl From<Diagnostic> for ThemeError {
    fn from(d: Diagnostic) -> ThemeError {
        ThemeError::Unreadable(Box::new(d))
    }
}

impl Theme {
    /// Files reached through a symbolic link are refused, as for content:
    /// a theme is published too (its static files byte for byte).
    pub fn load(root: &Path, name: &str) -> Result<Theme, ThemeError> {
        let mut files = BTreeMap::new();
        collect_embedded(&DEFAULT_THEME, &mut files);
        let mut layers = vec![PathBuf::from("themes/default")];
        if name != "default" {
            let rel = Path::new("themes").join(name);
            if !load::exists(root, &rel) {
                return Err(ThemeError::NoFolder {
                    name: name.to_string(),
                });
            }
            layers.push(rel);
        }
        for layer in layers.iter().filter(|l| load::exists(root, l)) {
            if let Some(link) = load::link_on_the_way(root, layer) {
                return Err(ThemeError::from(load::linked_file(layer, &link)));
            }
            let dir = root.join(layer);
            for entry in WalkDir::new(&dir).sort_by_file_name().into_iter().flatten() {
                let kind = entry.file_type();
                if kind.is_dir() {
                    continue;
                }
                let rel = layer.join(entry.path().strip_prefix(&dir).expect("walked below dir"));
                if kind.is_symlink() {
                    return Err(ThemeError::from(load::linked_file(&rel, &rel)));
                }
                if !kind.is_file() {
                    continue;
                }
                let key = rel
                    .strip_prefix(layer)
                    .expect("joined above")
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                let bytes = load::read_file(root, &rel).map_err(ThemeError::from)?;
                files.insert(key, bytes);
            }
        }
        Ok(Theme { files })
    }

    /// `(name, source)` of every template under `templates/`.
    pub fn templates(&self) -> Result<Vec<(String, String)>, ThemeError> {
        self.files
            .iter()
            .filter_map(|(path, bytes)| path.strip_prefix("templates/").map(|name| (name, bytes)))
            .map(|(name, bytes)| {
                String::from_utf8(bytes.clone())
                    .map(|s| (name.to_string(), s))
                    .map_err(|_| ThemeError::NotUtf8 {
                        file: format!("templates/{name}"),
                    })
            })
            .collect()
    }

    /// Files under `static/`, published below `/static/`.
    pub fn static_files(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files
            .iter()
            .filter_map(|(path, bytes)| path.strip_prefix("static/").map(|p| (p, bytes.as_slice())))
    }

    /// Interface strings for one language, from `i18n/<lang>.toml`. A
    /// site's own copy of the file must hold every string of the built-in
    /// one: a missing string is an error here, never a key shown on a page.
    pub fn strings(&self, language: Language) -> Result<Strings, ThemeError> {
        let path = format!("i18n/{}.toml", language.code());
        let table = parse_strings(&path, self.files.get(&path).map(Vec::as_slice))?;
        let default = DEFAULT_THEME.get_file(&path).map(|f| f.contents());
        let default = parse_strings(&path, default)?;
        if let Some(key) = missing_key(&default, &table, "") {
            return Err(ThemeError::MissingString { file: path, key });
        }
        Ok(Strings { table })
    }
}

fn parse_strings(path: &str, bytes: Option<&[u8]>) -> Result<toml::Table, ThemeError> {
    let file = || path.to_string();
    let bytes = bytes.ok_or_else(|| ThemeError::Missing { file: file() })?;
    let text = std::str::from_utf8(bytes).map_err(|_| ThemeError::NotUtf8 { file: file() })?;
    toml::from_str(text).map_err(|source| ThemeError::Toml {
        file: file(),
        source,
    })
}

/// The first key (`table.key`) of `reference` that `table` lacks or holds
/// as another type.
fn missing_key(reference: &toml::Table, table: &toml::Table, prefix: &str) -> Option<String> {
    reference.iter().find_map(|(key, value)| {
        let path = format!("{prefix}{key}");
        match (value, table.get(key)) {
            (toml::Value::Table(r), Some(toml::Value::Table(t))) => {
                missing_key(r, t, &format!("{path}."))
            }
            (toml::Value::Table(_), _) => Some(path),
            (_, Some(v)) if v.type_str() == value.type_str() => None,
            _ => Some(path),
        }
    })
}

/// The interface strings of one language: the one lookup for text made in
/// Rust. Templates read the same table as `t`.
#[derive(Clone, Debug)]
pub struct Strings {
    table: toml::Table,
}

impl Strings {
    /// The string at `key`, or at `table.key` for one inside a table
    /// (`power.title`); `None` when there is none (a label that only some
    /// states have).
    pub fn get(&self, key: &str) -> Option<&str> {
        let (table, key) = match key.split_once('.') {
            Some((table, key)) => (self.table.get(table)?.as_table()?, key),
            None => (&self.table, key),
        };
        table.get(key)?.as_str()
    }

    /// A string the built-in theme has, so every theme has it
    /// ([`Theme::strings`] checked). A key the built-in theme lacks is a
    /// bug the tests catch; a release build shows the key.
    pub fn text<'a>(&'a self, key: &'a str) -> &'a str {
        self.get(key).unwrap_or_else(|| {
            debug_assert!(false, "no interface string `{key}` in the built-in theme");
            key
        })
    }

    /// The strings of one table (`[search]`), for the search script.
    pub fn table(&self, name: &str) -> Option<&toml::Table> {
        self.table.get(name)?.as_table()
    }

    /// Every string, as templates see them.
    pub fn all(&self) -> &toml::Table {
        &self.table
    }
}

fn collect_embedded(dir: &Dir<'_>, files: &mut BTreeMap<String, Vec<u8>>) {
    for file in dir.files() {
        files.insert(
            file.path().to_string_lossy().replace('\\', "/"),
            file.contents().to_vec(),
        );
    }
    for sub in dir.dirs() {
        collect_embedded(sub, files);
    }
}
