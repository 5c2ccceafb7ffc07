//! seawall's own log, drawn by tui-logger's `TuiLoggerWidget` from its global buffer
//! (filled only once the run loop installed tui-logger as the `log` backend; until then the
//! pane is empty, which keeps tests deterministic).
//!
//! `state.log_scroll` counts lines up from the newest one. tui-logger only scrolls through
//! its own stateful page pointers, so to stay stateless the widget is drawn following the
//! tail into an off-screen buffer `log_scroll` rows taller than the pane, and the top rows
//! of that buffer are copied into the pane. The scroll is capped at [`MAX_LOG_SCROLL`].

use crate::app::AppState;
use crate::theme::{Role, Theme};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;
use tui_logger::{TuiLoggerLevelOutput, TuiLoggerWidget};

/// How far back the log pane scrolls, in lines.
pub const MAX_LOG_SCROLL: usize = 1000;

pub struct LogPane<'a> {
    state: &'a AppState,
    theme: &'a Theme,
    focused: bool,
}

impl<'a> LogPane<'a> {
    pub fn new(state: &'a AppState, theme: &'a Theme) -> Self {
        LogPane {
            state,
            theme,
            focused: false,
        }
    }

    pub fn focused(mut self, focused: bool) -> Self {
        self.focused = focused;
        self
    }

    fn widget(&self) -> TuiLoggerWidget<'static> {
        let t = self.theme;
        TuiLoggerWidget::default()
            .style(t.style(Role::Text))
            .style_error(t.style(Role::StatusError))
            .style_warn(t.style(Role::StatusWarning))
            .style_info(t.style(Role::Text))
            .style_debug(t.style(Role::Muted))
            .style_trace(t.style(Role::Muted))
            .output_separator(' ')
            .output_timestamp(Some("%H:%M:%S".to_string()))
            .output_level(Some(TuiLoggerLevelOutput::Abbreviated))
            .output_target(false)
            .output_file(false)
            .output_line(false)
    }
}

impl Widget for LogPane<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let scroll = self.state.log_scroll.min(MAX_LOG_SCROLL);
        let mut title = vec![
            Span::raw(" "),
            Span::styled("log", self.theme.style(Role::Title)),
        ];
        if scroll > 0 {
            title.push(Span::styled(
                format!(" ↑{scroll} lines"),
                self.theme.style(Role::Muted),
            ));
        }
        title.push(Span::raw(" "));
        let block = super::pane(self.theme, Line::from(title), self.focused);
        let inner = block.inner(area);
        block.render(area, buf);
        if inner.is_empty() {
            return;
        }
        if scroll == 0 {
            self.widget().render(inner, buf);
            return;
        }
        let tall = Rect::new(
            0,
            0,
            inner.width,
            inner.height.saturating_add(scroll as u16),
        );
        let mut off = Buffer::empty(tall);
        self.widget().render(tall, &mut off);
        for y in 0..inner.height {
            for x in 0..inner.width {
                if let (Some(src), Some(dst)) =
                    (off.cell((x, y)), buf.cell_mut((inner.x + x, inner.y + y)))
                {
                    *dst = src.clone();
                }
            }
        }
    }
}
