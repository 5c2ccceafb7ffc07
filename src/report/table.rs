//! The terminal table: the default output of `seawall scan`.
//!
//! Per host, a header (endpoint, engine, posture) and one line per container, worst first:
//! `SCORE BAND NAME IMAGE STATE FINDINGS WORST`; a footer with severity counts. Columns fit
//! the width (long values are cut with `…`). Color is plain ANSI SGR and only when asked;
//! whether to ask (a TTY, `NO_COLOR`) is the caller's decision. Control, bidi and
//! invisible characters in the data never reach the terminal: they are shown escaped
//! (`crate::sanitize::terminal_line`).

use super::summary::{
    containers_worst_first, engine_line, host_label, or_unknown, runtime_facts, worst_finding,
};
use super::{HostReport, Report};
use crate::risk::{Band, Severity};
use std::fmt::Write as _;

/// The width `render_table` lays out for.
pub const DEFAULT_WIDTH: usize = 80;
/// No width limit: nothing is cut (`seawall scan` when stdout is not a terminal, so a pipe
/// or a file gets whole names, images and titles).
pub const UNLIMITED: usize = usize::MAX;
const GAP: &str = "  ";

// Writing into a String cannot fail.
macro_rules! w {
    ($($t:tt)*) => {{ let _ = write!($($t)*); }};
}

/// Render the table at [`DEFAULT_WIDTH`] columns.
pub fn render_table(report: &Report, color: bool) -> String {
    render_table_width(report, color, DEFAULT_WIDTH)
}

/// Render the table for a terminal `width` columns wide (at least 40 is used;
/// [`UNLIMITED`] cuts nothing).
pub fn render_table_width(report: &Report, color: bool, width: usize) -> String {
    let width = width.max(40);
    let st = Style { color };
    let rows: usize = report.hosts.iter().map(|h| h.containers.len() + 8).sum();
    let mut out = String::with_capacity(256 + rows * (width.min(240) + 16));
    let title = format!(
        "seawall {} · report generated {}",
        report.tool_version, report.generated_at
    );
    st.line(&mut out, Sgr::Bold, &fit(&clean(&title), width));
    for h in &report.hosts {
        out.push('\n');
        write_host(&mut out, h, st, width);
    }
    out.push('\n');
    let mut footer = String::from("findings:");
    let mut plain = String::from("findings:");
    for (i, (s, n)) in report.severity_counts().iter().enumerate() {
        let sep = if i == 0 { " " } else { ", " };
        let text = format!("{n} {s}");
        plain.push_str(sep);
        plain.push_str(&text);
        footer.push_str(sep);
        if *n > 0 {
            footer.push_str(&st.paint(sev_sgr(*s), &text));
        } else {
            footer.push_str(&text);
        }
    }
    let containers: usize = report.hosts.iter().map(|h| h.containers.len()).sum();
    let plural = |n: usize, one: &str| {
        if n == 1 {
            format!("{n} {one}")
        } else {
            format!("{n} {one}s")
        }
    };
    let tail = format!(
        " · {}, {}",
        plural(report.hosts.len(), "host"),
        plural(containers, "container")
    );
    if plain.chars().count() + tail.chars().count() <= width {
        footer.push_str(&tail);
    }
    out.push_str(&footer);
    out.push('\n');
    // Verdicts: how many findings are accepted, new, resolved (details in the other formats).
    let accepted = report.all_findings().filter(|f| f.is_accepted()).count();
    let expired = report
        .all_findings()
        .filter(|f| f.acceptance.as_ref().is_some_and(|a| a.expired))
        .count();
    if !report.acceptances.is_empty() {
        let stale = report
            .acceptances
            .iter()
            .filter(|a| a.status == super::AcceptanceState::Stale)
            .count();
        let line = format!(
            "accepted: {accepted} finding(s) (not counted by --fail-on), {expired} with an expired acceptance, {stale} stale entr{}",
            if stale == 1 { "y" } else { "ies" }
        );
        st.line(&mut out, Sgr::Dim, &fit(&line, width));
    }
    if report.baseline.is_some() {
        let new = report
            .all_findings()
            .filter(|f| f.baseline == Some(crate::risk::BaselineMark::New))
            .count();
        let resolved: usize = report
            .hosts
            .iter()
            .map(|h| h.resolved.as_ref().map_or(0, Vec::len))
            .sum();
        let line = format!("since the baseline: {new} new finding(s), {resolved} resolved");
        st.line(&mut out, Sgr::Bold, &fit(&line, width));
    }
    out
}

#[derive(Clone, Copy)]
struct Style {
    color: bool,
}

#[derive(Clone, Copy)]
enum Sgr {
    Bold,
    Dim,
    Code(&'static str),
}

impl Style {
    fn paint(self, sgr: Sgr, text: &str) -> String {
        if !self.color || text.is_empty() {
            return text.to_string();
        }
        let code = match sgr {
            Sgr::Bold => "1",
            Sgr::Dim => "2",
            Sgr::Code(c) => c,
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    }

    fn line(self, out: &mut String, sgr: Sgr, text: &str) {
        out.push_str(&self.paint(sgr, text));
        out.push('\n');
    }
}

fn sev_sgr(s: Severity) -> Sgr {
    match s {
        Severity::Critical => Sgr::Code("1;31"),
        Severity::High => Sgr::Code("31"),
        Severity::Medium => Sgr::Code("33"),
        Severity::Low => Sgr::Code("32"),
        Severity::Info => Sgr::Dim,
    }
}

fn band_sgr(b: Band) -> Sgr {
    match b {
        Band::Critical => Sgr::Code("1;31"),
        Band::High => Sgr::Code("31"),
        Band::Medium => Sgr::Code("33"),
        Band::Low => Sgr::Code("32"),
    }
}

/// Show control, bidi and invisible characters escaped (`\e`, `\n`, `\u{202e}`,
/// `crate::sanitize::terminal_line`) so data can neither drive the terminal nor break a line.
fn clean(s: &str) -> String {
    crate::sanitize::terminal_line(s).into_owned()
}

/// Cut to at most `w` characters, ending with `…` when cut.
fn fit(s: &str, w: usize) -> String {
    if s.chars().count() <= w {
        return s.to_string();
    }
    if w == 0 {
        return String::new();
    }
    let mut out: String = s.chars().take(w - 1).collect();
    out.push('…');
    out
}

/// Cut to at most `w` characters keeping the end, starting with `…` when cut
/// (`registry.example/team/app:1.2` -> `…team/app:1.2`).
fn fit_left(s: &str, w: usize) -> String {
    let n = s.chars().count();
    if n <= w {
        return s.to_string();
    }
    if w == 0 {
        return String::new();
    }
    let mut out = String::from('…');
    out.extend(s.chars().skip(n - (w - 1)));
    out
}

/// Join parts with ` · `, starting a new line rather than passing `width`.
fn wrap_parts(parts: &[String], width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for p in parts {
        if cur.is_empty() {
            cur = p.clone();
        } else if len(&cur) + 3 + len(p) <= width {
            cur.push_str(" · ");
            cur.push_str(p);
        } else {
            lines.push(fit(&cur, width));
            cur = p.clone();
        }
    }
    if !cur.is_empty() {
        lines.push(fit(&cur, width));
    }
    lines
}

fn len(s: &str) -> usize {
    s.chars().count()
}

/// Pad or cut to exactly `w` characters, left- or right-aligned.
fn cell(s: &str, w: usize, right: bool) -> String {
    let s = fit(s, w);
    if right {
        format!("{s:>w$}")
    } else {
        format!("{s:<w$}")
    }
}

/// One container line before layout.
struct Row {
    score: String,
    band: Band,
    name: String,
    image: String,
    state: String,
    findings: String,
    worst: String,
    worst_sev: Option<Severity>,
}

const HEAD: [&str; 7] = [
    "SCORE", "BAND", "NAME", "IMAGE", "STATE", "FINDINGS", "WORST",
];
const MIN_NAME: usize = 8;
const MIN_IMAGE: usize = 8;
const MIN_WORST: usize = 10;
const MAX_STATE: usize = 10;

/// Shrink the widest of the flexible columns, one character at a time, until they fit.
fn waterfill(widths: &mut [usize; 3], mins: [usize; 3], budget: usize) {
    while widths.iter().sum::<usize>() > budget {
        let Some((i, _)) = widths
            .iter()
            .enumerate()
            .filter(|(i, w)| **w > mins[*i])
            .max_by_key(|(i, w)| (**w, *i))
        else {
            break;
        };
        widths[i] -= 1;
    }
}

fn write_host(out: &mut String, h: &HostReport, st: Style, width: usize) {
    let e = &h.engine;
    let head = format!("host {} · {}", host_label(h), h.endpoint);
    st.line(out, Sgr::Bold, &fit(&clean(&head), width));
    let mut parts = vec![format!("engine {}", engine_line(e))];
    parts.extend(
        runtime_facts(e)
            .into_iter()
            .map(|(label, value)| format!("{label} {value}")),
    );
    parts.push(format!("kernel {}", or_unknown(&e.kernel)));
    let parts: Vec<String> = parts.iter().map(|p| clean(p)).collect();
    for line in wrap_parts(&parts, width) {
        out.push_str(&line);
        out.push('\n');
    }
    let mut posture = format!(
        "posture {}/100 {} · {} finding(s)",
        h.posture.score,
        h.posture.band,
        h.posture.findings.len()
    );
    if let Some(f) = worst_finding(&h.posture.findings) {
        w!(
            posture,
            ", worst: {} {} {}",
            f.severity.as_str().to_ascii_uppercase(),
            f.id,
            f.title
        );
    }
    let posture = fit(&clean(&posture), width);
    let band_text = h.posture.band.as_str();
    // Color the band word in the posture line (it is always within the first columns).
    match posture.split_once(band_text) {
        Some((a, b)) if st.color => {
            out.push_str(a);
            out.push_str(&st.paint(band_sgr(h.posture.band), band_text));
            out.push_str(b);
        }
        _ => out.push_str(&posture),
    }
    out.push_str("\n\n");
    if !h.unread.is_empty() {
        let _ = writeln!(out, "not read ({}):", h.unread.len());
        for u in &h.unread {
            let _ = writeln!(out, "  {}", crate::sanitize::terminal_line(&u.line()));
        }
        out.push('\n');
    }

    let containers = containers_worst_first(h);
    if containers.is_empty() {
        out.push_str("(no containers)\n");
        return;
    }
    let rows: Vec<Row> = containers
        .iter()
        .map(|c| {
            let worst = worst_finding(&c.findings);
            Row {
                score: c.score.to_string(),
                band: c.band,
                name: clean(&c.name),
                image: clean(&c.image),
                state: clean(&c.state),
                findings: c.findings.len().to_string(),
                worst: worst
                    .map(|f| clean(&format!("{} {}", f.id, f.title)))
                    .unwrap_or_else(|| "-".into()),
                worst_sev: worst.map(|f| f.severity),
            }
        })
        .collect();

    let col = |f: &dyn Fn(&Row) -> usize, head: &str| {
        rows.iter().map(f).max().unwrap_or(0).max(len(head))
    };
    let w_score = col(&|r| len(&r.score), HEAD[0]);
    let w_band = col(&|r| len(r.band.as_str()), HEAD[1]);
    let w_state = col(&|r| len(&r.state), HEAD[4]).min(MAX_STATE);
    let w_find = col(&|r| len(&r.findings), HEAD[5]);
    let mut flex = [
        col(&|r| len(&r.name), HEAD[2]),
        col(&|r| len(&r.image), HEAD[3]),
        col(&|r| len(&r.worst), HEAD[6]),
    ];
    let fixed = w_score + w_band + w_state + w_find + GAP.len() * (HEAD.len() - 1);
    waterfill(
        &mut flex,
        [MIN_NAME, MIN_IMAGE, MIN_WORST],
        width.saturating_sub(fixed),
    );
    let [w_name, w_image, w_worst] = flex;

    let header = [
        cell(HEAD[0], w_score, true),
        cell(HEAD[1], w_band, false),
        cell(HEAD[2], w_name, false),
        cell(HEAD[3], w_image, false),
        cell(HEAD[4], w_state, false),
        cell(HEAD[5], w_find, true),
        fit(HEAD[6], w_worst),
    ]
    .join(GAP);
    st.line(out, Sgr::Bold, &header);

    for r in &rows {
        let paint = |sgr: Sgr, s: String| st.paint(sgr, &s);
        let line = [
            paint(band_sgr(r.band), cell(&r.score, w_score, true)),
            paint(band_sgr(r.band), cell(r.band.as_str(), w_band, false)),
            cell(&r.name, w_name, false),
            format!("{:<w_image$}", fit_left(&r.image, w_image)),
            cell(&r.state, w_state, false),
            cell(&r.findings, w_find, true),
            match r.worst_sev {
                Some(s) => paint(sev_sgr(s), fit(&r.worst, w_worst)),
                None => fit(&r.worst, w_worst),
            },
        ]
        .join(GAP);
        out.push_str(&line);
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::{HOSTILE_NAME, big_report, sample_report};

    /// Remove SGR sequences (`ESC [ ... m`).
    fn strip_ansi(s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                for d in chars.by_ref() {
                    if d == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn plain_table_has_header_rows_and_footer() {
        let t = render_table(&sample_report(), false);
        assert!(!t.contains('\x1b'), "no color unless asked");
        assert!(t.contains("host docker-host-1 · unix:///var/run/docker.sock"));
        assert!(t.contains("engine 27.3.1 (API 1.47, linux) · runc 1.1.14 · containerd 1.7.22"));
        assert!(t.contains("posture 24/100 medium · 2 finding(s), worst: HIGH SW-DAEMON-ICC"));
        let header = t.lines().find(|l| l.starts_with("SCORE")).unwrap();
        for h in HEAD {
            assert!(header.contains(h), "{h} in {header}");
        }
        let rows: Vec<&str> = t
            .lines()
            .skip_while(|l| !l.starts_with("SCORE"))
            .skip(1)
            .take(3)
            .collect();
        assert!(
            rows[0].starts_with("   95  critical  db-privileged"),
            "{}",
            rows[0]
        );
        assert!(rows[0].contains("SW-PRIV-001"));
        assert!(
            rows[1].contains("…image:latest"),
            "images keep their tail: {}",
            rows[1]
        );
        assert!(rows[2].contains("clean-app"));
        assert!(rows[2].trim_end().ends_with('-'));
        assert!(t.trim_end().ends_with(
            "findings: 1 critical, 2 high, 1 medium, 1 low, 0 info · 1 host, 3 containers"
        ));
    }

    #[test]
    fn unlimited_width_cuts_nothing() {
        let mut report = sample_report();
        let long_name = format!("svc-{}", "n".repeat(150));
        report.hosts[0].containers[0].name = long_name.clone();
        let narrow = render_table_width(&report, false, DEFAULT_WIDTH);
        assert!(!narrow.contains(&long_name));
        let whole = render_table_width(&report, false, UNLIMITED);
        assert!(!whole.contains('…'), "nothing cut:\n{whole}");
        let row = whole
            .lines()
            .find(|l| l.contains(&long_name))
            .expect("whole name");
        // The row keeps every column, the worst finding's whole title included.
        assert!(row.contains("SW-PRIV-001"), "{row}");
        assert!(row.chars().count() > 200, "{row}");
        // The long image the narrow table cuts is whole too.
        assert!(
            whole
                .lines()
                .any(|l| l.contains("image:latest") && !l.contains('…'))
        );
    }

    #[test]
    fn fits_80_columns_and_truncates_with_ellipsis() {
        for r in [sample_report(), big_report(50)] {
            for color in [false, true] {
                let t = render_table(&r, color);
                for line in t.lines() {
                    let plain = strip_ansi(line);
                    assert!(
                        plain.chars().count() <= 80,
                        "too wide ({}): {plain}",
                        plain.chars().count()
                    );
                }
            }
        }
        let t = render_table(&big_report(5), false);
        assert!(t.contains('…'));
        // Columns stay aligned: every row has the same position for IMAGE.
        let header = t.lines().find(|l| l.starts_with("SCORE")).unwrap();
        let image_at = header.find("IMAGE").unwrap();
        for row in t
            .lines()
            .skip_while(|l| !l.starts_with("SCORE"))
            .skip(1)
            .take_while(|l| !l.is_empty())
        {
            let prefix: String = row.chars().take(image_at).collect();
            assert!(prefix.ends_with("  "), "aligned: {row}");
        }
    }

    #[test]
    fn wider_terminal_shows_more() {
        let r = big_report(5);
        let narrow = render_table_width(&r, false, 80);
        let wide = render_table_width(&r, false, 200);
        assert!(wide.contains("service-1-with-a-fairly-long-container-name"));
        assert!(!narrow.contains("service-1-with-a-fairly-long-container-name"));
        for line in wide.lines() {
            assert!(line.chars().count() <= 200);
        }
    }

    #[test]
    fn color_only_when_asked() {
        let t = render_table(&sample_report(), true);
        assert!(t.contains("\x1b[1;31m"), "critical is bold red");
        assert!(t.contains("\x1b[0m"));
        assert_eq!(strip_ansi(&t), render_table(&sample_report(), false));
    }

    #[test]
    fn control_characters_never_reach_the_terminal() {
        let mut r = sample_report();
        r.hosts[0].containers[0].name = "evil\x1b]0;pwned\x07\nname".into();
        r.hosts[0].containers[0].findings[0].title = "t\x1b[2Jitle".into();
        let t = render_table_width(&r, false, 200);
        assert!(!t.contains('\x1b') && !t.contains('\x07'));
        assert!(t.contains("evil\\e]0;pwned\\x07\\nname"), "{t}");
        assert!(t.contains("t\\e[2Jitle"), "{t}");
        assert!(
            t.contains(HOSTILE_NAME),
            "no escaping needed for a terminal beyond control chars"
        );
    }

    #[test]
    fn empty_host_and_helpers() {
        let mut r = sample_report();
        r.hosts[0].containers.clear();
        let t = render_table(&r, false);
        assert!(t.contains("(no containers)"));
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("abc", 4), "abc");
        assert_eq!(cell("ab", 4, true), "  ab");
        assert_eq!(fit_left("registry/app:1", 6), "…app:1");
        let parts = ["aaaa".to_string(), "bbbb".to_string(), "cccc".to_string()];
        assert_eq!(wrap_parts(&parts, 11), vec!["aaaa · bbbb", "cccc"]);
        let mut w = [30, 10, 40];
        waterfill(&mut w, [8, 8, 10], 45);
        assert_eq!(w.iter().sum::<usize>(), 45);
        assert!(w[0] >= 8 && w[1] >= 8 && w[2] >= 10);
    }
}
