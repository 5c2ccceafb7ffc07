//! Per-daemon watch tasks: inventory, `/events`, a slow resync; they send [`DataEvent`]s
//! to the console over a channel and take [`WatchRequest`]s back.

pub mod event;
pub mod task;

pub use event::{DataEvent, HostId, LinkStatus, WatchRequest};
pub use task::{WatchHandle, WatchSettings, spawn};
