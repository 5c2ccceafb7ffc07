//! seawall's own picture of a Docker host: plain data, no Docker-client and no ratatui
//! types.
//!
//! `convert` (with the Docker port's adapter in `crate::docker`) is the only module
//! that knows the client library's types; everything else (rules, reports, the console)
//! works on these types, so they can be built by hand in tests.

pub mod activity;
pub mod container;
pub mod convert;
pub mod host;

pub use activity::*;
pub use container::*;
pub use host::*;
