//! The posture window: the daemon's configuration findings, worst first.

use super::drilldown::findings::finding_block;
use super::text::{band_short, fit};
use crate::app::AppState;
use crate::theme::{Role, Theme};
use crate::watch::LinkStatus;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

pub struct PostureOverlay<'a> {
    state: &'a AppState,
    theme: &'a Theme,
    scroll: usize,
}

impl<'a> PostureOverlay<'a> {
    pub fn new(state: &'a AppState, theme: &'a Theme, scroll: usize) -> Self {
        PostureOverlay {
            state,
            theme,
            scroll,
        }
    }

    /// The window's lines at `w` columns.
    pub fn lines(&self, w: usize) -> Vec<Line<'a>> {
        let (state, theme) = (self.state, self.theme);
        let Some(host) = state.hosts.get(super::current_host(state)) else {
            return vec![Line::styled(
                "no daemon configured",
                theme.style(Role::Muted),
            )];
        };
        let mut lines = Vec::new();
        let Some(facts) = &host.facts else {
            let msg = match &host.status {
                LinkStatus::Down { message, .. } => format!("{} is down: {message}", host.endpoint),
                _ => format!("waiting for {}…", host.endpoint),
            };
            lines.push(fit(Line::styled(msg, theme.style(Role::Muted)), w));
            return lines;
        };
        let s = host.posture_score;
        let mut head = vec![
            Span::styled(host.endpoint.as_str(), theme.style(Role::Title)),
            Span::raw("  engine "),
            Span::raw(facts.engine.shown_version()),
            Span::raw("  posture "),
            Span::styled(
                format!("{} {}", s.value, band_short(s.band)),
                theme.style(Role::Band(s.band)),
            ),
        ];
        head.push(Span::raw(format!("  {} findings", host.posture.len())));
        lines.push(fit(Line::from(head), w));
        lines.push(Line::raw(""));
        if host.posture.is_empty() {
            lines.push(Line::styled(
                "no posture findings",
                theme.style(Role::Muted),
            ));
        }
        for f in &host.posture {
            lines.extend(finding_block(theme, f, w));
        }
        lines
    }
}

impl Widget for PostureOverlay<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let theme = self.theme;
        let title = Line::from(vec![
            Span::raw(" "),
            Span::styled("daemon posture", theme.style(Role::Title)),
            Span::raw(" "),
        ]);
        let scroll = self.scroll;
        super::help::window(theme, area, buf, title, 120, |w| self.lines(w), scroll);
    }
}
