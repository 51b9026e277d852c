//! `gongkai new catalog|power|report|department`: the clock is read here (today's
//! date), the path written is printed.

use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use clap::Subcommand;
use gongkai::model::Date;
use gongkai::scaffold::{self, ScaffoldError};

use super::exit::{Failure, Outcome, site_root};
use crate::parse_date;

#[derive(Subcommand)]
pub enum NewCommand {
    /// A catalog item (a draft) with the department's next free 索引号.
    Catalog {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The department's folder name under content/.
        #[arg(long)]
        dept: String,
        #[arg(long, conflicts_with = "from")]
        title: Option<String>,
        /// 主题分类, 一级\二级 (default: the one the department uses most;
        /// `gongkai vocab categories` lists them).
        #[arg(long)]
        category: Option<String>,
        /// The date to number and date the item with (default: today in the site's time zone).
        #[arg(long, value_parser = parse_date)]
        date: Option<Date>,
        /// Import a .txt (UTF-8 or GB18030/GBK) or .docx document as the draft's body, or every such document in a folder, one draft each.
        #[arg(long)]
        from: Option<PathBuf>,
    },
    /// An annual report (政府信息公开工作年度报告): every cell present and zero, and the narrative's headings.
    Report {
        /// The department's folder name under content/.
        #[arg(long)]
        dept: String,
        /// The year the report covers.
        #[arg(long)]
        year: i32,
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The publication date to write (default: today in the site's time zone).
        #[arg(long, value_parser = parse_date)]
        date: Option<Date>,
    },
    /// A 权力清单 item (a draft) with every field explained and a two-step flow.
    Power {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The department's folder name under content/.
        #[arg(long)]
        dept: String,
        /// 职权编码: ASCII letters, digits, `-`, `_`, `.`; unique across the site.
        #[arg(long)]
        code: String,
        /// 职权名称.
        #[arg(long)]
        name: String,
        /// 职权类型, e.g. 行政许可.
        #[arg(long)]
        category: String,
    },
    /// A department folder with department.toml and a guide skeleton.
    Department {
        /// The folder name: lowercase letters, digits and hyphens; part of every URL of the department.
        slug: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long, value_parser = parse_date)]
        date: Option<Date>,
    },
}

pub fn run(command: NewCommand) -> Outcome {
    let (root, result) = match command {
        NewCommand::Catalog {
            root,
            dept,
            // `--title` conflicts with `--from`: the title comes from the document.
            title: _,
            category,
            date,
            from: Some(from),
        } => {
            site_root(&root)?;
            let date = date.unwrap_or_else(|| today(&root));
            let result =
                scaffold::import_catalog_items(&root, &dept, &from, category.as_deref(), date).map(
                    |items| {
                        for item in &items {
                            eprintln!("索引号 {}", item.index_no);
                        }
                        items.into_iter().map(|i| i.path).collect()
                    },
                );
            (root, result)
        }
        NewCommand::Catalog {
            root,
            dept,
            title,
            category,
            date,
            from: None,
        } => {
            site_root(&root)?;
            let result = scaffold::new_catalog_item(
                &root,
                &dept,
                title.as_deref(),
                category.as_deref(),
                date.unwrap_or_else(|| today(&root)),
            )
            .map(|item| {
                eprintln!("索引号 {}", item.index_no);
                vec![item.path]
            });
            (root, result)
        }
        NewCommand::Report {
            dept,
            year,
            root,
            date,
        } => {
            site_root(&root)?;
            let result =
                scaffold::new_report(&root, &dept, year, date.unwrap_or_else(|| today(&root)));
            (root, result)
        }
        NewCommand::Power {
            root,
            dept,
            code,
            name,
            category,
        } => {
            site_root(&root)?;
            let result =
                scaffold::new_power(&root, &dept, &code, &name, &category).map(|p| vec![p]);
            (root, result)
        }
        NewCommand::Department {
            slug,
            name,
            root,
            date,
        } => {
            site_root(&root)?;
            let result =
                scaffold::new_department(&root, &slug, &name, date.unwrap_or_else(|| today(&root)));
            (root, result)
        }
    };
    match result {
        Ok(paths) => {
            for path in paths {
                println!("{}", root.join(path).display());
            }
            Ok(())
        }
        Err(e @ ScaffoldError::Usage(_)) => Err(Failure::Usage(e.to_string())),
        Err(e) => Err(Failure::Environment(e.to_string())),
    }
}

/// Today in the site's time zone (`timezone` in site.toml, default
/// +08:00), wherever the command runs. `GONGKAI_NOW` (Unix seconds)
/// stands in for the clock, so tests can run at any hour.
fn today(root: &std::path::Path) -> Date {
    let seconds = std::env::var("GONGKAI_NOW")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64)
        });
    Date::from_unix(seconds, gongkai::load::site_utc_offset(root))
        .expect("the clock is within the calendar")
}
