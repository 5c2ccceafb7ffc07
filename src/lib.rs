//! seawall: a security console for Docker hosts.
//!
//! The library holds everything testable; `main.rs` only parses the command line and calls in.
//! Data flows one way (docs/architecture.md draws it):
//!
//! - `docker`: endpoints, connecting, and the one port to a daemon (the `DockerApi` trait,
//!   answering in `model` types with one `DockerError`; bollard lives behind it).
//! - `inventory` reads a daemon through the port; `watch` runs one task per daemon (events,
//!   polls, resyncs) that owns the daemon's facts.
//! - `risk` grades them (`risk::Grader`, the only grader) and `activity` turns what happens
//!   into alerts; both are pure.
//! - `app` is the console's state and reducer, `ui` draws it, `console` runs the loop;
//!   `actions` does isolate/stop/export for the console and the headless commands.
//! - `scan`, `report`, `cli` and `headless` are the commands and their outputs; every
//!   string from a container or a daemon reaches them through `sanitize` (one sanitizer per
//!   kind of output).

pub mod actions;
pub mod activity;
pub mod app;
pub mod cli;
pub mod compose;
pub mod config;
pub mod console;
pub mod docker;
pub mod fix;
pub mod headless;
#[cfg(test)]
mod hostile_tests;
pub mod inventory;
pub mod logging;
pub mod model;
pub mod redact;
pub mod report;
pub mod risk;
pub mod sanitize;
pub mod scan;
pub mod serve;
pub mod theme;
pub mod ui;
pub mod watch;
