//! Headless commands besides `seawall scan` (which lives in `crate::cli`): `seawall watch`
//! streams alerts; `seawall isolate|unisolate|stop|report` run one action.

pub mod action_commands;
pub mod alert_stream;
pub mod compose_commands;
