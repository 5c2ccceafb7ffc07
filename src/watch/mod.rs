//! Per-daemon watch tasks: inventory, `/events`, resync; they send [`DataEvent`]s.

pub mod event;

pub use event::{DataEvent, HostId, LinkStatus, WatchRequest};
