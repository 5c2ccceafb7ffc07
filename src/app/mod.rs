//! The console's state and its pure reducer.
//!
//! `update(&mut AppState, Msg) -> Vec<Effect>`: messages come from keys (already resolved to
//! named commands by the keymap), from the watch tasks and from the tick; effects are IO
//! the run loop performs (ask a watch task for something, quit).

pub mod command;
pub mod feed;
pub mod rows;
pub mod state;
pub mod update;

pub use command::Command;
pub use feed::{Feed, FeedEntry, FeedFilter};
pub use state::*;
pub use update::{Effect, InputKey, Msg, update};

#[cfg(test)]
mod tests;
