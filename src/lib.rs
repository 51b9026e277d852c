//! gongkai: a static-site generator for government information-disclosure
//! catalogs (政府信息公开). See ARCHITECTURE.md for the pipeline.

pub mod build;
pub mod diagnostics;
pub mod git;
pub mod load;
pub mod model;
pub mod render;
pub mod validate;
pub mod vocabulary;
pub mod write;
