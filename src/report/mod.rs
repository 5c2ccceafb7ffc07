//! Reports: the `seawall.report/v1` data model and its renderings.
//!
//! Rendering is pure (`render(&Report, Format) -> Vec<u8>`); writing a file is separate
//! (`write::write_private`), so every format can be tested without touching the disk.
//!
//! - `json`: the documented contract (`docs/report-schema.md`, `docs/report.schema.json`);
//! - `sarif`: SARIF 2.1.0 for GitHub code scanning;
//! - `markdown`, `html`: for people, summary first, everything escaped;
//! - `table`: the terminal default of `seawall scan`;
//! - `write`: atomic, owner-only (0600) file writes.

pub mod acceptance;
pub mod baseline;
pub mod format;
pub mod html;
pub mod json;
pub mod markdown;
pub mod model;
pub mod sarif;
pub mod table;
pub mod write;

#[cfg(test)]
mod podman_tests;
mod summary;
#[cfg(test)]
pub(crate) mod test_support;
mod verdict_rows;

pub use format::{Format, ParseFormatError, render, write_report};
pub use html::escape_html;
pub use model::*;
pub use table::{render_table, render_table_width};
pub use write::{write_private, write_private_with};
