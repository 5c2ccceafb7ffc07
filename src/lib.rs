//! seawall: a security console for Docker hosts.
//!
//! The library holds everything testable; `main.rs` only parses the command line and calls in.
//! Data flows one way: `docker` connects and is the one port to the daemon (the `DockerApi`
//! trait, answering in `model` types), `inventory` reads the daemon through it, `risk` grades
//! the facts, `report` renders the result.

pub mod actions;
pub mod activity;
pub mod app;
pub mod cli;
pub mod config;
pub mod console;
pub mod docker;
pub mod headless;
pub mod inventory;
pub mod logging;
pub mod model;
pub mod redact;
pub mod report;
pub mod risk;
pub mod scan;
pub mod theme;
pub mod ui;
pub mod watch;
