//! Headless commands besides `seawall scan` (which lives in `crate::cli`): `seawall watch`
//! streams alerts; `seawall isolate|unisolate|stop|report` run one action; `seawall rules`
//! lists the rules; `seawall completions|man` print what the shell and `man` need.

pub mod action_commands;
pub mod alert_stream;
pub mod compose_commands;
pub mod rules_command;
pub mod shell_docs;
