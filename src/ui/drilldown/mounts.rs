//! Mounts tab: every mount with its access, propagation and type, the backing of named
//! volumes, and the `SW-MNT-*` findings that name it.

use super::TabCtx;
use crate::model::{MountFacts, MountKind};
use crate::risk::Finding;
use crate::theme::Role;
use crate::ui::text::{fit, pad, severity_short};
use ratatui::text::{Line, Span};

/// Does `evidence` mention `needle` as a whole path (followed by nothing, a space, `;`,
/// `)` or `,`)? Keeps `-> /data` from matching `-> /data2`.
fn mentions(evidence: &str, needle: &str) -> bool {
    evidence.match_indices(needle).any(|(i, _)| {
        let after = &evidence[i + needle.len()..];
        after.is_empty() || after.starts_with([' ', ';', ')', ','])
    })
}

/// The mount findings whose evidence names this mount (by destination or volume name).
pub fn mount_findings<'a>(findings: &'a [Finding], m: &MountFacts) -> Vec<&'a Finding> {
    findings
        .iter()
        .filter(|f| f.id.starts_with("SW-MNT-"))
        .filter(|f| {
            mentions(&f.evidence, &format!("-> {}", m.destination))
                || m.name
                    .as_deref()
                    .is_some_and(|n| mentions(&f.evidence, &format!("volume {n}")))
        })
        .collect()
}

pub fn lines<'a>(ctx: &TabCtx<'a>, w: usize) -> Vec<Line<'a>> {
    let c = &ctx.c.facts;
    let mut out = Vec::new();
    if c.mounts.is_empty() {
        out.push(Line::styled("no mounts", ctx.style(Role::Muted)));
    }
    const KIND_W: usize = 7;
    let indent = " ".repeat(KIND_W + 2);
    for m in &c.mounts {
        let hits = mount_findings(&ctx.c.findings, m);
        let marker = if hits.is_empty() {
            Span::raw("  ")
        } else {
            Span::styled("! ", ctx.style(Role::Danger))
        };
        let source = match (m.kind, &m.name) {
            (MountKind::Volume, Some(name)) => name.clone(),
            (MountKind::Tmpfs, _) => "tmpfs".to_string(),
            _ if m.source.is_empty() => "(none)".to_string(),
            _ => m.source.clone(),
        };
        let src_role = if hits.is_empty() {
            Role::Text
        } else {
            Role::Danger
        };
        out.push(fit(
            Line::from(vec![
                marker,
                Span::styled(pad(m.kind.as_str(), KIND_W), ctx.style(Role::Muted)),
                Span::styled(source, ctx.style(src_role)),
                Span::raw(" -> "),
                Span::raw(m.destination.as_str()),
            ]),
            w,
        ));

        let access = if m.rw {
            Span::styled("rw", ctx.style(Role::Added))
        } else {
            Span::styled("ro", ctx.style(Role::Dropped))
        };
        let mut details = vec![Span::raw(indent.clone()), access];
        let propagation = if m.propagation.is_empty() {
            "-"
        } else {
            m.propagation.as_str()
        };
        details.push(Span::styled(" · propagation ", ctx.style(Role::Muted)));
        details.push(Span::raw(propagation));
        if !m.mode.is_empty() {
            details.push(Span::styled(" · mode ", ctx.style(Role::Muted)));
            details.push(Span::raw(m.mode.as_str()));
        }
        if let Some(driver) = m.driver.as_deref().filter(|d| !d.is_empty()) {
            details.push(Span::styled(" · driver ", ctx.style(Role::Muted)));
            details.push(Span::raw(driver));
        }
        if m.kind == MountKind::Volume && !m.source.is_empty() {
            details.push(Span::styled(" · at ", ctx.style(Role::Muted)));
            details.push(Span::raw(m.source.as_str()));
        }
        out.push(fit(Line::from(details), w));

        if let (Some(b), Some(name)) = (&m.backing, &m.name) {
            let text = match (&b.device, b.is_bind) {
                (Some(dev), true) => format!("volume {name} = bind of {dev}"),
                (Some(dev), false) => format!(
                    "volume {name} = {} {} device {dev}",
                    b.driver,
                    b.fs_type.as_deref().unwrap_or("")
                ),
                (None, _) => format!("volume {name} = {} volume", b.driver),
            };
            let role = if b.is_bind { Role::Danger } else { Role::Muted };
            out.push(fit(
                Line::from(vec![
                    Span::raw(indent.clone()),
                    Span::styled(text, ctx.style(role)),
                ]),
                w,
            ));
        }
        for f in hits {
            out.push(fit(
                Line::from(vec![
                    Span::raw(indent.clone()),
                    Span::styled(
                        pad(severity_short(f.severity), 4),
                        ctx.style(Role::Severity(f.severity)),
                    ),
                    Span::raw(" "),
                    Span::styled(f.id.as_ref(), ctx.style(Role::Severity(f.severity))),
                    Span::raw("  "),
                    Span::styled(f.title.as_ref(), ctx.style(Role::Danger)),
                ]),
                w,
            ));
        }
        out.push(Line::raw(""));
    }
    if !c.volumes_from.is_empty() {
        out.push(fit(
            Line::from(vec![
                Span::styled("volumes from: ", ctx.style(Role::Muted)),
                Span::raw(c.volumes_from.join(", ")),
            ]),
            w,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::mentions;

    #[test]
    fn mentions_whole_paths_only() {
        let ev = "Mounts[]: /data2 -> /data2 (rw)";
        assert!(mentions(ev, "-> /data2"));
        assert!(!mentions(ev, "-> /data"));
        assert!(mentions(
            "Mounts[]: /run/docker.sock -> /var/run/docker.sock",
            "-> /var/run/docker.sock"
        ));
        assert!(mentions("volume data has Options o=bind", "volume data"));
    }
}
