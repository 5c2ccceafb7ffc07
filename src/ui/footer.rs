//! The footer line: the filter / search input while typing, else the status message (styled
//! by level) followed by the key hints that fit. Keys come from the keymap through
//! `AppState::key_for`, so a remapped key shows up here.

use super::text::{fit, width};
use crate::app::{AppState, Command, Focus, StatusLevel, Tab, View};
use crate::theme::{Role, Theme};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

/// The text cursor drawn after typed input.
pub const CURSOR: &str = "▏";

pub struct Footer<'a> {
    state: &'a AppState,
    theme: &'a Theme,
}

impl<'a> Footer<'a> {
    pub fn new(state: &'a AppState, theme: &'a Theme) -> Self {
        Footer { state, theme }
    }

    /// `(key, what it does)` for the current context, most useful first.
    pub fn hints(&self) -> Vec<(String, &'static str)> {
        let state = self.state;
        let key = |c: Command| state.key_for(c).to_string();
        let mut out: Vec<(String, &'static str)> = Vec::new();
        let mut push = |k: String, label: &'static str| {
            if !k.is_empty() {
                out.push((k, label));
            }
        };
        let scroll_keys = || {
            let (u, d) = (key(Command::Up), key(Command::Down));
            if u.is_empty() || d.is_empty() {
                String::new()
            } else {
                format!("{u}/{d}")
            }
        };
        if state.confirm.is_some() {
            push("y".to_string(), "yes");
            push("n/esc".to_string(), "no");
            return out;
        }
        if state.overlay.is_some() {
            push(scroll_keys(), "scroll");
            push(key(Command::Back), "close");
            push(key(Command::Quit), "quit");
            return out;
        }
        match &state.view {
            View::Fleet if state.focus == Focus::Feed => {
                push(key(Command::Open), "open");
                push(key(Command::FeedSeverity), "severity");
                push(key(Command::FeedContainer), "container");
                push(key(Command::Filter), "filter");
                push(key(Command::Feed), "table");
                push(key(Command::Help), "help");
                push(key(Command::Quit), "quit");
                push(key(Command::Back), "clear");
                if !state.actions.read_only {
                    push(key(Command::Isolate), "isolate");
                    push(key(Command::Stop), "stop");
                }
            }
            View::Fleet => {
                // Most useful first: what does not fit is dropped from the end (the
                // posture key is in the header too).
                push(key(Command::Open), "open");
                push(key(Command::Filter), "filter");
                push(key(Command::SortNext), "sort");
                push(key(Command::NextPane), "pane");
                push(key(Command::Feed), "feed");
                push(key(Command::ToggleLog), "log");
                push(key(Command::Help), "help");
                push(key(Command::Quit), "quit");
                push(key(Command::Posture), "posture");
                push(key(Command::SortReverse), "reverse");
                push(key(Command::Refresh), "refresh");
                if !state.actions.read_only {
                    push(key(Command::Isolate), "isolate");
                    push(key(Command::Unisolate), "undo isolate");
                    push(key(Command::Stop), "stop");
                    push(key(Command::Export), "export");
                }
            }
            View::Drilldown(d) => {
                let (first, last) = (key(Command::Tab1), key(Command::Tab7));
                if !first.is_empty() && !last.is_empty() {
                    push(format!("{first}-{last}"), "tab");
                }
                push(key(Command::NextPane), "next tab");
                push(scroll_keys(), "scroll");
                if d.tab == Tab::Inspect {
                    push(key(Command::Filter), "search");
                    push(key(Command::SearchNext), "next match");
                }
                push(key(Command::Back), "back");
                push(key(Command::Help), "help");
                push(key(Command::Quit), "quit");
                push(key(Command::Posture), "posture");
                if !state.actions.read_only {
                    push(key(Command::Isolate), "isolate");
                    push(key(Command::Stop), "stop");
                    push(key(Command::Export), "export");
                }
            }
        }
        out
    }
}

/// An input line's spans and the hints shown after it.
type InputLine<'a> = (Vec<Span<'a>>, Vec<(String, String)>);

fn status_role(level: StatusLevel) -> Role {
    match level {
        StatusLevel::Info => Role::StatusInfo,
        StatusLevel::Warning => Role::StatusWarning,
        StatusLevel::Error => Role::StatusError,
    }
}

impl Widget for Footer<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let (state, theme) = (self.state, self.theme);
        let w = area.width as usize;
        let key = |s: String| Span::styled(s, theme.style(Role::Key));
        let muted = |s: String| Span::styled(s, theme.style(Role::Muted));

        // Typing: the input line.
        let input: Option<InputLine> = if state.feed.editing {
            Some((
                vec![
                    key("/".to_string()),
                    Span::raw(" "),
                    Span::raw(state.feed.filter().text.as_str()),
                    key(CURSOR.to_string()),
                    muted(format!("  {} alerts shown", state.feed.shown_len())),
                ],
                vec![
                    ("enter".to_string(), "apply".to_string()),
                    ("esc".to_string(), "clear".to_string()),
                ],
            ))
        } else if state.filter_editing {
            Some((
                vec![
                    key("/".to_string()),
                    Span::raw(" "),
                    Span::raw(state.filter.as_str()),
                    key(CURSOR.to_string()),
                    muted(format!("  {} shown", state.rows.len())),
                ],
                vec![
                    ("enter".to_string(), "apply".to_string()),
                    ("esc".to_string(), "clear".to_string()),
                ],
            ))
        } else {
            match &state.view {
                View::Drilldown(d) if d.inspect.searching => {
                    let n = d.inspect.matches().len();
                    Some((
                        vec![
                            key("/".to_string()),
                            Span::raw(d.inspect.search.as_str()),
                            key(CURSOR.to_string()),
                            muted(format!("  {n} matching lines")),
                        ],
                        vec![
                            ("enter".to_string(), "done".to_string()),
                            ("esc".to_string(), "clear".to_string()),
                        ],
                    ))
                }
                _ => None,
            }
        };

        let (mut spans, hints): (Vec<Span>, Vec<(String, String)>) = match input {
            Some(x) => x,
            None => {
                let mut spans = Vec::new();
                if let Some(msg) = &state.status {
                    spans.push(Span::styled(
                        format!(" {} ", msg.text),
                        theme.style(status_role(msg.level)),
                    ));
                    spans.push(Span::raw("  "));
                } else {
                    spans.push(Span::raw(" "));
                }
                let hints = self
                    .hints()
                    .into_iter()
                    .map(|(k, l)| (k, l.to_string()))
                    .collect();
                (spans, hints)
            }
        };
        let mut used: usize = spans.iter().map(Span::width).sum();
        if used > w {
            fit(Line::from(spans), w).render(area, buf);
            return;
        }
        if state.input_active() {
            spans.push(Span::raw("   "));
            used += 3;
        }
        for (k, label) in hints {
            let need = width(&k) + 1 + width(&label) + 2;
            if used + need > w {
                break;
            }
            used += need;
            spans.push(key(k));
            spans.push(muted(format!(" {label}  ")));
        }
        Line::from(spans).render(area, buf);
    }
}
