//! The what-if window: for the selected container, the findings a configuration change
//! would remove, the score it would get (the same rules run on the changed configuration,
//! `crate::fix`), each change, and the `docker run` flags to copy.

use super::text::{band_short, fit};
use crate::app::AppState;
use crate::risk::{Band, Finding};
use crate::theme::{Role, Theme};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

pub struct WhatIfOverlay<'a> {
    state: &'a AppState,
    theme: &'a Theme,
    scroll: usize,
}

impl<'a> WhatIfOverlay<'a> {
    pub fn new(state: &'a AppState, theme: &'a Theme, scroll: usize) -> Self {
        WhatIfOverlay {
            state,
            theme,
            scroll,
        }
    }

    /// The window's lines at `w` columns.
    pub fn lines(&self, w: usize) -> Vec<Line<'static>> {
        let (state, theme) = (self.state, self.theme);
        let muted = theme.style(Role::Muted);
        let Some(c) = state
            .drilldown_container()
            .or_else(|| state.selected_container())
        else {
            return vec![Line::styled("no container selected", muted)];
        };
        let Some(host) = state.hosts.get(c.host).and_then(|h| h.facts.as_ref()) else {
            return vec![Line::styled("waiting for the daemon's facts…", muted)];
        };
        let plan = crate::fix::plan(&c.facts, &c.findings, host, &|_: &Finding| true);
        let before = Band::of(plan.score);
        let after = Band::of(plan.predicted_score);
        let mut lines = vec![fit(
            Line::from(vec![
                Span::styled(c.facts.name.clone(), theme.style(Role::Title)),
                Span::raw("  score "),
                Span::styled(
                    format!("{} {}", plan.score, band_short(before)),
                    theme.style(Role::Band(before)),
                ),
                Span::raw(" -> "),
                Span::styled(
                    format!("{} {}", plan.predicted_score, band_short(after)),
                    theme.style(Role::Band(after)),
                ),
                Span::raw(" predicted"),
            ]),
            w,
        )];
        lines.push(Line::raw(""));
        if plan.changes.is_empty() {
            lines.push(Line::styled(
                "no configuration change removes a finding",
                muted,
            ));
            return lines;
        }
        lines.push(Line::styled("would go away:", theme.style(Role::Header)));
        for f in &plan.removed {
            lines.push(fit(
                Line::from(vec![
                    Span::raw("  "),
                    Span::styled(
                        format!("{:<8}", f.severity.as_str()),
                        theme.style(Role::Severity(f.severity)),
                    ),
                    Span::raw(format!(" {:<18} {}", f.id, f.title)),
                ]),
                w,
            ));
        }
        lines.push(Line::raw(""));
        lines.push(Line::styled("changes:", theme.style(Role::Header)));
        for ch in &plan.changes {
            let mut head = vec![
                Span::raw("  "),
                Span::raw(ch.run_flag.clone()),
                Span::styled(format!("   compose: {}", ch.compose), muted),
            ];
            if ch.breaking.is_some() {
                head.push(Span::styled("  may break", theme.style(Role::Danger)));
            }
            lines.push(fit(Line::from(head), w));
            if let Some(why) = ch.breaking {
                lines.push(fit(Line::styled(format!("      {why}"), muted), w));
            }
        }
        let flags = crate::fix::run_flags(&plan);
        if !flags.is_empty() {
            lines.push(Line::raw(""));
            lines.push(Line::styled("flags to copy:", theme.style(Role::Header)));
            for chunk in super::text::wrap(&flags.join(" "), w.saturating_sub(2).max(10)) {
                lines.push(fit(Line::raw(format!("  {chunk}")), w));
            }
        }
        lines
    }
}

impl Widget for WhatIfOverlay<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let theme = self.theme;
        let title = Line::from(vec![
            Span::raw(" "),
            Span::styled("what-if: hardened configuration", theme.style(Role::Title)),
            Span::raw(" "),
        ]);
        let scroll = self.scroll;
        super::help::window(theme, area, buf, title, 120, |w| self.lines(w), scroll);
    }
}
