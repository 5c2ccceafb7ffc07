//! The host overview (one row per daemon of the session, worst first: `app::hosts`) and
//! the daemons window (`D`). Every daemon-provided string (names, endpoints, versions,
//! reasons) is drawn through `text::{pad, truncate, fit}`, which escape it.

use super::text::{band_short, fit, pad, truncate};
use crate::app::hosts::{ChoiceKind, DaemonPicker, counts, overview_order, retry_left};
use crate::app::{AppState, Command, HostView};
use crate::theme::{Role, Theme};
use crate::watch::LinkStatus;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

/// The reachability column: `up`, `connecting`, `down 12s` (the next try in 12 s).
pub fn link_cell(state: &AppState, host: &HostView) -> (String, Role) {
    match &host.status {
        LinkStatus::Live => ("up".to_string(), Role::StatusInfo),
        LinkStatus::Connecting => ("connecting".to_string(), Role::StatusWarning),
        LinkStatus::Down { .. } => (
            format!("down {}s", retry_left(state, host).unwrap_or(0)),
            Role::StatusError,
        ),
    }
}

/// Column widths of the overview at an inner width.
struct Columns {
    name: usize,
    /// `None`: too narrow, the engine is in the detail line and the header only.
    engine: Option<usize>,
    /// `true`: one `C/H/M/L` column instead of four.
    bands_merged: bool,
}

const MARK_W: usize = 2;
const LINK_W: usize = 10;
const ENGINE_W: usize = 10;
const POSTURE_W: usize = 7;
const BAND_W: usize = 4;
const MERGED_W: usize = 11;
const ALERTS_W: usize = 6;
const NAME_MIN: usize = 12;

fn columns(w: usize) -> Columns {
    let base = MARK_W + LINK_W + 1 + POSTURE_W + 1 + ALERTS_W + 1;
    let wide = base + ENGINE_W + 1 + 4 * (BAND_W + 1);
    if w >= wide + NAME_MIN {
        // Past a 40-column name, the engine version gets up to 12 more.
        let extra = (w - wide).saturating_sub(40).min(12);
        return Columns {
            name: w - wide - extra,
            engine: Some(ENGINE_W + extra),
            bands_merged: false,
        };
    }
    let mid = base + 4 * (BAND_W + 1);
    if w >= mid + NAME_MIN {
        return Columns {
            name: w - mid,
            engine: None,
            bands_merged: false,
        };
    }
    let narrow = base + MERGED_W + 1;
    Columns {
        name: w.saturating_sub(narrow).max(6),
        engine: None,
        bands_merged: true,
    }
}

pub struct HostOverview<'a> {
    state: &'a AppState,
    theme: &'a Theme,
}

impl<'a> HostOverview<'a> {
    pub fn new(state: &'a AppState, theme: &'a Theme) -> Self {
        HostOverview { state, theme }
    }

    /// The overview's lines at `w` columns (inside the border): the column header, then
    /// each daemon (a down one with a second line saying why).
    pub fn lines(&self, w: usize) -> Vec<Line<'a>> {
        let (state, theme) = (self.state, self.theme);
        let cols = columns(w);
        let header = theme.style(Role::Header);
        let mut head = vec![
            Span::raw(" ".repeat(MARK_W)),
            Span::styled(pad("HOST", cols.name), header),
            Span::styled(pad("LINK", LINK_W + 1), header),
        ];
        if let Some(ew) = cols.engine {
            head.push(Span::styled(pad("ENGINE", ew + 1), header));
        }
        head.push(Span::styled(pad("POSTURE", POSTURE_W + 1), header));
        if cols.bands_merged {
            head.push(Span::styled(pad("C/H/M/L", MERGED_W + 1), header));
        } else {
            for b in ["CRIT", "HIGH", " MED", " LOW"] {
                head.push(Span::styled(pad(b, BAND_W + 1), header));
            }
        }
        head.push(Span::styled(pad("ALERTS", ALERTS_W), header));
        let mut lines = vec![fit(Line::from(head), w)];
        let order = overview_order(state);
        if order.is_empty() {
            lines.push(Line::styled(
                "  no daemon in the session (D adds one)",
                theme.style(Role::Muted),
            ));
        }
        for id in order {
            let Some(h) = state.hosts.get(id) else {
                continue;
            };
            let selected = id == state.host_cursor;
            let base = if selected {
                theme.style(Role::Selected)
            } else {
                Style::default()
            };
            let styled = |role: Role| {
                if selected { base } else { theme.style(role) }
            };
            let c = counts(state, id);
            let (link, link_role) = link_cell(state, h);
            let mut spans = vec![
                Span::styled(if selected { "▶ " } else { "  " }, base),
                Span::styled(
                    pad(&truncate(&h.name, cols.name.saturating_sub(1)), cols.name),
                    base,
                ),
                Span::styled(pad(&link, LINK_W + 1), styled(link_role)),
            ];
            if let Some(ew) = cols.engine {
                let v = h
                    .facts
                    .as_ref()
                    .map(|f| f.engine.version.as_str())
                    .filter(|v| !v.is_empty())
                    .unwrap_or("-");
                spans.push(Span::styled(pad(&truncate(v, ew), ew + 1), base));
            }
            let posture = if h.facts.is_some() {
                let s = h.posture_score;
                (
                    format!("{} {}", s.value, band_short(s.band)),
                    Role::Band(s.band),
                )
            } else {
                ("-".to_string(), Role::Muted)
            };
            spans.push(Span::styled(
                pad(&posture.0, POSTURE_W + 1),
                styled(posture.1),
            ));
            if cols.bands_merged {
                let b = c.bands;
                let text = format!("{}/{}/{}/{}", b[0], b[1], b[2], b[3]);
                spans.push(Span::styled(pad(&text, MERGED_W + 1), base));
            } else {
                for (i, band) in [
                    crate::risk::Band::Critical,
                    crate::risk::Band::High,
                    crate::risk::Band::Medium,
                    crate::risk::Band::Low,
                ]
                .into_iter()
                .enumerate()
                {
                    let n = c.bands[i];
                    let role = if n == 0 {
                        Role::Muted
                    } else {
                        Role::Band(band)
                    };
                    spans.push(Span::styled(format!("{n:>BAND_W$} "), styled(role)));
                }
            }
            let alerts = if h.unseen_alerts == 0 {
                ("0".to_string(), Role::Muted)
            } else {
                (format!("▲{}", h.unseen_alerts), Role::Title)
            };
            spans.push(Span::styled(
                format!("{:>ALERTS_W$}", alerts.0),
                styled(alerts.1),
            ));
            lines.push(fit(Line::from(spans), w));
            if let LinkStatus::Down { message, .. } = &h.status {
                let left = retry_left(state, h).unwrap_or(0);
                lines.push(fit(
                    Line::from(vec![
                        Span::raw("    ↳ "),
                        Span::styled(
                            format!("down: {message} (next try in {left}s)"),
                            theme.style(Role::StatusError),
                        ),
                    ]),
                    w,
                ));
            }
        }
        lines
    }

    /// The line under the table: the selected daemon's endpoint and engine.
    fn detail(&self, w: usize) -> Line<'a> {
        let (state, theme) = (self.state, self.theme);
        let Some(h) = state.hosts.get(state.host_cursor).filter(|h| !h.dropped) else {
            return Line::raw("");
        };
        let mut spans = vec![
            Span::styled(" endpoint ", theme.style(Role::Muted)),
            Span::raw(h.endpoint.clone()),
        ];
        if let Some(f) = &h.facts {
            spans.push(Span::styled(" · engine ", theme.style(Role::Muted)));
            spans.push(Span::raw(f.engine.version.clone()));
        }
        fit(Line::from(spans), w)
    }
}

impl Widget for HostOverview<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let (state, theme) = (self.state, self.theme);
        let n = state.session_hosts().count();
        let title = Line::from(vec![
            Span::raw(" "),
            Span::styled("hosts", theme.style(Role::Title)),
            Span::raw(format!(
                " · {n} daemon{} · worst first ",
                if n == 1 { "" } else { "s" }
            )),
        ]);
        let block = super::pane(theme, title, true);
        let inner = block.inner(area);
        block.render(area, buf);
        let w = inner.width as usize;
        let lines = self.lines(w);
        let height = inner.height.saturating_sub(1) as usize;
        let start = scroll_start(state, height);
        let mut y = inner.y;
        for (i, line) in lines.into_iter().enumerate() {
            if i > 0 && i <= start {
                continue;
            }
            if y >= inner.y + height as u16 {
                break;
            }
            line.render(Rect::new(inner.x, y, inner.width, 1), buf);
            y += 1;
        }
        if inner.height > 1 {
            self.detail(w)
                .render(Rect::new(inner.x, inner.bottom() - 1, inner.width, 1), buf);
        }
    }
}

/// The daemon of each line of [`HostOverview::lines`] (the column header is line 0; a
/// down daemon has a second line).
fn line_hosts(state: &AppState) -> Vec<Option<crate::watch::HostId>> {
    let mut out = vec![None];
    for id in overview_order(state) {
        out.push(Some(id));
        if matches!(
            state.hosts.get(id).map(|h| &h.status),
            Some(LinkStatus::Down { .. })
        ) {
            out.push(Some(id));
        }
    }
    out
}

/// The first row line drawn (after the column header) in `height` lines, so that the
/// selected daemon stays in view.
fn scroll_start(state: &AppState, height: usize) -> usize {
    let lines = line_hosts(state);
    let selected_line = lines
        .iter()
        .position(|h| *h == Some(state.host_cursor))
        .unwrap_or(0);
    let body = lines.len().saturating_sub(1);
    let rows_h = height.saturating_sub(1);
    if selected_line > rows_h {
        (selected_line - rows_h).min(body.saturating_sub(rows_h))
    } else {
        0
    }
}

/// The daemon drawn at row `y` of the overview drawn in `body` (for a mouse click).
pub fn host_at(state: &AppState, body: Rect, x: u16, y: u16) -> Option<crate::watch::HostId> {
    let inner = Rect::new(
        body.x + 1,
        body.y + 1,
        body.width.saturating_sub(2),
        body.height.saturating_sub(2),
    );
    let height = inner.height.saturating_sub(1) as usize;
    if x < inner.x || x >= inner.right() || y <= inner.y || y >= inner.y + height as u16 {
        return None;
    }
    let start = scroll_start(state, height);
    let line = start + (y - inner.y) as usize;
    line_hosts(state).get(line).copied().flatten()
}

/// The daemons window: the session's daemons, the dropped ones and the docker CLI
/// contexts; `enter` adds or focuses, `x` drops.
pub struct DaemonsWindow<'a> {
    state: &'a AppState,
    theme: &'a Theme,
    picker: &'a DaemonPicker,
}

impl<'a> DaemonsWindow<'a> {
    pub fn new(state: &'a AppState, theme: &'a Theme, picker: &'a DaemonPicker) -> Self {
        DaemonsWindow {
            state,
            theme,
            picker,
        }
    }

    /// Lines above the list.
    const INTRO: usize = 2;

    pub fn lines(&self, w: usize) -> Vec<Line<'a>> {
        let (state, theme, p) = (self.state, self.theme, self.picker);
        let key = |c: Command| state.key_for(c).to_string();
        let mut lines = vec![
            fit(
                Line::from(vec![
                    Span::styled(key(Command::Open), theme.style(Role::Key)),
                    Span::raw(" add or focus  "),
                    Span::styled(key(Command::DropDaemon), theme.style(Role::Key)),
                    Span::raw(" drop from the session  "),
                    Span::styled(key(Command::Back), theme.style(Role::Key)),
                    Span::raw(" close"),
                ]),
                w,
            ),
            Line::raw(""),
        ];
        let label_w = p
            .choices
            .iter()
            .map(|c| super::text::width(&c.label))
            .max()
            .unwrap_or(0)
            .clamp(8, (w / 3).max(8));
        for (i, c) in p.choices.iter().enumerate() {
            let selected = i == p.selected;
            let base = if selected {
                theme.style(Role::Selected)
            } else {
                Style::default()
            };
            let (tag, role) = match &c.kind {
                ChoiceKind::Session(id) => {
                    let link = state
                        .hosts
                        .get(*id)
                        .map(|h| link_cell(state, h))
                        .unwrap_or(("?".into(), Role::Muted));
                    (format!("#{} {}", id + 1, link.0), link.1)
                }
                ChoiceKind::Dropped(_) => ("dropped".to_string(), Role::Muted),
                ChoiceKind::Context(_) => ("context".to_string(), Role::Muted),
            };
            let role_style = if selected { base } else { theme.style(role) };
            lines.push(fit(
                Line::from(vec![
                    Span::styled(if selected { "▶ " } else { "  " }, base),
                    Span::styled(pad(&truncate(&c.label, label_w), label_w + 1), base),
                    Span::styled(pad(&tag, 16), role_style),
                    Span::styled(c.url.clone(), base),
                ]),
                w,
            ));
        }
        if p.loading {
            lines.push(Line::styled(
                "  reading the docker CLI contexts…",
                theme.style(Role::Muted),
            ));
        }
        if let Some(problem) = &p.problem {
            lines.push(fit(
                Line::styled(
                    format!("  contexts: {problem}"),
                    theme.style(Role::StatusError),
                ),
                w,
            ));
        }
        lines
    }
}

impl Widget for DaemonsWindow<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let theme = self.theme;
        let title = Line::from(vec![
            Span::raw(" "),
            Span::styled("daemons", theme.style(Role::Title)),
            Span::raw(" · contexts and -H endpoints "),
        ]);
        // Scrolled so the selected line stays in the window.
        let visible = area.height.saturating_sub(4) as usize;
        let line = Self::INTRO + self.picker.selected;
        let scroll = (line + 1).saturating_sub(visible.max(1));
        super::help::window(theme, area, buf, title, 100, |w| self.lines(w), scroll);
    }
}
