//! Per-daemon watch tasks: inventory, `/events` fed to the activity rules, drift and
//! process polls, a slow resync. Each task owns the only copy of its daemon's facts (a
//! [`crate::risk::Grader`] in its [`pipeline::Pipeline`]) and grades there; it sends
//! [`DataEvent`]s (graded containers and posture, [`DataEvent::Alert`]s) to the console or
//! `seawall watch` over a channel and takes [`WatchRequest`]s back.

pub mod dedup;
pub mod event;
pub mod inflight;
pub mod notice;
pub mod pipeline;
pub mod poll;
pub mod replay;
pub mod schedule;
pub mod task;

pub use event::{DataEvent, HostId, LinkStatus, WatchRequest};
pub use pipeline::{EventEffect, classify_event};
pub use task::{WatchHandle, WatchSettings, spawn};
