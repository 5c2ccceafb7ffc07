//! seawall's own picture of a Docker host: plain data, no bollard and no ratatui types.
//!
//! `convert` is the only module that knows bollard; everything else (rules, reports, the
//! console) works on these types, so they can be built by hand in tests.

pub mod activity;
pub mod container;
pub mod convert;
pub mod host;

pub use activity::*;
pub use container::*;
pub use host::*;
