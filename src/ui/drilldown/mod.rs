//! The drilldown of one container: a title line, the tab bar, and the active tab's content
//! in a scrolled pane (`drilldown.scroll`, clamped here when drawing).
//!
//! One file per tab (`network`, `processes` and `logs` for the live ones); each builds its
//! lines for a given width, except Inspect, which builds
//! only the visible window of a possibly long document.

pub mod activity;
pub mod capabilities;
pub mod findings;
pub mod inspect;
pub mod logs;
pub mod mounts;
pub mod namespaces;
pub mod network;
pub mod processes;
pub mod security;

use super::text::{band_short, fit, wrap_hanging};
use crate::app::{AppState, ContainerView, Drilldown, Tab};
use crate::model::HostFacts;
use crate::risk::confinement::Confinement;
use crate::theme::{Role, Theme};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

/// What every tab needs: the container, its daemon and its resolved confinement (graded
/// by the watch task, stored with the container: nothing is resolved while drawing).
pub struct TabCtx<'a> {
    pub state: &'a AppState,
    pub theme: &'a Theme,
    pub c: &'a ContainerView,
    pub host: &'a HostFacts,
    pub conf: &'a Confinement,
}

impl<'a> TabCtx<'a> {
    pub fn new(
        state: &'a AppState,
        theme: &'a Theme,
        c: &'a ContainerView,
        host: &'a HostFacts,
    ) -> Self {
        TabCtx {
            state,
            theme,
            c,
            host,
            conf: &c.confinement,
        }
    }

    pub fn style(&self, role: Role) -> Style {
        self.theme.style(role)
    }
}

/// A label followed by wrapped text; continuation lines are indented to `indent`.
pub fn labelled<'a>(
    prefix: Vec<Span<'a>>,
    indent: usize,
    text: &str,
    style: Style,
    w: usize,
) -> Vec<Line<'a>> {
    let prefix_w: usize = prefix.iter().map(Span::width).sum();
    if prefix_w >= w {
        return vec![fit(Line::from(prefix), w)];
    }
    let parts = wrap_hanging(text, w - prefix_w, w.saturating_sub(indent).max(1));
    let mut out = Vec::with_capacity(parts.len());
    for (i, part) in parts.into_iter().enumerate() {
        let line = if i == 0 {
            let mut spans = prefix.clone();
            spans.push(Span::styled(part, style));
            Line::from(spans)
        } else {
            Line::from(vec![
                Span::raw(" ".repeat(indent)),
                Span::styled(part, style),
            ])
        };
        out.push(fit(line, w));
    }
    out
}

/// The drilldown view.
pub struct DrilldownView<'a> {
    state: &'a AppState,
    theme: &'a Theme,
    d: &'a Drilldown,
    focused: bool,
}

impl<'a> DrilldownView<'a> {
    pub fn new(state: &'a AppState, theme: &'a Theme, d: &'a Drilldown) -> Self {
        DrilldownView {
            state,
            theme,
            d,
            focused: true,
        }
    }

    pub fn focused(mut self, focused: bool) -> Self {
        self.focused = focused;
        self
    }

    fn title_line(&self, c: Option<&'a ContainerView>) -> Line<'a> {
        let theme = self.theme;
        let sep = || Span::styled(" │ ", theme.style(Role::Muted));
        let Some(c) = c else {
            let short: String = self.d.key.id.chars().take(12).collect();
            return Line::from(vec![
                Span::raw(" "),
                Span::styled(short, theme.style(Role::Title)),
                sep(),
                Span::styled("container removed", theme.style(Role::StatusWarning)),
            ]);
        };
        let f = &c.facts;
        let shown = self.state.shown_score(c);
        let points = self.state.activity_points(&self.d.key);
        let score = if points == 0 {
            format!("{} {}", c.score.value, band_short(c.score.band))
        } else {
            // The sum is shown at most 100: say so when it was cut.
            let capped = if c.score.value as u32 + points as u32 > 100 {
                ", capped at 100"
            } else {
                ""
            };
            format!(
                "{} {} ({}+{points} activity{capped})",
                shown.value,
                band_short(shown.band),
                c.score.value,
            )
        };
        let mut spans = vec![
            Span::raw(" "),
            Span::styled(f.name.as_str(), theme.style(Role::Title)),
            sep(),
            Span::styled(score, theme.style(Role::Band(shown.band))),
            sep(),
            Span::raw(f.state.as_str()),
        ];
        if super::table::isolated(self.state, c) {
            spans.push(Span::raw(" "));
            spans.push(Span::styled("ISOLATED", theme.style(Role::Danger)));
        }
        spans.extend([
            sep(),
            Span::styled(f.short_id(), theme.style(Role::Muted)),
            sep(),
            Span::raw(f.image.as_str()),
        ]);
        Line::from(spans)
    }

    fn tab_bar(&self, w: usize) -> Line<'a> {
        let theme = self.theme;
        let (name, pad) = tab_layout(w);
        let mut spans = Vec::new();
        for (i, t) in Tab::ALL.iter().enumerate() {
            if i > 0 {
                spans.push(Span::styled("│", theme.style(Role::Muted)));
            }
            let role = if *t == self.d.tab {
                Role::TabActive
            } else {
                Role::TabInactive
            };
            spans.push(Span::raw(" "));
            spans.push(Span::styled(
                format!("{} {}", (i + 1) % 10, name(*t)),
                theme.style(role),
            ));
            if pad {
                spans.push(Span::raw(" "));
            }
        }
        fit(Line::from(spans), w)
    }
}

/// A tab's short name, for narrow screens.
fn short_name(t: Tab) -> &'static str {
    match t {
        Tab::Findings => "Find",
        Tab::Capabilities => "Caps",
        Tab::Mounts => "Mounts",
        Tab::Security => "Sec",
        Tab::Namespaces => "NS",
        Tab::Inspect => "Inspect",
        Tab::Activity => "Act",
        Tab::Network => "Net",
        Tab::Processes => "Ps",
        Tab::Logs => "Logs",
    }
}

/// Width of the tab bar with `name` and a space after each tab or not.
fn bar_width(name: fn(Tab) -> &'static str, pad: bool) -> usize {
    let per_tab = if pad { 4 } else { 3 };
    Tab::ALL
        .iter()
        .map(|t| name(*t).len() + per_tab)
        .sum::<usize>()
        + Tab::ALL.len()
        - 1
}

/// The tab bar's names at width `w` and whether each tab has a space after it: the full
/// titles when they fit, else the short names (spaced when they fit so).
fn tab_layout(w: usize) -> (fn(Tab) -> &'static str, bool) {
    if bar_width(Tab::title, true) <= w {
        (Tab::title, true)
    } else if bar_width(short_name, true) <= w {
        (short_name, true)
    } else {
        (short_name, false)
    }
}

/// The tab at column `x` (from the left of the tab bar) of a bar `w` wide.
pub fn tab_at(w: usize, x: usize) -> Option<Tab> {
    let (name, pad) = tab_layout(w);
    let mut left = 0;
    for t in Tab::ALL {
        // " N Name " (or " N Name") and the separator after it.
        let right = left + name(t).len() + if pad { 4 } else { 3 };
        if x < right.min(w) {
            return Some(t);
        }
        left = right + 1;
        if x < left {
            return None;
        }
    }
    None
}

impl Widget for DrilldownView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let (state, theme, d) = (self.state, self.theme, self.d);
        let w = area.width as usize;
        let c = state.containers.get(&d.key);

        fit(self.title_line(c), w).render(Rect { height: 1, ..area }, buf);
        if area.height < 2 {
            return;
        }
        fit(self.tab_bar(w), w).render(Rect::new(area.x, area.y + 1, area.width, 1), buf);
        if area.height < 3 {
            return;
        }
        let content = Rect::new(area.x, area.y + 2, area.width, area.height - 2);

        let mut title = vec![
            Span::raw(" "),
            Span::styled(d.tab.title(), theme.style(Role::Title)),
            Span::raw(" "),
        ];
        let Some(c) = c else {
            let block = super::pane(theme, Line::from(title), self.focused);
            let inner = block.inner(content);
            block.render(content, buf);
            fit(
                Line::styled(
                    "container removed: it is no longer on the daemon",
                    theme.style(Role::StatusWarning),
                ),
                inner.width as usize,
            )
            .render(inner, buf);
            return;
        };

        let empty = HostFacts::default();
        let host = state
            .hosts
            .get(c.host)
            .and_then(|h| h.facts.as_ref())
            .unwrap_or(&empty);
        let ctx = TabCtx::new(state, theme, c, host);

        if d.tab == Tab::Inspect {
            inspect::render(&ctx, d, title, self.focused, content, buf);
            return;
        }

        // Inner width is the content width minus the borders.
        let inner_w = content.width.saturating_sub(2) as usize;
        let (lines, extra) = match d.tab {
            Tab::Findings => (
                findings::lines(&ctx, inner_w),
                format!("{}", c.findings.len()),
            ),
            Tab::Capabilities => capabilities::lines(&ctx, inner_w),
            Tab::Mounts => (
                mounts::lines(&ctx, inner_w),
                format!("{}", c.facts.mounts.len()),
            ),
            Tab::Security => (security::lines(&ctx, inner_w), String::new()),
            Tab::Namespaces => (namespaces::lines(&ctx, inner_w), String::new()),
            Tab::Activity => activity::lines(&ctx, inner_w),
            Tab::Network => network::lines(&ctx, inner_w),
            Tab::Processes => processes::lines(&ctx, d, inner_w),
            Tab::Logs => logs::lines(&ctx, d, inner_w),
            Tab::Inspect => unreachable!("drawn above"),
        };
        if !extra.is_empty() {
            title.push(Span::styled(format!("{extra} "), theme.style(Role::Muted)));
        }
        let mut block = super::pane(theme, Line::from(title), self.focused);
        let inner = block.inner(content);
        let height = inner.height as usize;
        let start = super::clamp_scroll(d.scroll, lines.len(), height);
        if lines.len() > height {
            let pos = format!(
                " {}-{}/{} ",
                start + 1,
                (start + height).min(lines.len()),
                lines.len()
            );
            block = block.title_top(Line::styled(pos, theme.style(Role::Muted)).right_aligned());
        }
        block.render(content, buf);
        for (i, line) in lines.into_iter().skip(start).take(height).enumerate() {
            fit(line, inner.width as usize)
                .render(Rect::new(inner.x, inner.y + i as u16, inner.width, 1), buf);
        }
    }
}
