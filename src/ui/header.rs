//! The header bar: which daemon(s), their versions, the host posture score and the link
//! status, plus the posture hint.

use super::text::{band_short, fit, safe_span};
use crate::app::{AppState, Command, HostView};
use crate::model::Engine;
use crate::theme::{Role, Theme};
use crate::watch::LinkStatus;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

/// `▲ 3 new alerts a feed ` (`compact`: `▲3 new a `), styled by the worst unseen alert;
/// empty when there is none or the feed is in view.
pub fn unseen_spans<'a>(state: &AppState, theme: &Theme, compact: bool) -> Vec<Span<'a>> {
    let feed = &state.feed;
    if feed.unseen == 0 || crate::app::update::feed_in_view(state) {
        return Vec::new();
    }
    let role = feed.unseen_worst.map(Role::Severity).unwrap_or(Role::Title);
    let plural = if feed.unseen == 1 { "" } else { "s" };
    let text = if compact {
        format!("▲{} new", feed.unseen)
    } else {
        format!("▲ {} new alert{plural}", feed.unseen)
    };
    let mut spans = vec![Span::styled(text, theme.style(role))];
    let key = state.key_for(Command::Feed);
    if !key.is_empty() {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(key.to_string(), theme.style(Role::Key)));
        if !compact {
            spans.push(Span::raw(" feed"));
        }
    }
    spans.push(Span::raw(" "));
    spans
}

/// The header's marker of a read-only console.
pub const READ_ONLY_MARKER: &str = "READ-ONLY";
/// The header's marker when a config problem made the console read-only.
pub const READ_ONLY_CONFIG_MARKER: &str = "READ-ONLY (config error)";

/// Two lines: endpoints + link status + posture on the first, versions on the second.
pub struct HeaderBar<'a> {
    state: &'a AppState,
    theme: &'a Theme,
}

impl<'a> HeaderBar<'a> {
    pub fn new(state: &'a AppState, theme: &'a Theme) -> Self {
        HeaderBar { state, theme }
    }
}

/// The link status as text and its role.
pub fn link_label(status: &LinkStatus) -> (String, Role) {
    match status {
        LinkStatus::Connecting => ("Connecting…".to_string(), Role::StatusWarning),
        LinkStatus::Live => ("Live".to_string(), Role::StatusInfo),
        LinkStatus::Down { retry_in_secs, .. } => {
            (format!("Down (retry {retry_in_secs}s)"), Role::StatusError)
        }
    }
}

fn host_spans<'a>(
    theme: &Theme,
    index: Option<usize>,
    host: &'a HostView,
    endpoint_w: usize,
) -> Vec<Span<'a>> {
    let mut spans = Vec::new();
    if let Some(i) = index {
        spans.push(Span::styled(
            format!("[{}] ", i + 1),
            theme.style(Role::Key),
        ));
    }
    spans.push(Span::raw(
        super::text::truncate(&host.name, endpoint_w).into_owned(),
    ));
    spans.push(Span::raw(" "));
    let (label, role) = link_label(&host.status);
    spans.push(Span::styled(label, theme.style(role)));
    // Named in the status line; counted here while they are tried again.
    if !host.unread.is_empty() {
        spans.push(Span::styled(
            format!(" · {} not inspected", host.unread.len()),
            theme.style(Role::StatusWarning),
        ));
    }
    if host.facts.is_some() {
        spans.push(Span::raw(if index.is_some() { " " } else { "  posture " }));
        let s = host.posture_score;
        spans.push(Span::styled(
            format!("{} {}", s.value, band_short(s.band)),
            theme.style(Role::Band(s.band)),
        ));
    }
    spans
}

impl<'a> Widget for HeaderBar<'a> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let (state, theme) = (self.state, self.theme);
        buf.set_style(area, theme.style(Role::Bar));
        let w = area.width as usize;
        let sessions = state.session_hosts().count();
        let multi = sessions > 1 || state.hosts.len() > 1;

        // Line 1: seawall, the daemon(s), posture; the hints on the right.
        let mut left = vec![
            Span::styled(" seawall ", theme.style(Role::Title)),
            Span::raw("│ "),
        ];
        // Read-only: a word, not only a color, and before anything that may be cut.
        if state.actions.read_only {
            // Read-only because of a config problem: the status line and every refused
            // action say which.
            let marker = if state.actions.read_only_reason.is_some() {
                READ_ONLY_CONFIG_MARKER
            } else {
                READ_ONLY_MARKER
            };
            left.push(Span::styled(marker, theme.style(Role::StatusWarning)));
            left.push(Span::raw(" │ "));
        }
        if state.hosts.is_empty() {
            left.push(Span::styled(
                "no daemon configured",
                theme.style(Role::Muted),
            ));
        }
        // The alert count stays whatever the width (with the endpoint and the posture).
        let alerts = state.feed.len();
        let alerts_span = Span::styled(
            format!(" │ {alerts} alert{}", if alerts == 1 { "" } else { "s" }),
            theme.style(if alerts == 0 { Role::Muted } else { Role::Text }),
        );
        // Endpoints get what the rest leaves, shared; each is cut (`…`) when too long.
        let hosts_of = |endpoint_w: usize| -> Vec<Span> {
            let mut spans = Vec::new();
            for (n, (i, host)) in state.session_hosts().enumerate() {
                if n > 0 {
                    spans.push(Span::raw(" │ "));
                }
                spans.extend(host_spans(theme, multi.then_some(i), host, endpoint_w));
            }
            spans.into_iter().map(safe_span).collect()
        };
        let width_of = |spans: &[Span]| spans.iter().map(Span::width).sum::<usize>();
        let fixed = width_of(&left) + width_of(&hosts_of(0)) + alerts_span.width();
        let endpoint_w = (w.saturating_sub(fixed) / sessions.max(1)).max(8);
        left.extend(hosts_of(endpoint_w));
        left.push(alerts_span);
        // Endpoints are shown escaped, and measured as drawn.
        let mut left: Vec<Span> = left.into_iter().map(safe_span).collect();
        let count = Span::raw(format!(" │ {} containers", state.containers.len()));
        let mut right = Vec::new();
        for (cmd, label) in [(Command::Posture, "posture"), (Command::Help, "help")] {
            let key = state.key_for(cmd);
            if !key.is_empty() {
                if !right.is_empty() {
                    right.push(Span::raw("  "));
                }
                right.push(Span::styled(key.to_string(), theme.style(Role::Key)));
                right.push(Span::raw(format!(" {label}")));
            }
        }
        if !right.is_empty() {
            right.push(Span::raw(" "));
        }
        // Alerts that arrived while the feed was not looked at: before the hints, and
        // instead of them when both do not fit.
        let unseen = unseen_spans(state, theme, false);
        if !unseen.is_empty() {
            let width_of = |spans: &[Span]| spans.iter().map(Span::width).sum::<usize>();
            let (rw, lw) = (width_of(&right), width_of(&left));
            if lw + 2 + width_of(&unseen) + 2 + rw <= w {
                let mut both = unseen;
                both.push(Span::raw("  "));
                both.append(&mut right);
                right = both;
            } else if lw + 2 + width_of(&unseen) <= w {
                right = unseen;
            } else {
                right = unseen_spans(state, theme, true);
            }
        }
        // The container count goes first when space runs out, then the hints.
        let rw: usize = right.iter().map(Span::width).sum();
        let lw: usize = left.iter().map(Span::width).sum();
        if lw + count.width() + 2 + rw <= w {
            left.push(count);
        }
        let left = Line::from(left);
        let right = Line::from(right);
        let lw = left.width();
        let line1_area = Rect { height: 1, ..area };
        if !right.spans.is_empty() && lw + 2 + rw <= w {
            left.render(line1_area, buf);
            let x = area.x + (w - rw) as u16;
            right.render(Rect::new(x, area.y, rw as u16, 1), buf);
        } else {
            // No room for the hints: new alerts still show, next to the count.
            let mut left = left;
            let unseen = state.feed.unseen;
            if unseen > 0 && !crate::app::update::feed_in_view(state) {
                let role = state
                    .feed
                    .unseen_worst
                    .map(Role::Severity)
                    .unwrap_or(Role::Title);
                left.spans
                    .push(Span::styled(format!(" ▲{unseen} new"), theme.style(role)));
            }
            fit(left, w).render(line1_area, buf);
        }

        // Line 2: versions of the daemon the screen is about.
        if area.height < 2 {
            return;
        }
        let current = super::current_host(state);
        let mut spans = vec![Span::raw(" ")];
        if multi {
            spans.push(Span::styled(
                format!("[{}] ", current + 1),
                theme.style(Role::Key),
            ));
            // Which daemon the selection belongs to, by name.
            if let Some(host) = state.hosts.get(current) {
                spans.push(Span::styled(host.name.as_str(), theme.style(Role::Title)));
                spans.push(Span::styled(" · ", theme.style(Role::Muted)));
            }
        }
        if let Some(host) = state.hosts.get(current) {
            match (&host.facts, &host.status) {
                (Some(f), _) => {
                    let e = &f.engine;
                    let or_q = |s: String| if s.is_empty() { "?".to_string() } else { s };
                    let mut push = |label: &'static str, value: String, last: bool| {
                        spans.push(Span::styled(label, theme.style(Role::Muted)));
                        spans.push(Span::raw(or_q(value)));
                        if !last {
                            spans.push(Span::styled(" · ", theme.style(Role::Muted)));
                        }
                    };
                    match e.product {
                        Engine::Docker => {
                            push("engine ", e.version.clone(), false);
                            push("runc ", e.runc.clone(), false);
                            push("containerd ", e.containerd.clone(), false);
                        }
                        // Podman has no containerd: its runtime, mode and cgroup manager.
                        Engine::Podman => {
                            push("engine ", e.label(), false);
                            push("runtime ", e.runtime_line(), false);
                            push("", e.mode().to_string(), false);
                            push("cgroups ", e.cgroup_driver.clone(), false);
                        }
                    }
                    push("kernel ", e.kernel.clone(), true);
                    if let LinkStatus::Down { message, .. } = &host.status {
                        spans.push(Span::raw("  "));
                        spans.push(Span::styled(
                            format!("down: {message}"),
                            theme.style(Role::StatusError),
                        ));
                    }
                }
                (None, LinkStatus::Down { message, .. }) => spans.push(Span::styled(
                    format!("down: {message}"),
                    theme.style(Role::StatusError),
                )),
                (None, LinkStatus::Connecting) => spans.push(Span::styled(
                    format!("connecting to {}…", host.endpoint),
                    theme.style(Role::Muted),
                )),
                (None, LinkStatus::Live) => spans.push(Span::styled(
                    "reading the daemon's /info…",
                    theme.style(Role::Muted),
                )),
            }
        }
        fit(Line::from(spans), w).render(Rect::new(area.x, area.y + 1, area.width, 1), buf);
    }
}
