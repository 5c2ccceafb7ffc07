//! Findings tab: each finding as a block (severity as text and style, id, CIS, title, then
//! why / evidence / fix wrapped under their labels).

use super::{TabCtx, labelled};
use crate::risk::{Finding, Weighting};
use crate::theme::{Role, Theme};
use crate::ui::text::severity_long;
use ratatui::text::{Line, Span};

/// Width of the `why:` / `evidence:` / `fix:` label column.
const LABEL_W: usize = 14;

/// One finding as a block of lines, followed by a blank line.
pub fn finding_block<'a>(theme: &Theme, f: &'a Finding, w: usize) -> Vec<Line<'a>> {
    // An accepted risk is dimmed (still listed, still scored).
    let accepted = f.is_accepted();
    let sev = if accepted {
        theme.style(Role::Muted)
    } else {
        theme.style(Role::Severity(f.severity))
    };
    let mut head = vec![
        Span::styled(format!("[{}]", severity_long(f.severity)), sev),
        Span::raw(" "),
        Span::styled(f.id.as_ref(), sev),
        Span::raw("  "),
    ];
    if let Some(cis) = &f.cis {
        head.push(Span::styled(format!("CIS {cis}"), theme.style(Role::Muted)));
        head.push(Span::raw("  "));
    }
    let mut title = f.title.to_string();
    let mut tags = Vec::new();
    match f.weighting {
        Weighting::HostRoot => tags.push("host root"),
        Weighting::Implied => tags.push("implied, not scored"),
        Weighting::Hygiene => tags.push("hygiene"),
        Weighting::Normal => {}
    }
    if f.mitigated {
        tags.push("lowered: container root is not host root");
    }
    if f.baseline == Some(crate::risk::BaselineMark::New) {
        tags.push("NEW since the baseline");
    }
    let verdict = f.acceptance.as_ref().map(|a| {
        if a.expired {
            format!("acceptance EXPIRED {}: counts again", a.expires)
        } else {
            format!("ACCEPTED until {}", a.expires)
        }
    });
    let mut tags: Vec<&str> = tags;
    if let Some(v) = &verdict {
        tags.push(v);
    }
    if !tags.is_empty() {
        title.push_str(&format!("  ({})", tags.join("; ")));
    }
    let text_role = if accepted { Role::Muted } else { Role::Text };
    let mut out = labelled(head, 4, &title, theme.style(text_role), w);
    let label = |s: &'static str| {
        Span::styled(
            format!("    {s:<w$}", w = LABEL_W - 4),
            theme.style(Role::Muted),
        )
    };
    let accepted_by = f
        .acceptance
        .as_ref()
        .map(|a| format!("{} ({}): {}", a.owner, a.source, a.reason))
        .unwrap_or_default();
    for (name, text, role) in [
        ("accepted:", accepted_by.as_str(), Role::Muted),
        ("why:", f.technique.as_ref(), text_role),
        ("evidence:", f.evidence.as_str(), text_role),
        ("fix:", f.fix.as_ref(), text_role),
    ] {
        if text.is_empty() {
            continue;
        }
        out.extend(labelled(
            vec![label(name)],
            LABEL_W,
            text,
            theme.style(role),
            w,
        ));
    }
    out.push(Line::raw(""));
    out
}

pub fn lines<'a>(ctx: &TabCtx<'a>, w: usize) -> Vec<Line<'a>> {
    if ctx.c.findings.is_empty() {
        return vec![Line::styled("no findings", ctx.style(Role::Muted))];
    }
    let mut out = Vec::new();
    for f in &ctx.c.findings {
        out.extend(finding_block(ctx.theme, f, w));
    }
    out
}
