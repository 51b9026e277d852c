//! The terminal side of the subcommands that run long or write content:
//! what they print, how they stop, which exit status they end with.

pub mod exit;
pub mod new;
pub mod search;
pub mod serve;
pub mod verify;
pub mod vocab;
