//! Namespaces tab: each namespace's mode and what it resolves to once `container:`
//! references are followed (host, private, another container, or a chain to the host).

use super::{TabCtx, labelled};
use crate::risk::confinement::NsTarget;
use crate::theme::Role;
use crate::ui::text::{fit, pad};
use ratatui::text::{Line, Span};

/// One namespace row.
pub struct NsRow {
    pub name: &'static str,
    pub mode: String,
    pub resolved: String,
    pub host: bool,
}

/// Describe a resolved namespace.
pub fn describe(target: &NsTarget) -> String {
    match target {
        NsTarget::Private => "private".to_string(),
        NsTarget::Host { via } if via.is_empty() => "HOST".to_string(),
        NsTarget::Host { via } => format!("HOST via {}", via.join(" → ")),
        NsTarget::Container { name } => format!("container {name} (private to it)"),
        NsTarget::Unknown { reference } => {
            format!("container {reference} (not in this daemon's inventory)")
        }
    }
}

fn mode(m: &str) -> String {
    if m.is_empty() {
        "(default)".to_string()
    } else {
        m.to_string()
    }
}

pub fn rows(ctx: &TabCtx<'_>) -> Vec<NsRow> {
    let c = &ctx.c.facts;
    let conf = ctx.conf;
    let mut rows = Vec::new();
    for (name, m, target) in [
        ("pid", &c.pid_mode, &conf.pid),
        ("net", &c.network_mode, &conf.net),
        ("ipc", &c.ipc_mode, &conf.ipc),
        ("uts", &c.uts_mode, &conf.uts),
    ] {
        let mut resolved = describe(target);
        if name == "net" && *target == NsTarget::Private && m == "none" {
            resolved = "private, no network".to_string();
        }
        rows.push(NsRow {
            name,
            mode: mode(m),
            resolved,
            host: target.is_host(),
        });
    }
    let (resolved, host) = if conf.userns_host {
        (
            "HOST (--userns=host opts out of the daemon's remapping)".to_string(),
            true,
        )
    } else if conf.root_is_host_root {
        (
            "HOST (no userns-remap: container root is host root)".to_string(),
            true,
        )
    } else {
        ("private (remapped)".to_string(), false)
    };
    rows.push(NsRow {
        name: "user",
        mode: mode(&c.userns_mode),
        resolved,
        host,
    });
    let resolved = match (conf.cgroupns_host, c.cgroupns_mode.as_str()) {
        (true, "host") => "HOST".to_string(),
        (true, _) => "HOST (daemon default on cgroup v1)".to_string(),
        (false, _) => "private".to_string(),
    };
    rows.push(NsRow {
        name: "cgroup",
        mode: mode(&c.cgroupns_mode),
        resolved,
        host: conf.cgroupns_host,
    });
    rows
}

pub fn lines<'a>(ctx: &TabCtx<'a>, w: usize) -> Vec<Line<'a>> {
    const NAME_W: usize = 10;
    let rows = rows(ctx);
    let mode_w = rows
        .iter()
        .map(|r| crate::ui::text::width(&r.mode))
        .max()
        .unwrap_or(0)
        .clamp(9, 30);
    let mut out = vec![fit(
        Line::from(vec![
            Span::raw("  "),
            Span::styled(pad("NAMESPACE", NAME_W), ctx.style(Role::Header)),
            Span::raw(" "),
            Span::styled(pad("MODE", mode_w), ctx.style(Role::Header)),
            Span::raw(" "),
            Span::styled("RESOLVED", ctx.style(Role::Header)),
        ]),
        w,
    )];
    for r in rows {
        let (marker, role) = if r.host {
            (Span::styled("! ", ctx.style(Role::Danger)), Role::Danger)
        } else {
            (Span::raw("  "), Role::Text)
        };
        let prefix = vec![
            marker,
            Span::raw(pad(r.name, NAME_W)),
            Span::raw(" "),
            Span::styled(pad(&r.mode, mode_w), ctx.style(Role::Muted)),
            Span::raw(" "),
        ];
        out.extend(labelled(
            prefix,
            2 + NAME_W + 1 + mode_w + 1,
            &r.resolved,
            ctx.style(role),
            w,
        ));
    }
    out.push(Line::raw(""));
    out.push(fit(
        Line::styled(
            "! marks a namespace shared with the host.",
            ctx.style(Role::Muted),
        ),
        w,
    ));
    out
}
