//! Logs tab: the last lines of the container's output (`[ui]`'s tail), followed while the
//! tab is open unless the user scrolls back. Every byte came from the container: lines are
//! drawn through `text::fit` (control, bidi and invisible characters shown escaped, never
//! sent raw to the terminal). Lines matching the search are marked.

use super::TabCtx;
use crate::app::Drilldown;
use crate::theme::Role;
use crate::ui::text::fit;
use ratatui::text::{Line, Span};

pub fn lines<'a>(ctx: &TabCtx<'a>, d: &Drilldown, w: usize) -> (Vec<Line<'a>>, String) {
    let logs = &d.logs;
    let mut extra = if logs.follow {
        "following ".to_string()
    } else {
        "paused ".to_string()
    };
    let Some(all) = &logs.lines else {
        return (
            vec![Line::styled("reading the logs…", ctx.style(Role::Muted))],
            extra,
        );
    };
    let matches = logs.matches();
    if !logs.search.is_empty() {
        extra.push_str(&format!("· {} matching ", matches.len()));
    }
    let current = matches
        .get(logs.match_index % matches.len().max(1))
        .copied();
    let mut out: Vec<Line<'a>> = Vec::with_capacity(all.len() + 1);
    if all.is_empty() {
        out.push(Line::styled("no output", ctx.style(Role::Muted)));
    }
    for (i, line) in all.iter().enumerate() {
        let hit = matches.binary_search(&i).is_ok();
        let (marker, role) = match (hit, Some(i) == current) {
            (true, true) => ("▶ ", Role::Selected),
            (true, false) => ("• ", Role::Key),
            _ => ("  ", Role::Text),
        };
        out.push(fit(
            Line::from(vec![
                Span::styled(marker, ctx.style(Role::Key)),
                Span::styled(line.clone(), ctx.style(role)),
            ]),
            w,
        ));
    }
    if let Some(e) = &logs.error {
        out.push(fit(
            Line::styled(
                format!("the log stream stopped: {e}"),
                ctx.style(Role::StatusWarning),
            ),
            w,
        ));
    }
    extra.push_str(&format!("· {} lines", all.len()));
    (out, extra)
}
