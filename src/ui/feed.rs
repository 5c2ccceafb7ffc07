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

/// Who an alert is about: the container name (with `[n]` on a fleet of daemons, `[n
/// dropped]` once its daemon left the session), or `daemon` for daemon-wide alerts and
/// connection notices.
pub fn subject(state: &AppState, e: &FeedEntry) -> (String, bool) {
    let multi = state.hosts.len() > 1;
    let dropped = state.hosts.get(e.host).is_some_and(|h| h.dropped);
    let prefix = if dropped {
        // Kept as history; its daemon left the session.
        format!("[{} dropped] ", e.host + 1)
    } else if multi {
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

/// Most rows the selected alert's wrapped detail takes.
pub const MAX_DETAIL_ROWS: usize = 6;

/// An alert's line without its detail (the selected alert's detail wraps below it).
fn alert_line_without_detail<'e>(
    state: &AppState,
    theme: &Theme,
    e: &'e FeedEntry,
    name_w: usize,
) -> Line<'e> {
    let mut line = alert_line(state, theme, e, name_w);
    if !e.alert.detail.is_empty() {
        line.spans.truncate(line.spans.len() - 2);
    }
    line
}

/// The selected alert's detail wrapped under its title, when the one-line form does not
/// fit `w` columns (the marker included); empty when it fits.
fn wrapped_detail<'e>(
    state: &AppState,
    theme: &Theme,
    e: &'e FeedEntry,
    name_w: usize,
    w: usize,
) -> Vec<Line<'e>> {
    let full = alert_line(state, theme, e, name_w).width() + 1;
    if full <= w || e.alert.detail.is_empty() {
        return Vec::new();
    }
    // Under the title: marker, time, severity and name columns.
    let indent = 1 + 8 + 1 + 4 + 1 + name_w + 1;
    let room = w.saturating_sub(indent).max(10);
    super::text::wrap(&e.alert.detail, room)
        .into_iter()
        .map(|part| {
            Line::from(vec![
                Span::raw(" ".repeat(indent.min(w.saturating_sub(10)))),
                Span::styled(part, theme.style(Role::Muted)),
            ])
        })
        .collect()
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
        let w = inner.width as usize;
        let FeedWindow {
            start,
            name_w,
            extra,
        } = feed_window(state, theme, inner, self.focused);
        let mut y = inner.y;
        for (i, e) in feed.shown_from(start).enumerate() {
            if y >= inner.bottom() {
                break;
            }
            let row = Rect::new(inner.x, y, inner.width, 1);
            let is_selected = start + i == selected && self.focused;
            let mark = if is_selected { MARKER } else { " " };
            let mut spans = vec![Span::raw(mark)];
            if is_selected && !extra.is_empty() {
                spans.extend(alert_line_without_detail(state, theme, e, name_w).spans);
            } else {
                spans.extend(alert_line(state, theme, e, name_w).spans);
            }
            fit(Line::from(spans), w).render(row, buf);
            y += 1;
            if is_selected {
                for line in extra.iter().cloned() {
                    if y >= inner.bottom() {
                        break;
                    }
                    let row_x = Rect::new(inner.x, y, inner.width, 1);
                    fit(line, w).render(row_x, buf);
                    y += 1;
                }
                let rows = Rect::new(inner.x, row.y, inner.width, y - row.y);
                buf.set_style(rows, theme.style(Role::Selected));
            }
        }
    }
}

/// Which alerts a feed pane shows: from the `start`-th shown alert (newest first), the name
/// column `name_w` wide, and the selected alert's wrapped detail (`extra` rows under it).
struct FeedWindow<'e> {
    start: usize,
    name_w: usize,
    extra: Vec<Line<'e>>,
}

/// The window of a feed pane whose inside is `inner` (the same for drawing and clicking).
fn feed_window<'e>(
    state: &'e AppState,
    theme: &Theme,
    inner: Rect,
    focused: bool,
) -> FeedWindow<'e> {
    let feed = &state.feed;
    let (n, selected) = (feed.shown_len(), feed.selected_index());
    let height = inner.height as usize;
    let w = inner.width as usize;
    // The window first at one row per alert, for the name column's width.
    let start = window_start(selected, n, height);
    let name_cap = if w < 70 { 12 } else { 20 };
    let name_w = feed
        .shown_from(start)
        .take(height)
        .map(|e| width(&subject(state, e).0))
        .max()
        .unwrap_or(6)
        .clamp(6, name_cap);
    // The selected alert (feed focused) shows its whole detail, wrapped under its
    // title: it takes more rows, so the window is placed for them.
    let mut extra = if focused {
        feed.shown_from(selected)
            .next()
            .map(|e| wrapped_detail(state, theme, e, name_w, w))
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    extra.truncate(height.saturating_sub(1).min(MAX_DETAIL_ROWS));
    let start = window_start(selected, n, height - extra.len());
    FeedWindow {
        start,
        name_w,
        extra,
    }
}

/// The shown alert (its index from the newest) drawn on screen row `y` of a feed pane in
/// `area`; the rows of the selected alert's wrapped detail belong to it. `None` on the
/// border or below the last alert.
pub fn alert_at(state: &AppState, area: Rect, focused: bool, y: u16) -> Option<usize> {
    // Styles do not move anything: any theme lays the pane out the same way.
    let theme = Theme::fallback_dark();
    let inner = super::pane(&theme, "", focused).inner(area);
    if y < inner.y || y >= inner.bottom() || state.feed.shown_len() == 0 {
        return None;
    }
    let window = feed_window(state, &theme, inner, focused);
    let selected = state.feed.selected_index();
    let mut row = (y - inner.y) as usize;
    let mut i = window.start;
    // Rows above the selected alert's detail are one alert each; its detail rows are its.
    if focused && selected >= window.start {
        let selected_row = selected - window.start;
        if row > selected_row {
            row = row.saturating_sub(window.extra.len()).max(selected_row);
        }
    }
    i += row;
    (i < state.feed.shown_len()).then_some(i)
}
