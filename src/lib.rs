//! quire: a static documentation site generator. `main.rs` only parses arguments; everything
//! else lives here, one module per pipeline stage (see README.md, "Architecture").

mod aliases;
pub mod checks;
pub mod cli;
pub mod config;
pub mod content;
pub mod date;
pub mod error;
pub mod external;
pub mod feeds;
#[doc(hidden)]
pub mod fuzzing;
mod git_dates;
mod heap;
pub mod highlight;
pub mod hotline;
pub mod init;
pub mod languages;
pub mod markdown;
pub mod memo;
pub mod output;
pub mod pipeline;
pub mod search;
pub mod serve;
mod summary;
mod tags;
pub mod templates;
pub mod theme;
mod toml_text;
pub mod url;
pub mod watch;
mod yaml;
