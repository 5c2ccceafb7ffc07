//! The container table of the fleet view.
//!
//! Only the rows in the visible window are turned into `Row`s, so a frame costs the same
//! with 20 or 20 000 containers. The window is computed from `state.selected` alone
//! (the selection is kept in the middle once the list scrolls), so drawing needs no state
//! of its own. Column widths are computed here from the visible rows: STATE, NAME,
//! SCORE and the WORST finding's id always stay; IMAGE, UPTIME and HOST shrink or hide first.
//!
//! Activity shows in two places: SCORE reads `42+10 HIGH` when alerts added points (the
//! configuration score, the decaying activity points, and the band of their sum), and an
//! ALERTS column (`!3`, styled by the worst alert) appears when a visible row has alerts.

use super::text::{band_short, image_label, pad, state_label, truncate, uptime, width};
use crate::app::{AppState, ContainerView, SortKey};
use crate::model::ContainerState;
use crate::risk::Severity;
use crate::theme::{Role, Theme};
use crate::watch::LinkStatus;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Cell, HighlightSpacing, Paragraph, Row, StatefulWidget, Table, TableState, Widget, Wrap,
};

/// A table column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    State,
    Name,
    Image,
    Score,
    Worst,
    Uptime,
    Host,
    /// Alerts in the feed about the container (only when a visible row has some).
    Alerts,
}

impl Column {
    pub fn header(self) -> &'static str {
        match self {
            Column::State => "STATE",
            Column::Name => "NAME",
            Column::Image => "IMAGE",
            Column::Score => "SCORE",
            Column::Worst => "WORST",
            Column::Uptime => "UPTIME",
            Column::Host => "HOST",
            Column::Alerts => "ALERTS",
        }
    }

    fn sort_key(self) -> Option<SortKey> {
        match self {
            Column::State => Some(SortKey::State),
            Column::Name => Some(SortKey::Name),
            Column::Image => Some(SortKey::Image),
            Column::Score => Some(SortKey::Score),
            Column::Uptime => Some(SortKey::Uptime),
            Column::Worst | Column::Host | Column::Alerts => None,
        }
    }
}

/// Gap between columns.
const SPACING: u16 = 1;
/// Width of the selection marker column.
const MARKER: &str = "▸";
const STATE_W: usize = 7;
/// `100 CRIT`
const SCORE_W: usize = 8;
/// `999d23h`
const UPTIME_W: usize = 7;
/// `ALERTS`, `!9999+`
const ALERTS_W: usize = 6;

/// What the column layout needs to know about the visible rows.
#[derive(Debug, Clone, Copy, Default)]
pub struct Demand {
    pub name: usize,
    pub image: usize,
    /// Widest finding id.
    pub worst_id: usize,
    /// Widest `id title`.
    pub worst: usize,
    pub host: usize,
    /// Widest score text (`42+10 HIGH`); [`SCORE_W`] at least.
    pub score: usize,
    /// Does a visible row have alerts?
    pub alerts: bool,
}

/// Decide which columns show and how wide they are, for `avail` columns of cells
/// (spacing included). Deterministic and cheap.
pub fn layout_columns(avail: usize, d: Demand, multi_host: bool) -> Vec<(Column, usize)> {
    use Column::*;
    let name_min = 8.min(d.name.max(4));
    let worst_min = d.worst_id.clamp(4, 22);
    let mut cols: Vec<(Column, usize)> = vec![
        (State, STATE_W),
        (Name, name_min),
        (Score, d.score.max(SCORE_W)),
        (Worst, worst_min),
    ];
    if d.alerts {
        cols.push((Alerts, ALERTS_W));
    }
    let used = |cols: &[(Column, usize)]| -> usize {
        cols.iter().map(|c| c.1).sum::<usize>() + (cols.len().saturating_sub(1)) * SPACING as usize
    };
    // Optional columns, in the order they are given room (the last one hides first).
    let optional: &[(Column, usize)] = if multi_host {
        &[(Host, 6), (Uptime, UPTIME_W), (Image, 8)]
    } else {
        &[(Uptime, UPTIME_W), (Image, 8)]
    };
    for &(col, min) in optional {
        if used(&cols) + SPACING as usize + min <= avail {
            cols.push((col, min));
        }
    }
    // Essentials squeezed below their minimum on very narrow areas: shrink NAME, then WORST.
    let mut over = used(&cols).saturating_sub(avail);
    for col in [Name, Worst] {
        if over == 0 {
            break;
        }
        if let Some(c) = cols.iter_mut().find(|c| c.0 == col) {
            let take = over.min(c.1.saturating_sub(3));
            c.1 -= take;
            over -= take;
        }
    }
    // Grow toward the preferred widths, most useful first.
    let mut spare = avail.saturating_sub(used(&cols));
    let steps = [
        (Name, d.name.min(16)),
        (Image, d.image.min(12)),
        (Worst, d.worst.min(d.worst_id + 16)),
        (Host, d.host.min(12)),
        (Name, d.name.min(24)),
        (Image, d.image.min(24)),
        (Worst, d.worst.min(d.worst_id + 32)),
        (Host, d.host.min(24)),
        (Name, d.name.min(32)),
        (Image, d.image.min(40)),
        (Worst, d.worst),
    ];
    for (col, target) in steps {
        if spare == 0 {
            break;
        }
        if let Some(c) = cols.iter_mut().find(|c| c.0 == col)
            && c.1 < target
        {
            let grow = (target - c.1).min(spare);
            c.1 += grow;
            spare -= grow;
        }
    }
    // Whatever is left goes to WORST, so the table spans the pane.
    if let Some(c) = cols.iter_mut().find(|c| c.0 == Worst) {
        c.1 += spare;
    }
    // Display order.
    let order = [State, Name, Image, Score, Alerts, Worst, Uptime, Host];
    cols.sort_by_key(|c| order.iter().position(|o| *o == c.0));
    cols
}

/// The first row of the visible window: 0 until the selection passes the middle, then
/// the selection stays centered, and the last page is full.
pub fn window_start(selected: usize, len: usize, height: usize) -> usize {
    if height == 0 || len <= height {
        return 0;
    }
    let selected = selected.min(len - 1);
    selected.saturating_sub(height / 2).min(len - height)
}

/// The container table.
pub struct ContainerTable<'a> {
    state: &'a AppState,
    theme: &'a Theme,
    focused: bool,
}

impl<'a> ContainerTable<'a> {
    pub fn new(state: &'a AppState, theme: &'a Theme) -> Self {
        ContainerTable {
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
        let mut spans = vec![
            Span::raw(" "),
            Span::styled("containers", theme.style(Role::Title)),
            Span::raw(" "),
        ];
        let shown = state.rows.len();
        let total = state.containers.len();
        if shown == total {
            spans.push(Span::raw(format!("{total} ")));
        } else {
            spans.push(Span::raw(format!("{shown}/{total} ")));
        }
        if !state.filter.is_empty() {
            spans.push(Span::styled("filter: ", theme.style(Role::Muted)));
            spans.push(Span::styled(state.filter.clone(), theme.style(Role::Match)));
            spans.push(Span::raw(" "));
        }
        Line::from(spans)
    }

    /// What to say when there is no row to show.
    fn empty_message(&self) -> (String, Role) {
        let state = self.state;
        if let Some(h) = state
            .hosts
            .iter()
            .find(|h| matches!(h.status, LinkStatus::Down { .. }))
            && state.containers.is_empty()
        {
            let LinkStatus::Down {
                message,
                retry_in_secs,
            } = &h.status
            else {
                unreachable!()
            };
            return (
                format!(
                    "{} is down: {message} (retrying in {retry_in_secs}s)",
                    h.endpoint
                ),
                Role::StatusError,
            );
        }
        if !state.filter.is_empty() && !state.containers.is_empty() {
            return (
                format!("no container matches the filter \"{}\"", state.filter),
                Role::Muted,
            );
        }
        let connecting: Vec<&str> = state
            .hosts
            .iter()
            .filter(|h| h.status == LinkStatus::Connecting)
            .map(|h| h.endpoint.as_str())
            .collect();
        if !connecting.is_empty() {
            return (
                format!("connecting to {}…", connecting.join(", ")),
                Role::Muted,
            );
        }
        if state.hosts.is_empty() {
            return ("no daemon configured".to_string(), Role::Muted);
        }
        ("no containers".to_string(), Role::Muted)
    }
}

/// The SCORE cell's number: `52`, or `42+10` when activity added points.
fn score_number(config: u8, activity: u8) -> String {
    if activity == 0 {
        config.to_string()
    } else {
        format!("{config}+{activity}")
    }
}

/// The ALERTS cell: `!3`, `!9999+` beyond.
fn alerts_label(n: usize) -> String {
    if n > 9999 {
        "!9999+".to_string()
    } else {
        format!("!{n}")
    }
}

/// `[n] name`: the index matches the header bar's, the name is the daemon's (or the
/// endpoint before `/info` was read).
fn host_label(state: &AppState, c: &ContainerView) -> String {
    let name = state
        .hosts
        .get(c.host)
        .map(|h| match &h.facts {
            Some(f) if !f.name.is_empty() => f.name.as_str(),
            _ => h.endpoint.as_str(),
        })
        .unwrap_or("?");
    format!("[{}] {name}", c.host + 1)
}

/// The STATE column of a running container seawall isolated.
pub const ISOLATED_LABEL: &str = "isol";

/// Is this container running (or paused) cut off by seawall?
pub fn isolated(state: &AppState, c: &ContainerView) -> bool {
    c.facts.state.is_live()
        && state.actions.isolated.contains(&crate::app::RowKey {
            host: c.host,
            id: c.facts.id.clone(),
        })
}

fn state_role(s: ContainerState) -> Role {
    match s {
        ContainerState::Running => Role::Text,
        ContainerState::Paused | ContainerState::Restarting => Role::StatusWarning,
        ContainerState::Dead => Role::StatusError,
        _ => Role::Muted,
    }
}

impl Widget for ContainerTable<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let (state, theme) = (self.state, self.theme);
        let mut block = super::pane(theme, self.title(), self.focused);
        if !state.rows.is_empty() {
            let pos = format!(
                " {}/{} ",
                state.selected.min(state.rows.len() - 1) + 1,
                state.rows.len()
            );
            block = block.title_top(Line::from(pos).right_aligned());
        }
        let inner = block.inner(area);
        block.render(area, buf);
        if inner.is_empty() {
            return;
        }

        if state.rows.is_empty() {
            let unread = unread_lines(state);
            if !unread.is_empty() {
                render_unread(theme, &unread, inner, buf);
                return;
            }
            let (msg, role) = self.empty_message();
            Paragraph::new(super::text::safe_line(Line::styled(msg, theme.style(role))))
                .wrap(Wrap { trim: true })
                .render(inner, buf);
            return;
        }

        // The visible window (the header takes one row).
        let height = inner.height.saturating_sub(1) as usize;
        let len = state.rows.len();
        let selected = state.selected.min(len - 1);
        let start = window_start(selected, len, height);
        let end = (start + height).min(len);
        // Each visible row with its activity: (view, activity points, alerts, worst alert).
        let visible: Vec<(&ContainerView, u8, usize, Option<Severity>)> = state.rows[start..end]
            .iter()
            .filter_map(|k| {
                let c = state.containers.get(k)?;
                let a = state.activity.get(k);
                Some((
                    c,
                    a.map(|a| a.points).unwrap_or(0),
                    a.map(|a| a.alerts).unwrap_or(0),
                    a.and_then(|a| a.worst),
                ))
            })
            .collect();
        let score_num_w = visible
            .iter()
            .map(|(c, points, _, _)| width(&score_number(c.score.value, *points)))
            .max()
            .unwrap_or(3)
            .max(3);

        let multi_host = state.hosts.len() > 1;
        let mut demand = Demand {
            score: score_num_w + 1 + 4,
            alerts: visible.iter().any(|v| v.2 > 0),
            ..Demand::default()
        };
        for &(c, ..) in &visible {
            demand.name = demand.name.max(width(&c.facts.name));
            demand.image = demand.image.max(width(&c.facts.image));
            if let Some(f) = c.worst() {
                demand.worst_id = demand.worst_id.max(width(&f.id));
                demand.worst = demand.worst.max(width(&f.id) + 1 + width(&f.title));
            } else {
                demand.worst = demand.worst.max(11);
            }
            if multi_host {
                demand.host = demand.host.max(width(&host_label(state, c)));
            }
        }
        let marker_w = width(MARKER);
        let avail = (inner.width as usize).saturating_sub(marker_w);
        let cols = layout_columns(avail, demand, multi_host);

        let sort_mark = if state.sort_reverse { "▲" } else { "▼" };
        let header = Row::new(cols.iter().map(|&(col, w)| {
            let mut label = col.header().to_string();
            if col.sort_key() == Some(state.sort) {
                label.push_str(sort_mark);
            }
            Cell::from(pad(&label, w))
        }))
        .style(theme.style(Role::Header));

        let rows = visible.iter().map(|&(c, points, alerts, worst)| {
            Row::new(cols.iter().map(move |&(col, w)| match col {
                Column::State if isolated(state, c) => Cell::from(Span::styled(
                    pad(ISOLATED_LABEL, w),
                    theme.style(Role::Danger),
                )),
                Column::State => Cell::from(Span::styled(
                    pad(state_label(c.facts.state), w),
                    theme.style(state_role(c.facts.state)),
                )),
                Column::Name => Cell::from(truncate(&c.facts.name, w).into_owned()),
                Column::Image => Cell::from(Span::styled(
                    image_label(&c.facts.image, w).into_owned(),
                    theme.style(Role::Muted),
                )),
                Column::Score => {
                    let shown = state.shown_score(c);
                    Cell::from(Span::styled(
                        pad(
                            &format!(
                                "{:>score_num_w$} {}",
                                score_number(c.score.value, points),
                                band_short(shown.band)
                            ),
                            w,
                        ),
                        theme.style(Role::Band(shown.band)),
                    ))
                }
                Column::Alerts if alerts > 0 => Cell::from(Span::styled(
                    pad(&alerts_label(alerts), w),
                    theme.style(worst.map(Role::Severity).unwrap_or(Role::Text)),
                )),
                Column::Alerts => Cell::from(""),
                Column::Worst => match c.worst() {
                    Some(f) => {
                        let id = truncate(&f.id, w).into_owned();
                        let rest = w.saturating_sub(width(&id) + 1);
                        let mut spans =
                            vec![Span::styled(id, theme.style(Role::Severity(f.severity)))];
                        if rest > 0 {
                            spans.push(Span::raw(" "));
                            spans.push(Span::raw(truncate(&f.title, rest).into_owned()));
                        }
                        Cell::from(Line::from(spans))
                    }
                    None => Cell::from(Span::styled(
                        truncate("no findings", w).into_owned(),
                        theme.style(Role::Muted),
                    )),
                },
                Column::Uptime => Cell::from(uptime(&c.facts, state.now)),
                Column::Host => Cell::from(Span::styled(
                    truncate(&host_label(state, c), w).into_owned(),
                    theme.style(Role::Muted),
                )),
            }))
        });

        let widths: Vec<Constraint> = cols
            .iter()
            .map(|c| Constraint::Length(c.1 as u16))
            .collect();
        let table = Table::new(rows, widths)
            .header(header)
            .column_spacing(SPACING)
            .row_highlight_style(theme.style(Role::Selected))
            .highlight_symbol(MARKER)
            .highlight_spacing(HighlightSpacing::Always);
        let mut table_state = TableState::default().with_selected(Some(selected - start));
        StatefulWidget::render(table, inner, buf, &mut table_state);
        // Below the last row, when it is in view: the containers that could not be read.
        let used = 1 + (end - start) as u16;
        if end == len && used < inner.height {
            let below = Rect::new(inner.x, inner.y + used, inner.width, inner.height - used);
            render_unread(theme, &unread_lines(state), below, buf);
        }
    }
}

/// The containers listed but not inspected (yet) of the daemons in view, one line each:
/// `name (id12): inspect failed: why; retrying in N s`, as the watch task sent it; with a
/// filter, the lines that contain it (their state is unknown: `running only` keeps them).
fn unread_lines(state: &AppState) -> Vec<&str> {
    let needle = state.filter.trim().to_lowercase();
    state
        .hosts
        .iter()
        .enumerate()
        .filter(|(i, _)| state.host_only.is_none_or(|only| only == *i))
        .flat_map(|(_, h)| h.unread.values().map(String::as_str))
        .filter(|line| needle.is_empty() || line.to_lowercase().contains(&needle))
        .collect()
}

/// Draw `lines` (untrusted: escaped and cut) as warnings, one per row, as many as fit; the
/// last row counts the rest.
fn render_unread(theme: &Theme, lines: &[&str], area: Rect, buf: &mut Buffer) {
    let rows = area.height as usize;
    if rows == 0 || lines.is_empty() {
        return;
    }
    let w = area.width as usize;
    let shown = if lines.len() > rows {
        rows - 1
    } else {
        lines.len()
    };
    for (i, line) in lines.iter().take(shown).enumerate() {
        let text = format!("{}? not graded: {line}", " ".repeat(width(MARKER)));
        let row = Rect::new(area.x, area.y + i as u16, area.width, 1);
        Line::styled(
            truncate(&text, w).into_owned(),
            theme.style(Role::StatusWarning),
        )
        .render(row, buf);
    }
    if shown < lines.len() {
        let more = format!(
            "{}… {} more not graded",
            " ".repeat(width(MARKER)),
            lines.len() - shown
        );
        let row = Rect::new(area.x, area.y + shown as u16, area.width, 1);
        Line::styled(
            truncate(&more, w).into_owned(),
            theme.style(Role::StatusWarning),
        )
        .render(row, buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_keeps_selection_visible() {
        assert_eq!(window_start(0, 100, 10), 0);
        assert_eq!(window_start(4, 100, 10), 0);
        assert_eq!(window_start(5, 100, 10), 0);
        assert_eq!(window_start(6, 100, 10), 1);
        assert_eq!(window_start(50, 100, 10), 45);
        assert_eq!(window_start(99, 100, 10), 90);
        assert_eq!(window_start(500, 100, 10), 90);
        assert_eq!(window_start(3, 5, 10), 0);
        assert_eq!(window_start(3, 5, 0), 0);
        for sel in 0..100 {
            let s = window_start(sel, 100, 7);
            assert!(s <= sel && sel < s + 7, "{sel} not in window at {s}");
        }
    }

    #[test]
    fn columns_keep_the_essentials_and_drop_image_first() {
        let d = Demand {
            name: 24,
            image: 30,
            worst_id: 22,
            worst: 60,
            host: 20,
            ..Demand::default()
        };
        let names = |cols: &[(Column, usize)]| cols.iter().map(|c| c.0).collect::<Vec<_>>();
        let wide = layout_columns(157, d, true);
        assert_eq!(
            names(&wide),
            vec![
                Column::State,
                Column::Name,
                Column::Image,
                Column::Score,
                Column::Worst,
                Column::Uptime,
                Column::Host
            ]
        );
        let total =
            |cols: &[(Column, usize)]| cols.iter().map(|c| c.1).sum::<usize>() + cols.len() - 1;
        assert_eq!(total(&wide), 157);
        let narrow = layout_columns(55, d, false);
        assert!(!names(&narrow).contains(&Column::Image));
        for col in [Column::State, Column::Name, Column::Score, Column::Worst] {
            assert!(names(&narrow).contains(&col));
        }
        let worst = narrow.iter().find(|c| c.0 == Column::Worst).unwrap().1;
        assert!(worst >= 22);
        assert!(total(&narrow) <= 55);
        // Absurdly narrow: never wider than the area.
        assert!(total(&layout_columns(20, d, true)) <= 30);
    }
}
