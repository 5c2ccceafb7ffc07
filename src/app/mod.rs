//! The console's state and its pure reducer.
//!
//! `update(&mut AppState, Msg) -> Vec<Effect>`: messages come from keys (already resolved to
//! named commands by the keymap), from the watch tasks, from finished actions, from the
//! console's executor and from the tick; effects are IO the console's executor performs (ask
//! a watch task for something, run or record an action, quit). Every command is declared
//! once in the table of [`command`]. The one-key actions and their confirm dialog live in
//! [`action_state`].
//!
//! The reducer never grades: containers and posture arrive graded from the watch tasks
//! (`risk::Grader`) and are stored as they are. Derived view data (the inspect search
//! matches) is computed when its input changes, never while drawing.

pub mod action_state;
pub mod command;
pub mod command_line;
pub mod feed;
pub mod hosts;
pub mod line_edit;
pub mod live_tabs;
pub mod rows;
pub mod state;
pub mod update;
pub mod verdicts;

pub use action_state::{ActionsView, Confirm};
pub use command::Command;
pub use feed::{Feed, FeedEntry, FeedFilter};
pub use state::*;
pub use update::{Effect, InputKey, Msg, update};

#[cfg(test)]
mod hosts_tests;
#[cfg(test)]
mod tests;
