//! Drawn instead of everything else when the terminal is smaller than the console needs.

use super::{MIN_HEIGHT, MIN_WIDTH};
use crate::theme::{Role, Theme};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget, Wrap};

/// "terminal too small: need at least 60x15, have 40x10", centered.
pub struct TooSmall<'a> {
    theme: &'a Theme,
    width: u16,
    height: u16,
}

impl<'a> TooSmall<'a> {
    /// `width` x `height` is the terminal's size, for the message.
    pub fn new(theme: &'a Theme, width: u16, height: u16) -> Self {
        TooSmall {
            theme,
            width,
            height,
        }
    }

    pub fn message(&self) -> String {
        format!(
            "terminal too small: need at least {MIN_WIDTH}x{MIN_HEIGHT}, have {}x{}",
            self.width, self.height
        )
    }
}

impl Widget for TooSmall<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        buf.set_style(area, self.theme.style(Role::Text));
        let msg = self.message();
        let lines = super::text::wrap(&msg, area.width as usize);
        let h = (lines.len() as u16).min(area.height);
        let y = area.y + (area.height - h) / 2;
        Paragraph::new(lines.into_iter().map(Line::from).collect::<Vec<_>>())
            .style(self.theme.style(Role::StatusWarning))
            .centered()
            .wrap(Wrap { trim: true })
            .render(Rect::new(area.x, y, area.width, h), buf);
    }
}
