//! Activity tab: the container's activity points (how they move its score) and its latest
//! alerts from the feed, newest first, each as a block (severity, time, rule, title, then
//! the detail and the ATT&CK technique under their labels).

use super::{TabCtx, labelled};
use crate::activity::decay::{ACTIVITY_CAP, HALF_LIFE_HOURS};
use crate::app::{FeedEntry, RowKey};
use crate::theme::{Role, Theme};
use crate::ui::text::severity_long;
use ratatui::text::{Line, Span};

/// Alerts listed at most (the feed may hold thousands for one noisy container).
pub const MAX_LISTED: usize = 200;
/// Width of the `detail:` / `technique:` label column.
const LABEL_W: usize = 15;

/// One alert as a block of lines, followed by a blank line.
pub fn alert_block<'a>(theme: &Theme, e: &'a FeedEntry, w: usize) -> Vec<Line<'a>> {
    let a = &e.alert;
    let sev = theme.style(Role::Severity(a.severity));
    let head = vec![
        Span::styled(format!("[{}]", severity_long(a.severity)), sev),
        Span::raw(" "),
        Span::styled(
            a.time.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            theme.style(Role::Muted),
        ),
        Span::raw("  "),
        Span::styled(a.rule.as_str(), sev),
        Span::raw("  "),
    ];
    let mut out = labelled(head, 4, &a.title, theme.style(Role::Text), w);
    let label = |s: &'static str| {
        Span::styled(
            format!("    {s:<w$}", w = LABEL_W - 4),
            theme.style(Role::Muted),
        )
    };
    for (name, text) in [
        ("detail:", a.detail.as_str()),
        ("technique:", a.technique.as_str()),
    ] {
        if !text.is_empty() {
            out.extend(labelled(
                vec![label(name)],
                LABEL_W,
                text,
                theme.style(Role::Text),
                w,
            ));
        }
    }
    if a.score_bump > 0 {
        out.extend(labelled(
            vec![label("score:")],
            LABEL_W,
            &format!("+{} points when it happened", a.score_bump),
            theme.style(Role::Muted),
            w,
        ));
    }
    out.push(Line::raw(""));
    out
}

/// The tab's lines and the alert count for its title.
/// What an API-only watcher cannot see, said where people look for activity.
const LIMITS: &str = "seawall watches the Docker API: events, exec sessions, copies, file \
     changes and process lists. It cannot see system calls inside a running process (a \
     reverse shell in the application, a write to release_agent); pair it with Falco or \
     Tetragon for that.";

pub fn lines<'a>(ctx: &TabCtx<'a>, w: usize) -> (Vec<Line<'a>>, String) {
    let (state, c) = (ctx.state, ctx.c);
    let key = RowKey {
        host: c.host,
        id: c.facts.id.clone(),
    };
    let points = state.activity_points(&key);
    let shown = state.shown_score(c);
    let mut out = labelled(
        vec![Span::styled("activity  ", ctx.style(Role::Muted))],
        10,
        &if c.score.value as u32 + points as u32 > 100 {
            format!(
                "+{points} points: score {} (capped at 100; {} from the configuration + \
                 {points} from activity, halves every {HALF_LIFE_HOURS} h, at most \
                 {ACTIVITY_CAP})",
                shown.value, c.score.value
            )
        } else {
            format!(
                "+{points} points: score {} = {} from the configuration + {points} from \
                 activity (halves every {HALF_LIFE_HOURS} h, at most {ACTIVITY_CAP})",
                shown.value, c.score.value
            )
        },
        ctx.style(Role::Text),
        w,
    );
    let alerts: Vec<&FeedEntry> = state
        .feed
        .all_newest_first()
        .filter(|e| e.is_about(&key))
        .take(MAX_LISTED)
        .collect();
    let total = state.alert_count(&key);
    out.push(Line::raw(""));
    if alerts.is_empty() {
        out.push(Line::styled(
            "no alert about this container in the feed",
            ctx.style(Role::Muted),
        ));
        out.push(Line::raw(""));
        for part in crate::ui::text::wrap_hanging(LIMITS, w.max(1), w.max(1)) {
            out.push(Line::styled(part, ctx.style(Role::Muted)));
        }
        return (out, "0".to_string());
    }
    if total > alerts.len() {
        out.push(Line::styled(
            format!("the latest {} of {total} alerts", alerts.len()),
            ctx.style(Role::Muted),
        ));
        out.push(Line::raw(""));
    }
    for e in alerts {
        out.extend(alert_block(ctx.theme, e, w));
    }
    (out, total.to_string())
}
