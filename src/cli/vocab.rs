//! `gongkai vocab`: the vocabularies the site's content is checked
//! against, from site.toml's `[vocabularies]` or the national defaults.

use std::path::PathBuf;

use clap::ValueEnum;
use gongkai::diagnostics::Diagnostics;
use gongkai::vocabulary;

use super::exit::{Failure, Outcome};
use crate::print_diagnostics;

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Which {
    /// 主题分类 (`category` of a catalog item), 一级\二级.
    Categories,
    /// 文种 (`kind` of a catalog item).
    Kinds,
    /// 职权类型 (`category` of a power).
    PowerCategories,
}

#[derive(clap::Args)]
pub struct VocabArgs {
    /// One vocabulary (default: all three).
    #[arg(value_enum)]
    pub which: Option<Which>,
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Print JSON: a list of strings for one vocabulary, an object of
    /// lists (`categories`, `kinds`, `power_categories`) for all.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: VocabArgs) -> Outcome {
    let mut diagnostics = Diagnostics::default();
    // Without a site.toml the national defaults apply, as they do to a
    // site whose site.toml sets no [vocabularies].
    let config = if args.root.join("site.toml").exists() {
        match gongkai::load::load_site_config(&args.root, &mut diagnostics) {
            Some(config) => Some(config),
            None => {
                print_diagnostics(&diagnostics);
                return Err(Failure::Content);
            }
        }
    } else {
        None
    };
    let (categories, kinds, power_categories) = match config {
        Some(c) => (c.categories, c.kinds, c.power_categories),
        None => (
            vocabulary::default_categories(),
            vocabulary::default_kinds(),
            vocabulary::default_power_categories(),
        ),
    };
    let lists = [
        (
            Which::Categories,
            "categories",
            "主题分类 (category of an item)",
            &categories,
        ),
        (Which::Kinds, "kinds", "文种 (kind of an item)", &kinds),
        (
            Which::PowerCategories,
            "power_categories",
            "职权类型 (category of a power)",
            &power_categories,
        ),
    ];
    let chosen: Vec<_> = lists
        .iter()
        .filter(|(w, ..)| args.which.is_none_or(|which| which == *w))
        .collect();
    if args.json {
        let json = match args.which {
            Some(_) => serde_json::json!(chosen[0].3),
            None => serde_json::Value::Object(
                chosen
                    .iter()
                    .map(|(_, key, _, list)| ((*key).to_string(), serde_json::json!(list)))
                    .collect(),
            ),
        };
        return emit(serde_json::to_string_pretty(&json).expect("json") + "\n");
    }
    let mut out = String::new();
    for (i, (_, key, title, list)) in chosen.iter().enumerate() {
        if args.which.is_none() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&format!("# {title}: [vocabularies] {key} in site.toml\n"));
        }
        for entry in list.iter() {
            out.push_str(entry);
            out.push('\n');
        }
    }
    emit(out)
}

/// Print `text`; a closed pipe (`gongkai vocab | head`) is not an error.
fn emit(text: String) -> Outcome {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush());
    Ok(())
}
