//! Network tab: the network mode, every network the container is attached to (address,
//! aliases) and its published ports (which host address and port reach which container
//! port; all interfaces said in words).

use super::TabCtx;
use crate::theme::Role;
use crate::ui::text::{fit, pad};
use ratatui::text::{Line, Span};

pub fn lines<'a>(ctx: &TabCtx<'a>, w: usize) -> (Vec<Line<'a>>, String) {
    let c = &ctx.c.facts;
    let label = |s: &'static str| Span::styled(format!("{s:<14}"), ctx.style(Role::Muted));
    let mut out = vec![fit(
        Line::from(vec![
            label("network mode"),
            Span::raw(c.network_mode.clone()),
        ]),
        w,
    )];
    out.push(Line::raw(""));
    out.push(Line::styled(
        format!("Networks ({})", c.attachments.len().max(c.networks.len())),
        ctx.style(Role::Title),
    ));
    if c.attachments.is_empty() && c.networks.is_empty() {
        out.push(Line::styled(
            "  not attached to any network",
            ctx.style(Role::Muted),
        ));
    }
    for a in &c.attachments {
        let addr = a
            .ip_address
            .clone()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "no address".to_string());
        let mut spans = vec![Span::raw("  "), Span::raw(pad(&a.name, 20)), Span::raw(" ")];
        spans.push(Span::raw(pad(&addr, 16)));
        if a.endpoint_id.is_empty() {
            spans.push(Span::styled(
                " (not attached)",
                ctx.style(Role::StatusWarning),
            ));
        }
        if !a.aliases.is_empty() {
            spans.push(Span::styled(" aliases ", ctx.style(Role::Muted)));
            spans.push(Span::raw(a.aliases.join(", ")));
        }
        out.push(fit(Line::from(spans), w));
    }
    // Names known without their details (a summary not inspected yet).
    for n in c
        .networks
        .iter()
        .filter(|n| !c.attachments.iter().any(|a| &a.name == *n))
    {
        out.push(fit(
            Line::from(vec![Span::raw("  "), Span::raw(n.clone())]),
            w,
        ));
    }
    out.push(Line::raw(""));
    out.push(Line::styled(
        format!("Published ports ({})", c.ports.len()),
        ctx.style(Role::Title),
    ));
    if c.ports.is_empty() {
        out.push(Line::styled("  none published", ctx.style(Role::Muted)));
    }
    for p in &c.ports {
        let everywhere = p.host_ip.is_empty() || p.host_ip == "0.0.0.0" || p.host_ip == "::";
        let host_ip = if p.host_ip.is_empty() {
            "0.0.0.0"
        } else {
            &p.host_ip
        };
        let host = match p.host_port {
            Some(port) if host_ip.contains(':') => format!("[{host_ip}]:{port}"),
            Some(port) => format!("{host_ip}:{port}"),
            None => format!("{host_ip}:(picked at start)"),
        };
        let mut spans = vec![
            Span::raw("  "),
            Span::raw(pad(&host, 24)),
            Span::styled(" -> ", ctx.style(Role::Muted)),
            Span::raw(pad(&p.container_port, 10)),
        ];
        if everywhere {
            spans.push(Span::styled(
                " every host interface",
                ctx.style(Role::StatusWarning),
            ));
        }
        out.push(fit(Line::from(spans), w));
    }
    let plural = if c.ports.len() == 1 { "" } else { "s" };
    let extra = format!("{} published port{plural} ", c.ports.len());
    (out, extra)
}
