//! The confirm dialog of an action: a centered window naming the action, the container
//! (name and short id) and the daemon, what will happen, and the choice line
//! `[y] yes   [n/Esc] no (default)`, which stays visible however small the screen.

use super::text::{fit, wrap};
use crate::app::Confirm;
use crate::theme::{Role, Theme};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Widget};

/// The widest the dialog gets (columns, borders included).
pub const MAX_WIDTH: u16 = 72;

/// The dialog of an open [`Confirm`].
pub struct ConfirmDialog<'a> {
    confirm: &'a Confirm,
    theme: &'a Theme,
}

impl<'a> ConfirmDialog<'a> {
    pub fn new(confirm: &'a Confirm, theme: &'a Theme) -> Self {
        ConfirmDialog { confirm, theme }
    }

    /// The choice line: only `y` proceeds.
    pub fn choice_line(&self) -> Line<'a> {
        let theme = self.theme;
        Line::from(vec![
            Span::styled("[y]", theme.style(Role::Key)),
            Span::raw(" yes   "),
            Span::styled("[n/Esc]", theme.style(Role::Key)),
            Span::raw(" no "),
            Span::styled("(default)", theme.style(Role::Muted)),
        ])
    }

    /// The body's lines at `w` columns (without the choice line).
    pub fn lines(&self, w: usize) -> Vec<Line<'a>> {
        let theme = self.theme;
        let mut lines: Vec<Line<'a>> = wrap(&self.confirm.question(), w)
            .into_iter()
            .map(|l| Line::styled(l, theme.style(Role::Title)))
            .collect();
        lines.push(Line::raw(""));
        for detail in &self.confirm.details {
            let mut first = true;
            for l in wrap(detail, w.saturating_sub(2)) {
                let bullet = if first { "• " } else { "  " };
                first = false;
                lines.push(Line::from(vec![
                    Span::styled(bullet, theme.style(Role::Muted)),
                    Span::styled(l, theme.style(Role::Text)),
                ]));
            }
        }
        lines.push(Line::raw(""));
        lines
    }
}

impl Widget for ConfirmDialog<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.width < 8 || area.height < 3 {
            return;
        }
        let theme = self.theme;
        let w = area
            .width
            .saturating_sub(4)
            .clamp(area.width.min(20), MAX_WIDTH);
        let inner_w = w.saturating_sub(4) as usize;
        let body = self.lines(inner_w);
        // Borders, body, choice line.
        let want = body.len() as u16 + 3;
        let h = want.min(area.height);
        let rect = super::centered(area, w, h);
        Clear.render(rect, buf);
        buf.set_style(rect, theme.style(Role::Text));
        let title = Line::from(vec![
            Span::raw(" "),
            Span::styled(
                format!("confirm: {}", self.confirm.request.kind.as_str()),
                theme.style(Role::Title),
            ),
            Span::raw(" "),
        ]);
        let block = super::pane(theme, title, true);
        let inner = block.inner(rect);
        block.render(rect, buf);
        if inner.height == 0 || inner.width < 2 {
            return;
        }
        // One column of padding on each side.
        let inner = Rect {
            x: inner.x + 1,
            width: inner.width - 2,
            ..inner
        };
        let text_w = inner.width as usize;
        // The choice line is the last row, always; the body fills what is above it.
        let body_h = inner.height.saturating_sub(1) as usize;
        for (i, line) in body.into_iter().take(body_h).enumerate() {
            fit(line, text_w).render(Rect::new(inner.x, inner.y + i as u16, inner.width, 1), buf);
        }
        fit(self.choice_line(), text_w).render(
            Rect::new(inner.x, inner.y + inner.height - 1, inner.width, 1),
            buf,
        );
    }
}
