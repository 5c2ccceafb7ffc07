//! Processes tab: the container's processes as `docker top` lists them, read again every
//! few seconds while the tab is open (`app::live_tabs`). Command lines are redacted by the
//! port and escaped here like every container string.

use super::TabCtx;
use crate::app::{Drilldown, LIVE_TAB_REFRESH_SECS};
use crate::theme::Role;
use crate::ui::text::{fit, pad};
use ratatui::text::{Line, Span};

pub fn lines<'a>(ctx: &TabCtx<'a>, d: &Drilldown, w: usize) -> (Vec<Line<'a>>, String) {
    let top = match &d.processes {
        None => {
            return (
                vec![Line::styled(
                    "reading the processes…",
                    ctx.style(Role::Muted),
                )],
                String::new(),
            );
        }
        Some(Err(e)) => {
            return (
                vec![fit(
                    Line::styled(
                        format!("cannot list the processes: {e}"),
                        ctx.style(Role::StatusWarning),
                    ),
                    w,
                )],
                String::new(),
            );
        }
        Some(Ok(top)) => top,
    };
    // Every column but the last (the command) is as wide as its widest cell (at most 12).
    let n = top.titles.len();
    let mut widths: Vec<usize> = top
        .titles
        .iter()
        .map(|t| crate::ui::text::width(t))
        .collect();
    for row in &top.processes {
        for (i, cell) in row.iter().enumerate().take(n.saturating_sub(1)) {
            if let Some(wd) = widths.get_mut(i) {
                *wd = (*wd).max(crate::ui::text::width(cell)).min(12);
            }
        }
    }
    let row_line = |cells: &[String], role: Role| {
        let mut spans = Vec::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 < n {
                spans.push(Span::styled(pad(cell, widths[i]), ctx.style(role)));
                spans.push(Span::raw(" "));
            } else {
                spans.push(Span::styled(cell.clone(), ctx.style(role)));
            }
        }
        fit(Line::from(spans), w)
    };
    let mut out = vec![row_line(&top.titles, Role::Title)];
    if top.processes.is_empty() {
        out.push(Line::styled("no processes", ctx.style(Role::Muted)));
    }
    for row in &top.processes {
        out.push(row_line(row, Role::Text));
    }
    let extra = format!(
        "{} processes, every {LIVE_TAB_REFRESH_SECS}s",
        top.processes.len()
    );
    (out, extra)
}
