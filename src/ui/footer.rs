//! The footer line: the filter / search input while typing, else the status message (styled
//! by level) followed by the key hints that fit. Which hints show where, and in which order,
//! is declared in the command table (`app::command`); keys come from the keymap through
//! `AppState::key_for`, so a remapped key shows up here.

use super::text::{fit, safe_span, width};
use crate::app::command::{COMMANDS, HintKeys, Place, ReadOnly};
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

    /// `(key, what it does)` for the current context, most useful first: the hints of the
    /// command table (`app::command`) for this place, by rank; a read-only console hides
    /// the hints of the commands it refuses.
    pub fn hints(&self) -> Vec<(String, &'static str)> {
        let state = self.state;
        if state.confirm.is_some() {
            // The dialog's own keys, not the keymap's.
            return vec![("y".to_string(), "yes"), ("n/esc".to_string(), "no")];
        }
        let places: &[Place] = match &state.view {
            _ if state.picker.is_some() => &[Place::Daemons],
            _ if state.overlay.is_some() => &[Place::Overlay],
            View::Hosts => &[Place::Hosts],
            View::Fleet if state.focus == Focus::Feed => &[Place::Feed],
            View::Fleet => &[Place::Fleet],
            View::Drilldown(d) if d.tab == Tab::Inspect => &[Place::Drilldown, Place::Inspect],
            View::Drilldown(d) if d.tab == Tab::Logs => &[Place::Drilldown, Place::Logs],
            View::Drilldown(_) => &[Place::Drilldown],
        };
        let mut shown: Vec<(u8, String, &'static str)> = COMMANDS
            .iter()
            .filter(|spec| !(state.actions.read_only && spec.read_only == ReadOnly::Refused))
            .flat_map(|spec| spec.hints.iter().map(move |h| (spec.command, h)))
            .filter(|(_, h)| places.contains(&h.place))
            .map(|(command, h)| (h.rank, hint_keys(state, command, h.keys), h.label))
            .filter(|(_, keys, _)| !keys.is_empty())
            .collect();
        shown.sort_by_key(|(rank, _, _)| *rank);
        shown.into_iter().map(|(_, k, l)| (k, l)).collect()
    }
}

/// The keys a hint shows (empty: the hint is hidden, a key it needs is unbound).
fn hint_keys(state: &AppState, command: Command, keys: HintKeys) -> String {
    let own = state.key_for(command);
    let joined = |other: Command, sep: char| {
        let other = state.key_for(other);
        if own.is_empty() || other.is_empty() {
            String::new()
        } else {
            format!("{own}{sep}{other}")
        }
    };
    match keys {
        HintKeys::Own => own.to_string(),
        HintKeys::Pair(other) => joined(other, '/'),
        HintKeys::Range(last) => joined(last, '-'),
    }
}

/// The text of the active input with the cursor where it is; a selected text (typing
/// replaces it) is drawn in the selection style.
fn edited<'a>(state: &AppState, theme: &Theme, text: &'a str) -> Vec<Span<'a>> {
    let cursor = Span::styled(CURSOR, theme.style(Role::Key));
    if state.edit.selected {
        return vec![Span::styled(text, theme.style(Role::Selected)), cursor];
    }
    let (before, after) = state.edit.split(text);
    vec![Span::raw(before), cursor, Span::raw(after)]
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
                vec![key("/".to_string()), Span::raw(" ")]
                    .into_iter()
                    .chain(edited(state, theme, &state.feed.filter().text))
                    .chain([muted(format!("  {} alerts shown", state.feed.shown_len()))])
                    .collect::<Vec<_>>(),
                vec![
                    ("enter".to_string(), "apply".to_string()),
                    ("esc".to_string(), "clear".to_string()),
                ],
            ))
        } else if state.filter_editing {
            Some((
                vec![key("/".to_string()), Span::raw(" ")]
                    .into_iter()
                    .chain(edited(state, theme, &state.filter))
                    .chain([muted(format!("  {} shown", state.rows.len()))])
                    .collect::<Vec<_>>(),
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
                        std::iter::once(key("/".to_string()))
                            .chain(edited(state, theme, &d.inspect.search))
                            .chain([muted(format!("  {n} matching lines"))])
                            .collect(),
                        vec![
                            ("enter".to_string(), "done".to_string()),
                            ("esc".to_string(), "clear".to_string()),
                        ],
                    ))
                }
                View::Drilldown(d) if d.logs.searching => {
                    let n = d.logs.matches().len();
                    Some((
                        std::iter::once(key("/".to_string()))
                            .chain(edited(state, theme, &d.logs.search))
                            .chain([muted(format!("  {n} matching lines"))])
                            .collect(),
                        vec![
                            ("enter".to_string(), "done".to_string()),
                            ("esc".to_string(), "clear".to_string()),
                        ],
                    ))
                }
                _ => None,
            }
        };
        // The command line: what is typed, then what tab would complete to.
        let input = match &state.command_line {
            Some(line) => {
                let found = crate::app::command_line::candidates(state, line);
                let mut spans: Vec<Span> = std::iter::once(key(":".to_string()))
                    .chain(edited(state, theme, line))
                    .collect();
                if !found.is_empty() && found.len() <= 40 {
                    spans.push(muted(format!("  {}", found.join(" "))));
                } else if found.len() > 40 {
                    spans.push(muted(format!("  {} commands (tab)", found.len())));
                }
                Some((
                    spans,
                    vec![
                        ("tab".to_string(), "complete".to_string()),
                        ("enter".to_string(), "run".to_string()),
                        ("esc".to_string(), "cancel".to_string()),
                    ],
                ))
            }
            None => input,
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
        // The status message and the inputs may quote container data: escaped before
        // anything is measured.
        spans = spans.into_iter().map(safe_span).collect();
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
