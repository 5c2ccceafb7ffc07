//! The console's screen: [`view`] draws an [`AppState`] with a [`Theme`].
//!
//! Pure drawing: nothing here mutates the state or does IO, and every style comes from a
//! theme [`Role`] (never a literal color), so `NO_COLOR` keeps selection and severity
//! visible through modifiers and the text labels (`95 CRIT`, `[HIGH]`).
//!
//! One file per pane or window:
//! - [`header`]: the daemon bar (endpoints, versions, posture, link status);
//! - [`table`]: the container table (only the visible rows are built);
//! - [`preview`]: the selected container's findings;
//! - [`feed`]: the activity feed (its own pane on tall screens, else in the preview's place
//!   while focused);
//! - [`log`]: seawall's own log (tui-logger);
//! - [`footer`]: key hints, the filter input or the status message;
//! - [`drilldown`]: one container, ten tabs (network, processes and logs among them);
//! - [`hosts`]: the host overview (one row per daemon, worst first) and the daemons window;
//! - [`help`] and [`posture`]: the overlay windows;
//! - [`confirm`]: the confirm dialog of an action, over everything;
//! - [`small`]: the "terminal too small" message.
//!
//! Every widget implements ratatui's `Widget`, so it can be rendered into a plain `Buffer`
//! in tests.
//!
//! Container and daemon strings are untrusted (`crate::sanitize`): widgets draw them through
//! the helpers of [`text`] (`fit`, `pad`, `truncate`, `wrap`, `safe_line`), which show
//! control, bidi and invisible characters escaped, pane titles are cleaned by [`pane`], and
//! [`render`] ends with [`guard`] over the whole buffer.

pub mod confirm;
pub mod drilldown;
pub mod feed;
pub mod footer;
pub mod header;
pub mod help;
pub mod hosts;
pub mod log;
pub mod posture;
pub mod preview;
pub mod small;
pub mod table;
pub mod text;
pub mod what_if;

#[cfg(test)]
mod tests;

use crate::app::{AppState, Focus, Overlay, View};
use crate::theme::{Role, Theme};
use crate::watch::HostId;
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Widget};

pub use confirm::ConfirmDialog;
pub use drilldown::DrilldownView;
pub use feed::FeedPane;
pub use footer::Footer;
pub use header::HeaderBar;
pub use help::HelpOverlay;
pub use log::LogPane;
pub use posture::PostureOverlay;
pub use preview::FindingsPreview;
pub use small::TooSmall;
pub use table::ContainerTable;

/// The smallest terminal the console draws into (columns). Below it, only a message.
pub const MIN_WIDTH: u16 = 60;
/// The smallest terminal the console draws into (rows).
pub const MIN_HEIGHT: u16 = 15;

/// Rows of the header bar.
pub const HEADER_HEIGHT: u16 = 2;

/// Draw the whole screen for one frame.
pub fn view(state: &AppState, theme: &Theme, frame: &mut Frame) {
    let area = frame.area();
    render(state, theme, area, frame.buffer_mut());
}

/// Draw the whole screen into a buffer (what [`view`] does, without a `Frame`), then
/// [`guard`] it.
pub fn render(state: &AppState, theme: &Theme, area: Rect, buf: &mut Buffer) {
    draw_widgets(state, theme, area, buf);
    guard(area, buf);
}

/// Every widget of the screen, without the final [`guard`] (tests check that the widgets
/// alone never draw an unsafe character).
pub fn draw_widgets(state: &AppState, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        TooSmall::new(theme, area.width, area.height).render(area, buf);
        return;
    }
    buf.set_style(area, theme.style(Role::Text));
    let [header, body, footer] = Layout::vertical([
        Constraint::Length(HEADER_HEIGHT),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);

    HeaderBar::new(state, theme).render(header, buf);
    match &state.view {
        View::Fleet => {
            let panes = fleet_layout(
                body,
                state.show_log,
                state.rows.len(),
                state.focus == Focus::Feed,
            );
            ContainerTable::new(state, theme)
                .focused(state.focus == Focus::Table && state.overlay.is_none())
                .render(panes.table, buf);
            if let Some(preview) = panes.preview {
                FindingsPreview::new(state, theme)
                    .focused(state.focus == Focus::Preview && state.overlay.is_none())
                    .render(preview, buf);
            }
            if let Some(feed) = panes.feed {
                FeedPane::new(state, theme)
                    .focused(state.focus == Focus::Feed && state.overlay.is_none())
                    .render(feed, buf);
            }
            if let Some(log) = panes.log {
                LogPane::new(state, theme)
                    .focused(state.focus == Focus::Log && state.overlay.is_none())
                    .render(log, buf);
            }
        }
        View::Drilldown(d) => DrilldownView::new(state, theme, d)
            .focused(state.overlay.is_none())
            .render(body, buf),
        View::Hosts => hosts::HostOverview::new(state, theme).render(body, buf),
    }
    Footer::new(state, theme).render(footer, buf);

    match state.overlay {
        Some(Overlay::Help { scroll }) => HelpOverlay::new(state, theme, scroll).render(body, buf),
        Some(Overlay::Posture { scroll }) => {
            PostureOverlay::new(state, theme, scroll).render(body, buf)
        }
        Some(Overlay::WhatIf { scroll }) => {
            what_if::WhatIfOverlay::new(state, theme, scroll).render(body, buf)
        }
        None => {}
    }
    if let Some(picker) = &state.picker {
        hosts::DaemonsWindow::new(state, theme, picker).render(body, buf);
    }
    if let Some(confirm) = &state.confirm {
        ConfirmDialog::new(confirm, theme).render(area, buf);
    }
}

/// The last line of defence against untrusted text: every widget shows it escaped through
/// `text::{fit, pad, truncate, wrap, safe_line}`, and ratatui itself drops control
/// characters, but a widget that forgot would still let a bidi override or an invisible
/// character through. Any cell that holds one is replaced by `U+FFFD` (visible: something
/// was there). Costs one byte scan per cell.
pub fn guard(area: Rect, buf: &mut Buffer) {
    let area = area.intersection(buf.area);
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            if let Some(cell) = buf.cell_mut((x, y))
                && !crate::sanitize::is_terminal_safe(cell.symbol())
            {
                cell.set_symbol("\u{FFFD}");
            }
        }
    }
}

/// What a click landed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hit {
    /// A container row of the fleet view (index into `rows`).
    Row(usize),
    /// A drilldown tab.
    Tab(crate::app::Tab),
    /// A daemon's row of the host overview.
    Host(HostId),
    /// An alert of the activity feed (its index among the shown alerts, newest first).
    Feed(usize),
}

/// What is drawn at column `x`, row `y` of a `screen` (the same layout as [`render`]):
/// a container row or a drilldown tab; `None` for anything else or under a window.
pub fn hit(state: &AppState, screen: Rect, x: u16, y: u16) -> Option<Hit> {
    if screen.width < MIN_WIDTH
        || screen.height < MIN_HEIGHT
        || state.overlay.is_some()
        || state.picker.is_some()
    {
        return None;
    }
    let [_, body, _] = Layout::vertical([
        Constraint::Length(HEADER_HEIGHT),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(screen);
    let inside = |r: Rect| x >= r.x && x < r.right() && y >= r.y && y < r.bottom();
    match &state.view {
        View::Hosts => hosts::host_at(state, body, x, y).map(Hit::Host),
        View::Drilldown(_) => {
            // The tab bar is the body's second line.
            (y == body.y + 1 && inside(body))
                .then(|| drilldown::tab_at(body.width as usize, (x - body.x) as usize))
                .flatten()
                .map(Hit::Tab)
        }
        View::Fleet => {
            let panes = fleet_layout(
                body,
                state.show_log,
                state.rows.len(),
                state.focus == Focus::Feed,
            );
            if let Some(feed) = panes.feed.filter(|f| inside(*f)) {
                return feed::alert_at(state, feed, state.focus == Focus::Feed, y).map(Hit::Feed);
            }
            let t = panes.table;
            // Inside the border, below the column header.
            if !inside(t) || state.rows.is_empty() || y < t.y + 2 || y + 1 >= t.bottom() {
                return None;
            }
            let height = t.height.saturating_sub(3) as usize;
            let len = state.rows.len();
            let start = table::window_start(state.selected.min(len - 1), len, height);
            let i = start + (y - t.y - 2) as usize;
            (i < len).then_some(Hit::Row(i))
        }
    }
}

/// Where the fleet view's panes go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FleetPanes {
    pub table: Rect,
    /// `None` while the feed takes its place (short screens, feed focused).
    pub preview: Option<Rect>,
    /// `None` on short screens while the feed is not focused.
    pub feed: Option<Rect>,
    pub log: Option<Rect>,
}

/// From this many body rows on, the activity feed has a pane of its own below the preview;
/// on shorter screens it takes the preview's place while it has the focus.
pub const FEED_PANE_MIN_BODY: u16 = 30;

/// Split the fleet view's body: the table on top, then the preview, the activity feed and
/// the log. A table with few `rows` gives its spare lines to the panes below it.
pub fn fleet_layout(body: Rect, show_log: bool, rows: usize, feed_focused: bool) -> FleetPanes {
    if body.height >= FEED_PANE_MIN_BODY {
        let h = body.height;
        let log_h = if show_log { (h / 5).max(3) } else { 0 };
        let mut feed_h = (h / 3).clamp(6, 16);
        let rest = h - log_h - feed_h;
        let mut preview_h = (rest * 2 / 5).clamp(3, 14);
        let table_h = rest - preview_h;
        let want = table_want(rows);
        if want < table_h {
            // A short table's spare lines go to the preview and the feed.
            let spare = table_h - want;
            preview_h += spare / 2;
            feed_h += spare - spare / 2;
        }
        let [table, preview, feed, log] = Layout::vertical([
            Constraint::Fill(1),
            Constraint::Length(preview_h),
            Constraint::Length(feed_h),
            Constraint::Length(log_h),
        ])
        .areas(body);
        return FleetPanes {
            table,
            preview: Some(preview),
            feed: Some(feed),
            log: show_log.then_some(log),
        };
    }
    let mut panes = table_and_lower(body, show_log, rows);
    if feed_focused {
        panes.feed = panes.preview.take();
    }
    panes
}

/// Lines the table needs for `rows` rows: borders and the header row, and at least three
/// rows (everything when there are none, for the message).
fn table_want(rows: usize) -> u16 {
    if rows == 0 {
        u16::MAX
    } else {
        (rows.min(u16::MAX as usize - 3) as u16 + 3).max(6)
    }
}

/// The table, the preview below it, then the log.
fn table_and_lower(body: Rect, show_log: bool, rows: usize) -> FleetPanes {
    let h = body.height;
    let table_want = table_want(rows);
    if show_log {
        let log_h = (h / 4).max(3).min(h);
        let mut preview_h = (h / 4).max(3).min(h - log_h);
        let table_h = h - log_h - preview_h;
        if table_want < table_h {
            preview_h += table_h - table_want;
        }
        let [table, preview, log] = Layout::vertical([
            Constraint::Fill(1),
            Constraint::Length(preview_h),
            Constraint::Length(log_h),
        ])
        .areas(body);
        FleetPanes {
            table,
            preview: Some(preview),
            feed: None,
            log: Some(log),
        }
    } else {
        let mut preview_h = (h * 2 / 5).clamp(3, 14).min(h);
        let table_h = h - preview_h;
        if table_want < table_h {
            preview_h += table_h - table_want;
        }
        let [table, preview] =
            Layout::vertical([Constraint::Fill(1), Constraint::Length(preview_h)]).areas(body);
        FleetPanes {
            table,
            preview: Some(preview),
            feed: None,
            log: None,
        }
    }
}

/// A bordered pane. The focused one gets the focused border role and a thick border, so
/// the focus stays visible without color.
pub fn pane<'a>(theme: &Theme, title: impl Into<Line<'a>>, focused: bool) -> Block<'a> {
    let (role, kind) = if focused {
        (Role::BorderFocused, BorderType::Thick)
    } else {
        (Role::Border, BorderType::Plain)
    };
    Block::bordered()
        .border_type(kind)
        .border_style(theme.style(role))
        .title(text::safe_line(title.into()))
}

/// The daemon the screen is about: the drilldown's container, the overview's cursor, the
/// selected container, the daemon the table is filtered to, or the first daemon of the
/// session.
pub fn current_host(state: &AppState) -> HostId {
    match &state.view {
        View::Drilldown(d) => d.key.host,
        View::Hosts => state.host_cursor,
        View::Fleet => state
            .selected_container()
            .map(|c| c.host)
            .or(state.host_only)
            .or_else(|| state.session_hosts().next().map(|(id, _)| id))
            .unwrap_or(0),
    }
}

/// The first visible line of a scrolled list of `len` lines in `height` rows.
pub fn clamp_scroll(scroll: usize, len: usize, height: usize) -> usize {
    scroll.min(len.saturating_sub(height))
}

/// A window of `w` x `h` centered in `area` (clamped to it).
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}
