//! The findings preview below the table: the selected container's findings, worst first,
//! one line each (severity label, id, CIS number, title), scrolled by `preview_scroll`.

use super::text::{fit, pad, severity_short, width};
use crate::app::AppState;
use crate::risk::Finding;
use crate::theme::{Role, Theme};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

pub struct FindingsPreview<'a> {
    state: &'a AppState,
    theme: &'a Theme,
    focused: bool,
}

impl<'a> FindingsPreview<'a> {
    pub fn new(state: &'a AppState, theme: &'a Theme) -> Self {
        FindingsPreview {
            state,
            theme,
            focused: false,
        }
    }

    pub fn focused(mut self, focused: bool) -> Self {
        self.focused = focused;
        self
    }
}

/// One finding as a preview line: `CRIT  SW-PRIV-001  CIS 5.5    title`.
pub fn finding_line<'a>(theme: &Theme, f: &'a Finding, id_w: usize, cis_w: usize) -> Line<'a> {
    let cis = f
        .cis
        .as_deref()
        .map(|c| format!("CIS {c}"))
        .unwrap_or_default();
    // An accepted risk is dimmed, with its marker and expiry; a new one (baseline) marked.
    let accepted = f.is_accepted();
    let sev = if accepted {
        theme.style(Role::Muted)
    } else {
        theme.style(Role::Severity(f.severity))
    };
    let mut spans = vec![
        Span::styled(pad(severity_short(f.severity), 4), sev),
        Span::raw("  "),
        Span::styled(pad(&f.id, id_w), sev),
        Span::raw("  "),
    ];
    if cis_w > 0 {
        spans.push(Span::styled(pad(&cis, cis_w), theme.style(Role::Muted)));
        spans.push(Span::raw("  "));
    }
    if f.baseline == Some(crate::risk::BaselineMark::New) {
        spans.push(Span::styled("NEW ", theme.style(Role::Added)));
    }
    if accepted {
        spans.push(Span::styled(f.title.as_ref(), theme.style(Role::Muted)));
    } else {
        spans.push(Span::raw(f.title.as_ref()));
    }
    if let Some(a) = &f.acceptance {
        // The date was checked when the entry was read: plain ASCII.
        let (text, role) = if a.expired {
            (
                format!("  acceptance expired {}", a.expires),
                Role::StatusWarning,
            )
        } else {
            (format!("  ✓ accepted until {}", a.expires), Role::Muted)
        };
        spans.push(Span::styled(text, theme.style(role)));
    }
    Line::from(spans)
}

impl Widget for FindingsPreview<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let (state, theme) = (self.state, self.theme);
        let selected = state.selected_container();
        let mut title = vec![
            Span::raw(" "),
            Span::styled("findings", theme.style(Role::Title)),
        ];
        if let Some(c) = selected {
            title.push(Span::raw(format!(
                " · {} ({}) ",
                c.facts.name,
                c.findings.len()
            )));
        } else {
            title.push(Span::raw(" "));
        }
        let block = super::pane(theme, Line::from(title), self.focused);
        let inner = block.inner(area);
        block.render(area, buf);
        if inner.is_empty() {
            return;
        }
        let w = inner.width as usize;
        let Some(c) = selected else {
            Line::styled("no container selected", theme.style(Role::Muted)).render(inner, buf);
            return;
        };
        if c.findings.is_empty() {
            Line::styled("no findings", theme.style(Role::Muted)).render(inner, buf);
            return;
        }
        let height = inner.height as usize;
        let start = super::clamp_scroll(state.preview_scroll, c.findings.len(), height);
        let shown = &c.findings[start..(start + height).min(c.findings.len())];
        let id_w = shown.iter().map(|f| width(&f.id)).max().unwrap_or(0);
        let cis_w = shown
            .iter()
            .filter_map(|f| f.cis.as_deref())
            .map(|c| width(c) + 4)
            .max()
            .unwrap_or(0);
        for (i, f) in shown.iter().enumerate() {
            let line = fit(finding_line(theme, f, id_w, cis_w), w);
            line.render(Rect::new(inner.x, inner.y + i as u16, inner.width, 1), buf);
        }
        if start + height < c.findings.len() || start > 0 {
            let more = format!(
                " {}-{}/{} ",
                start + 1,
                start + shown.len(),
                c.findings.len()
            );
            let mw = width(&more) as u16;
            if mw + 2 < area.width {
                Span::styled(more, theme.style(Role::Muted)).render(
                    Rect::new(area.right() - mw - 1, area.bottom() - 1, mw, 1),
                    buf,
                );
            }
        }
    }
}
