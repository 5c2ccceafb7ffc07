//! The help window: every command of the command table (`app::command`), in its order, with
//! its keys (from the keymap), its config name and what it does.

use super::drilldown::labelled;
use super::text::{fit, pad, width};
use crate::app::AppState;
use crate::app::command::{COMMANDS, Command};
use crate::theme::{Role, Theme};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Widget};

pub struct HelpOverlay<'a> {
    state: &'a AppState,
    theme: &'a Theme,
    scroll: usize,
}

impl<'a> HelpOverlay<'a> {
    pub fn new(state: &'a AppState, theme: &'a Theme, scroll: usize) -> Self {
        HelpOverlay {
            state,
            theme,
            scroll,
        }
    }

    /// The window's lines at `w` columns.
    pub fn lines(&self, w: usize) -> Vec<Line<'a>> {
        let (state, theme) = (self.state, self.theme);
        let keys = |c: Command| -> String {
            state
                .settings
                .key_hints
                .get(&c)
                .map(|k| k.join(", "))
                .unwrap_or_default()
        };
        let key_w = COMMANDS
            .iter()
            .map(|spec| width(&keys(spec.command)))
            .max()
            .unwrap_or(0)
            .clamp(9, 18);
        let name_w = COMMANDS
            .iter()
            .map(|spec| spec.name.len())
            .max()
            .unwrap_or(0);
        let mut lines = Vec::with_capacity(COMMANDS.len() + 8);
        // Where the keys below can be changed, first: visible without scrolling.
        let settings = &state.settings;
        let (path, how) = match (&settings.config_path, settings.config_read) {
            (Some(p), true) => (p.as_str(), "(read at start)"),
            (Some(p), false) => (p.as_str(), "(not there: defaults in use)"),
            (None, _) => ("none", "(no config directory on this system)"),
        };
        lines.extend(labelled(
            vec![Span::styled("config file  ", theme.style(Role::Muted))],
            13,
            &format!("{path} {how}"),
            theme.style(Role::Text),
            w,
        ));
        if !state.theme.is_empty() {
            let cycle = state.key_for(Command::CycleTheme);
            let mut spans = vec![
                Span::styled("theme        ", theme.style(Role::Muted)),
                Span::raw(state.theme.clone()),
            ];
            if !cycle.is_empty() {
                spans.push(Span::raw("  ("));
                spans.push(Span::styled(cycle.to_string(), theme.style(Role::Key)));
                spans.push(Span::raw(" next, :theme NAME)"));
            }
            lines.push(fit(Line::from(spans), w));
        }
        // The daemons of the session, and where the contexts are listed.
        let mut daemons = vec![Span::styled("daemons      ", theme.style(Role::Muted))];
        for (n, (id, h)) in state.session_hosts().enumerate() {
            if n > 0 {
                daemons.push(Span::raw(" · "));
            }
            let (link, role) = super::hosts::link_cell(state, h);
            daemons.push(Span::raw(format!("[{}] {} ", id + 1, h.name)));
            daemons.push(Span::styled(link, theme.style(role)));
        }
        let picker = state.key_for(Command::Daemons);
        if !picker.is_empty() {
            daemons.push(Span::raw("  ("));
            daemons.push(Span::styled(picker.to_string(), theme.style(Role::Key)));
            daemons.push(Span::raw(" lists the docker contexts and -H endpoints)"));
        }
        lines.push(fit(Line::from(daemons), w));
        lines.push(fit(
            Line::from(vec![
                Span::styled("command line ", theme.style(Role::Muted)),
                Span::raw(":COMMAND (tab completes); also :theme, :sort, :filter, :daemon, :q"),
            ]),
            w,
        ));
        lines.push(Line::raw(""));
        lines.push(fit(
            Line::from(vec![
                Span::styled(pad("KEYS", key_w), theme.style(Role::Header)),
                Span::raw("  "),
                Span::styled(pad("COMMAND", name_w), theme.style(Role::Header)),
                Span::raw("  "),
                Span::styled("WHAT IT DOES", theme.style(Role::Header)),
            ]),
            w,
        ));
        for spec in COMMANDS {
            let k = keys(spec.command);
            let key_span = if k.is_empty() {
                Span::styled(pad("(unbound)", key_w), theme.style(Role::Muted))
            } else {
                Span::styled(pad(&k, key_w), theme.style(Role::Key))
            };
            let prefix = vec![
                key_span,
                Span::raw("  "),
                Span::styled(pad(spec.name, name_w), theme.style(Role::Muted)),
                Span::raw("  "),
            ];
            lines.extend(labelled(
                prefix,
                key_w + 2 + name_w + 2,
                spec.description,
                theme.style(Role::Text),
                w,
            ));
        }
        lines.push(Line::raw(""));
        lines.push(fit(
            Line::styled(
                "Change a key in the config file's [keys] table: command = \"key\".",
                theme.style(Role::Muted),
            ),
            w,
        ));
        lines
    }
}

/// Draw `lines` in a centered window with a title, scrolled and clamped; returns nothing.
pub(crate) fn window<'a>(
    theme: &Theme,
    area: Rect,
    buf: &mut Buffer,
    title: Line<'a>,
    max_w: u16,
    build: impl FnOnce(usize) -> Vec<Line<'a>>,
    scroll: usize,
) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    let w = area
        .width
        .saturating_sub(4)
        .clamp(area.width.min(20), max_w);
    let h = area.height.saturating_sub(2).max(area.height.min(3));
    let rect = super::centered(area, w, h);
    Clear.render(rect, buf);
    buf.set_style(rect, theme.style(Role::Text));
    let block = super::pane(theme, title, true);
    let inner = block.inner(rect);
    let lines = build(inner.width as usize);
    let height = inner.height as usize;
    let start = super::clamp_scroll(scroll, lines.len(), height);
    let total = lines.len();
    let mut block = block;
    if total > height {
        let pos = format!(" {}-{}/{} ", start + 1, (start + height).min(total), total);
        block = block.title_bottom(Line::styled(pos, theme.style(Role::Muted)).right_aligned());
    }
    block.render(rect, buf);
    for (i, line) in lines.into_iter().skip(start).take(height).enumerate() {
        fit(line, inner.width as usize)
            .render(Rect::new(inner.x, inner.y + i as u16, inner.width, 1), buf);
    }
}

impl Widget for HelpOverlay<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let theme = self.theme;
        let title = Line::from(vec![
            Span::raw(" "),
            Span::styled("help", theme.style(Role::Title)),
            Span::raw(" "),
        ]);
        let scroll = self.scroll;
        window(theme, area, buf, title, 96, |w| self.lines(w), scroll);
    }
}
