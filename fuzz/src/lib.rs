//! Shared by the fuzz targets and, by path, by `tests/fuzz_regressions.rs`.

pub mod checks;
pub mod targets;
