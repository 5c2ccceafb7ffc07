//! The activity feed pane: the latest alerts, newest first, one line each:
//! `12:03:04 HIGH web  Shell in container  sh -c id` (time in UTC, the severity as text
//! and style, the container, the title, then the detail in the muted role).
//!
//! Only the visible window is built: the feed model keeps the filtered order
//! (`app::Feed::shown_from`), so a frame costs the same with 10 or 5 000 alerts.

use super::table::window_start;
use super::text::{fit, pad, severity_short, width};
use crate::app::update::feed_in_view;
use crate::app::{AppState, FeedEntry};
use crate::risk::Severity;
use crate::theme::{Role, Theme};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

/// The marker of the selected alert.
const MARKER: &str = "▸";

/// The feed pane.
pub struct FeedPane<'a> {
    state: &'a AppState,
    theme: &'a Theme,
    focused: bool,
}

impl<'a> FeedPane<'a> {
    pub fn new(state: &'a AppState, theme: &'a Theme) -> Self {
        FeedPane {
            state,
            theme,
            focused: false,
        }
    }

    pub fn focused(mut self, focused: bool) -> Self {
        self.focused = focused;
        self
    }

    fn title(&self) -> Line<'a> {
        let (state, theme) = (self.state, self.theme);
        let feed = &state.feed;
        let f = feed.filter();
        let mut spans = vec![
            Span::raw(" "),
            Span::styled("activity", theme.style(Role::Title)),
            Span::raw(" "),
        ];
        if f.is_active() {
            spans.push(Span::raw(format!("{}/{}", feed.shown_len(), feed.len())));
        } else {
            spans.push(Span::raw(format!("{}", feed.len())));
        }
        if f.min_severity > Severity::Info {
            spans.push(Span::styled(" · ", theme.style(Role::Muted)));
            spans.push(Span::styled(
                format!("≥{}", severity_short(f.min_severity)),
                theme.style(Role::Severity(f.min_severity)),
            ));
        }
        if let Some((_, name)) = &f.container {
            spans.push(Span::styled(" · only ", theme.style(Role::Muted)));
            spans.push(Span::raw(name.clone()));
        }
        if !f.text.is_empty() {
            spans.push(Span::styled(" · filter: ", theme.style(Role::Muted)));
            spans.push(Span::styled(f.text.clone(), theme.style(Role::Match)));
        }
        if feed.unseen > 0 && !feed_in_view(state) {
            let role = feed.unseen_worst.map(Role::Severity).unwrap_or(Role::Title);
            spans.push(Span::styled(" · ", theme.style(Role::Muted)));
            spans.push(Span::styled(
                format!("{} new", feed.unseen),
                theme.style(role),
            ));
        }
        spans.push(Span::raw(" "));
        Line::from(spans)
    }

    /// What the pane says when no alert is shown.
    fn empty_message(&self) -> &'static str {
        if self.state.feed.is_empty() {
            "no suspicious activity seen yet"
        } else {
            "no alert matches the feed's filter"
        }
    }
}

/// Who an alert is about: the container name (with `[n]` on a fleet of daemons), or
/// `daemon` for daemon-wide alerts and connection notices.
pub fn subject(state: &AppState, e: &FeedEntry) -> (String, bool) {
    let multi = state.hosts.len() > 1;
    let prefix = if multi {
        format!("[{}] ", e.host + 1)
    } else {
        String::new()
    };
    match &e.alert.container {
        Some(c) => (format!("{prefix}{}", c.name), true),
        None => (format!("{prefix}daemon"), false),
    }
}

/// One alert as a feed line (without the selection marker), `name_w` columns for the
/// container.
pub fn alert_line<'e>(
    state: &AppState,
    theme: &Theme,
    e: &'e FeedEntry,
    name_w: usize,
) -> Line<'e> {
    let a = &e.alert;
    let sev = theme.style(Role::Severity(a.severity));
    let (who, is_container) = subject(state, e);
    let who_role = if is_container {
        Role::Text
    } else {
        Role::Muted
    };
    let mut spans = vec![
        Span::styled(
            a.time.format("%H:%M:%S").to_string(),
            theme.style(Role::Muted),
        ),
        Span::raw(" "),
        Span::styled(pad(severity_short(a.severity), 4), sev),
        Span::raw(" "),
        Span::styled(pad(&who, name_w), theme.style(who_role)),
        Span::raw(" "),
        Span::styled(a.title.as_str(), sev),
    ];
    if !a.detail.is_empty() {
        spans.push(Span::raw("  "));
        spans.push(Span::styled(a.detail.as_str(), theme.style(Role::Muted)));
    }
    Line::from(spans)
}

impl Widget for FeedPane<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let (state, theme) = (self.state, self.theme);
        let feed = &state.feed;
        let n = feed.shown_len();
        let selected = feed.selected_index();
        let mut right = String::from(" UTC ");
        if n > 0 && (self.focused || !feed.following()) {
            right = format!(" {}/{n} · UTC ", selected + 1);
        }
        let block = super::pane(theme, self.title(), self.focused)
            .title_top(Line::styled(right, theme.style(Role::Muted)).right_aligned());
        let inner = block.inner(area);
        block.render(area, buf);
        if inner.is_empty() {
            return;
        }
        if n == 0 {
            fit(
                Line::styled(self.empty_message(), theme.style(Role::Muted)),
                inner.width as usize,
            )
            .render(inner, buf);
            return;
        }
        let height = inner.height as usize;
        let start = window_start(selected, n, height);
        let visible: Vec<&FeedEntry> = feed.shown_from(start).take(height).collect();
        let w = inner.width as usize;
        let name_cap = if w < 70 { 12 } else { 20 };
        let name_w = visible
            .iter()
            .map(|e| width(&subject(state, e).0))
            .max()
            .unwrap_or(6)
            .clamp(6, name_cap);
        for (i, e) in visible.iter().enumerate() {
            let row = Rect::new(inner.x, inner.y + i as u16, inner.width, 1);
            let is_selected = start + i == selected;
            let mark = if is_selected && self.focused {
                MARKER
            } else {
                " "
            };
            let mut spans = vec![Span::raw(mark)];
            spans.extend(alert_line(state, theme, e, name_w).spans);
            fit(Line::from(spans), w).render(row, buf);
            if is_selected && self.focused {
                buf.set_style(row, theme.style(Role::Selected));
            }
        }
    }
}
