//! gongkai: a static-site generator for government information-disclosure
//! catalogs (政府信息公开). See ARCHITECTURE.md for the pipeline.

// A content problem is an expected outcome, made once per bad file and
// moved into a list: its size is no hot-path cost.
#![allow(clippy::result_large_err)]

pub mod archive;
pub mod build;
pub mod diagnostics;
#[doc(hidden)]
pub mod fuzzing;
pub mod git;
pub mod history;
pub mod index;
pub mod load;
pub mod model;
pub mod render;
pub mod scaffold;
pub mod seal;
pub mod serve;
pub mod sink;
pub mod text;
pub mod urls;
pub mod validate;
pub mod vocabulary;
pub mod write;
