//! Capabilities tab: the effective set (privileged = all; defaults + added - dropped), each
//! with its origin, and for the dangerous ones the reason. Dropped defaults are listed too.
//!
//! A capability is dangerous when the container has a `SW-CAP-<NAME>` finding for it (its
//! severity in this container's context) or when the catalog grades it medium or worse.

use super::TabCtx;
use crate::risk::confinement::{ALL_CAPS, DEFAULT_CAPS};
use crate::risk::{RuleMeta, Scope, Severity, catalog};
use crate::theme::Role;
use crate::ui::text::{first_sentence, fit, pad, severity_short};
use ratatui::text::{Line, Span};
use std::sync::OnceLock;

const NAME_W: usize = 18;
const STATUS_W: usize = 10;

/// Why a capability is dangerous: severity and a one-sentence reason.
pub fn danger(ctx: &TabCtx<'_>, cap: &str) -> Option<(Severity, String)> {
    let id = format!("SW-CAP-{cap}");
    if let Some(f) = ctx.c.findings.iter().find(|f| f.id == id) {
        return Some((f.severity, first_sentence(&f.technique).to_string()));
    }
    cap_rules()
        .iter()
        .find(|m| m.id == id)
        .filter(|m| m.scope == Scope::Container && m.severity >= Severity::Medium)
        .map(|m| (m.severity, first_sentence(m.technique).to_string()))
}

/// The catalog's capability rules, read once.
fn cap_rules() -> &'static [RuleMeta] {
    static RULES: OnceLock<Vec<RuleMeta>> = OnceLock::new();
    RULES.get_or_init(|| {
        catalog::all()
            .into_iter()
            .filter(|m| m.id.starts_with("SW-CAP-"))
            .collect()
    })
}

/// The lines, and a count for the pane title.
pub fn lines<'a>(ctx: &TabCtx<'a>, w: usize) -> (Vec<Line<'a>>, String) {
    let c = &ctx.c.facts;
    // Resolved once, when the container was graded.
    let caps = &ctx.conf.caps;
    let mut out = Vec::new();
    let added_all = c.cap_add.iter().any(|a| a == "ALL");
    let dropped: Vec<&str> = DEFAULT_CAPS
        .iter()
        .copied()
        .filter(|d| !caps.contains(*d))
        .collect();
    if c.privileged {
        out.push(fit(
            Line::styled(
                format!(
                    "! --privileged grants every capability ({}), whatever CapAdd and CapDrop say",
                    ALL_CAPS.len()
                ),
                ctx.style(Role::Danger),
            ),
            w,
        ));
    } else {
        let n_default = caps
            .iter()
            .filter(|k| DEFAULT_CAPS.contains(&k.as_str()))
            .count();
        let mut summary = format!(
            "effective: {} capabilities ({} default, {} added; {} defaults dropped)",
            caps.len(),
            n_default,
            caps.len() - n_default,
            dropped.len()
        );
        if added_all {
            summary.push_str(" — CapAdd contains ALL");
        }
        let role = if added_all { Role::Danger } else { Role::Text };
        out.push(fit(Line::styled(summary, ctx.style(role)), w));
    }
    out.push(Line::raw(""));
    out.push(fit(
        Line::from(vec![
            Span::raw("  "),
            Span::styled(pad("CAPABILITY", NAME_W), ctx.style(Role::Header)),
            Span::raw(" "),
            Span::styled(pad("STATUS", STATUS_W), ctx.style(Role::Header)),
            Span::raw(" "),
            Span::styled(pad("RISK", 4), ctx.style(Role::Header)),
            Span::raw("  "),
            Span::styled("WHY", ctx.style(Role::Header)),
        ]),
        w,
    ));
    // Dangerous first (worst first), then the rest alphabetically.
    let mut ordered: Vec<(&String, Option<(Severity, String)>)> =
        caps.iter().map(|cap| (cap, danger(ctx, cap))).collect();
    ordered.sort_by(|a, b| {
        let sev = |x: &Option<(Severity, String)>| x.as_ref().map(|d| d.0);
        sev(&b.1).cmp(&sev(&a.1)).then_with(|| a.0.cmp(b.0))
    });
    let n_danger = ordered.iter().filter(|x| x.1.is_some()).count();
    for (cap, why) in ordered {
        let is_default = DEFAULT_CAPS.contains(&cap.as_str());
        let (status, role) = if is_default {
            ("default", Role::Text)
        } else if c.privileged && !c.cap_add.iter().any(|a| a == cap) {
            ("privileged", Role::Added)
        } else {
            ("added", Role::Added)
        };
        let mut spans = Vec::new();
        match why {
            Some((sev, why)) => {
                spans.push(Span::styled("! ", ctx.style(Role::Danger)));
                spans.push(Span::styled(pad(cap, NAME_W), ctx.style(Role::Danger)));
                spans.push(Span::raw(" "));
                spans.push(Span::styled(pad(status, STATUS_W), ctx.style(role)));
                spans.push(Span::raw(" "));
                spans.push(Span::styled(
                    pad(severity_short(sev), 4),
                    ctx.style(Role::Severity(sev)),
                ));
                spans.push(Span::raw("  "));
                spans.push(Span::styled(why, ctx.style(Role::Danger)));
            }
            None => {
                spans.push(Span::raw("  "));
                spans.push(Span::raw(pad(cap, NAME_W)));
                spans.push(Span::raw(" "));
                spans.push(Span::styled(pad(status, STATUS_W), ctx.style(role)));
            }
        }
        out.push(fit(Line::from(spans), w));
    }
    for cap in &dropped {
        out.push(fit(
            Line::from(vec![
                Span::raw("  "),
                Span::styled(pad(cap, NAME_W), ctx.style(Role::Muted)),
                Span::raw(" "),
                Span::styled(pad("dropped", STATUS_W), ctx.style(Role::Dropped)),
            ]),
            w,
        ));
    }
    if caps.is_empty() {
        out.push(Line::styled(
            "  (none: every capability is dropped)",
            ctx.style(Role::Dropped),
        ));
    }
    let extra = format!("{} effective, {} dangerous", caps.len(), n_danger);
    (out, extra)
}
