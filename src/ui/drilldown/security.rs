//! Security tab: each protection as configured on the container and as it effectively
//! applies (`risk::confinement::resolve` folds in privileged mode and daemon defaults).

use super::{TabCtx, labelled};
use crate::risk::confinement::{AppArmor, SeLinux, Seccomp};
use crate::theme::Role;
use crate::ui::text::{fit, pad, truncate, width};
use ratatui::text::{Line, Span};

/// One row: what it is, what the container asks for, what applies, and whether that is a
/// weakness.
pub struct Row {
    pub setting: &'static str,
    pub configured: String,
    pub effective: String,
    pub weak: bool,
}

fn opt_values(ctx: &TabCtx<'_>, key: &str) -> String {
    let v: Vec<&str> = ctx.c.facts.security_opt_values(key).collect();
    if v.is_empty() {
        "-".to_string()
    } else {
        v.join(", ")
    }
}

/// The rows, in display order.
pub fn rows(ctx: &TabCtx<'_>) -> Vec<Row> {
    let c = &ctx.c.facts;
    let conf = ctx.conf;
    let sec = &ctx.host.security;
    let mut rows = Vec::new();

    rows.push(Row {
        setting: "privileged",
        configured: if c.privileged {
            "--privileged".into()
        } else {
            "no".into()
        },
        effective: if c.privileged {
            "yes: capabilities, seccomp, LSM and device limits are off".into()
        } else {
            "no".into()
        },
        weak: c.privileged,
    });

    let (effective, weak) = match &conf.seccomp {
        Seccomp::Default => ("Docker's default profile".to_string(), false),
        Seccomp::Custom => ("custom profile".to_string(), false),
        Seccomp::Unconfined(why) => (format!("unconfined ({why})"), true),
        Seccomp::Unsupported => ("not supported by the daemon".to_string(), true),
    };
    rows.push(Row {
        setting: "seccomp",
        configured: opt_values(ctx, "seccomp"),
        effective,
        weak,
    });

    let (effective, weak) = match &conf.apparmor {
        AppArmor::Profile(p) => (format!("profile {p}"), false),
        AppArmor::Unconfined(why) => (format!("unconfined ({why})"), true),
        AppArmor::NotAvailable => ("not enabled on this daemon".to_string(), false),
    };
    let mut configured = opt_values(ctx, "apparmor");
    if configured == "-" && !c.apparmor_profile.is_empty() {
        configured = format!("(applied: {})", c.apparmor_profile);
    }
    rows.push(Row {
        setting: "AppArmor",
        configured,
        effective,
        weak,
    });

    let (effective, weak) = match &conf.selinux {
        SeLinux::Enforced => ("labelled (enforced)".to_string(), false),
        SeLinux::Disabled(why) => (format!("disabled ({why})"), true),
        SeLinux::NotAvailable => ("not enabled on this daemon".to_string(), false),
    };
    rows.push(Row {
        setting: "SELinux",
        configured: opt_values(ctx, "label"),
        effective,
        weak,
    });

    let nnp_opt: Vec<&String> = c
        .security_opt
        .iter()
        .filter(|o| o.trim().starts_with("no-new-privileges"))
        .collect();
    let configured = if nnp_opt.is_empty() {
        "-".to_string()
    } else {
        nnp_opt
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let effective = match (
        conf.no_new_privileges,
        nnp_opt.is_empty() && sec.no_new_privileges,
    ) {
        (true, true) => "on (daemon default)".to_string(),
        (true, false) => "on".to_string(),
        (false, _) => "off: setuid binaries can gain privileges".to_string(),
    };
    rows.push(Row {
        setting: "no-new-privileges",
        configured,
        effective,
        weak: !conf.no_new_privileges,
    });

    let configured = if c.user.is_empty() {
        "(image default)".to_string()
    } else {
        c.user.clone()
    };
    let effective = match (conf.runs_as_root, c.user.is_empty()) {
        (true, true) => "root (assumed: the image default is not known)".to_string(),
        (true, false) => "root".to_string(),
        (false, _) => format!("non-root ({})", c.user),
    };
    rows.push(Row {
        setting: "user",
        configured,
        effective,
        weak: conf.runs_as_root,
    });

    rows.push(Row {
        setting: "read-only rootfs",
        configured: if c.readonly_rootfs {
            "--read-only".into()
        } else {
            "no".into()
        },
        effective: if c.readonly_rootfs {
            "read-only".into()
        } else {
            "writable".into()
        },
        weak: !c.readonly_rootfs,
    });

    let configured = if c.userns_mode.is_empty() {
        "(daemon default)".to_string()
    } else {
        c.userns_mode.clone()
    };
    let (effective, weak) = if !conf.root_is_host_root {
        let how = if sec.rootless {
            "rootless daemon"
        } else {
            "userns-remap"
        };
        (
            format!("remapped ({how}): container root is unprivileged on the host"),
            false,
        )
    } else if conf.userns_host {
        (
            "host: --userns=host opts out of the daemon's remapping".to_string(),
            true,
        )
    } else {
        ("none: container root is host root".to_string(), true)
    };
    rows.push(Row {
        setting: "user namespace",
        configured,
        effective,
        weak,
    });
    rows
}

pub fn lines<'a>(ctx: &TabCtx<'a>, w: usize) -> Vec<Line<'a>> {
    let rows = rows(ctx);
    const SETTING_W: usize = 18;
    let conf_w = rows
        .iter()
        .map(|r| width(&r.configured))
        .max()
        .unwrap_or(0)
        .clamp(10, 28);
    let mut out = vec![fit(
        Line::from(vec![
            Span::raw("  "),
            Span::styled(pad("SETTING", SETTING_W), ctx.style(Role::Header)),
            Span::raw(" "),
            Span::styled(pad("CONFIGURED", conf_w), ctx.style(Role::Header)),
            Span::raw(" "),
            Span::styled("EFFECTIVE", ctx.style(Role::Header)),
        ]),
        w,
    )];
    for r in rows {
        let (marker, role) = if r.weak {
            (Span::styled("! ", ctx.style(Role::Danger)), Role::Danger)
        } else {
            (Span::raw("  "), Role::Text)
        };
        let prefix = vec![
            marker,
            Span::raw(pad(r.setting, SETTING_W)),
            Span::raw(" "),
            Span::styled(
                pad(&truncate(&r.configured, conf_w), conf_w),
                ctx.style(Role::Muted),
            ),
            Span::raw(" "),
        ];
        let indent = 2 + SETTING_W + 1 + conf_w + 1;
        out.extend(labelled(prefix, indent, &r.effective, ctx.style(role), w));
    }
    out.push(Line::raw(""));
    out.push(fit(
        Line::styled(
            "! marks a protection that is off or weaker than Docker's defaults.",
            ctx.style(Role::Muted),
        ),
        w,
    ));
    out
}
