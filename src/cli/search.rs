//! `gongkai search`: what it prints.

use std::path::PathBuf;

use gongkai::build::{self, BuildError};
use gongkai::index::{Filter, SCORE_SCALE};
use gongkai::model::Date;
use gongkai::urls::Urls;

use super::exit::{Failure, Outcome};

#[derive(clap::Args)]
pub struct SearchArgs {
    /// The words to find (every token must match).
    pub query: String,
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Print `[{"id","title","url","score"}, ...]`, best first.
    #[arg(long)]
    pub json: bool,
    /// How many results to print.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Also find retired items (repealed, expired, deleted).
    #[arg(long)]
    pub retired: bool,
    /// Only this department (its slug).
    #[arg(long)]
    pub department: Option<String>,
    /// Only this 主题分类 (as written, e.g. `综合政务\政务公开`).
    #[arg(long)]
    pub category: Option<String>,
    /// Only this 文种.
    #[arg(long)]
    pub kind: Option<String>,
    /// Only items published in this year.
    #[arg(long)]
    pub year: Option<String>,
    /// Only this validity: in-force, amended, pending, repealed, expired, deleted.
    #[arg(long)]
    pub status: Option<String>,
    /// Search the site as of this date (YYYY-MM-DD) instead of the HEAD commit date.
    #[arg(long, value_parser = crate::parse_date)]
    pub as_of: Option<Date>,
}

pub fn run(args: SearchArgs) -> Outcome {
    let mut index = match build::search_index(&args.root, args.as_of) {
        Ok(index) => index,
        Err(BuildError::Content(d)) => {
            eprintln!(
                "error: the content has {} error(s); run `gongkai check`",
                d.error_count()
            );
            return Err(Failure::Content);
        }
        Err(e) => return Err(e.into()),
    };
    let filter = Filter {
        retired: args.retired,
        department: args.department,
        category: args.category,
        kind: args.kind,
        year: args.year,
        state: args.status,
    };
    let hits = index
        .search(&args.query, &filter)
        .map_err(|e| Failure::Usage(format!("search index: {e}")))?;
    // Retired matches are left out unless asked for, but never silently:
    // their number is told, with the flag that shows them.
    let retired = if filter.retired || filter.state.is_some() {
        0
    } else {
        let all = Filter {
            retired: true,
            ..filter.clone()
        };
        let all = index
            .search(&args.query, &all)
            .map_err(|e| Failure::Usage(format!("search index: {e}")))?;
        all.len().saturating_sub(hits.len())
    };
    let base = index.base_url.clone().unwrap_or_else(|| "/".to_string());
    let urls = Urls::new(&base);
    let score = |s: u64| s as f64 / SCORE_SCALE;
    if args.json {
        let rows: Vec<serde_json::Value> = hits
            .iter()
            .take(args.limit)
            .map(|h| {
                let d = index.doc(h.doc);
                serde_json::json!({
                    "id": d.id,
                    "title": d.title,
                    "url": urls.href(&d.rel),
                    "score": score(h.score),
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&rows).expect("json"));
        if retired > 0 {
            eprintln!("{retired} more in repealed or expired documents (--retired to show them)");
        }
    } else {
        if hits.is_empty() {
            println!("no result for “{}”", args.query);
        }
        for h in hits.iter().take(args.limit) {
            let d = index.doc(h.doc);
            println!(
                "{:>8.3}  {}  {}  [{}]",
                score(h.score),
                d.published,
                d.title,
                d.state
            );
            println!("          {}  {}", d.id, urls.href(&d.rel));
        }
        if hits.len() > args.limit {
            println!("… {} results in all (--limit to see more)", hits.len());
        }
        if retired > 0 {
            println!("{retired} more in repealed or expired documents (--retired to show them)");
        }
    }
    Ok(())
}
