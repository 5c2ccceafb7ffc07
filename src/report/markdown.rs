//! The Markdown report: for people, summary first (GitHub-flavoured tables).
//!
//! Every dynamic string is escaped: Markdown punctuation is backslash-escaped, table cells
//! also escape `|` and turn newlines into `<br>`; control, bidi and invisible characters
//! (tabs included) are shown escaped, rendering as `\e`, `\t`, `\u{202e}`
//! (`crate::sanitize`).

use super::summary::{
    band_counts, containers_worst_first, engine_line, findings_worst_first, host_label,
    host_severity_counts, or_unknown, runtime_facts, worst_finding,
};
use super::{ContainerReport, HostReport, Report, verdict_rows};
use crate::risk::Finding;
use std::fmt::Write as _;

/// How many containers the summary's "worst containers" table lists per host.
pub const TOP_N: usize = 5;

// Writing into a String cannot fail.
macro_rules! w {
    ($($t:tt)*) => {{ let _ = write!($($t)*); }};
}
macro_rules! wl {
    ($($t:tt)*) => {{ let _ = writeln!($($t)*); }};
}

/// Characters escaped with a backslash wherever they appear.
const ALWAYS: &[char] = &[
    '\\', '`', '*', '_', '[', ']', '<', '>', '|', '~', '&', '#', '!',
];

/// Append one line of text (no newlines in it), escaped. At the start of a line, list and
/// heading markers are escaped too.
fn push_line(out: &mut String, line: &str, line_start: bool) {
    let line = if line_start { line.trim_start() } else { line };
    let mut chars = line.char_indices().peekable();
    if line_start {
        // `- x`, `+ x`, `= x` (setext), `1. x` / `1) x` (ordered list).
        if let Some(first) = line.chars().next() {
            if matches!(first, '-' | '+' | '=') {
                out.push('\\');
            } else if first.is_ascii_digit() {
                let digits = line.chars().take_while(char::is_ascii_digit).count();
                if matches!(line[digits..].chars().next(), Some('.' | ')')) {
                    out.push_str(&line[..digits]);
                    out.push('\\');
                    chars = line[digits..].char_indices().peekable();
                    // Offsets of the rest are unused: only the chars matter.
                }
            }
        }
    }
    for (_, c) in chars {
        if ALWAYS.contains(&c) {
            out.push('\\');
            out.push(c);
        } else if crate::sanitize::is_unsafe(c) {
            // Shown as `\e`, `\t`, `\u{202e}` once rendered: the backslash is escaped.
            out.push('\\');
            crate::sanitize::push_escape(out, c);
        } else {
            out.push(c);
        }
    }
}

fn lines(s: &str) -> impl Iterator<Item = &str> {
    s.split(['\n', '\r']).filter(|l| !l.is_empty())
}

/// Escape text for inline use (headings, paragraphs): newlines become spaces.
pub fn escape_md_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for (i, l) in lines(s).enumerate() {
        if i > 0 {
            out.push(' ');
        }
        push_line(&mut out, l, false);
    }
    out
}

/// Escape text for a table cell: as [`escape_md_text`], with newlines as `<br>`.
pub fn escape_md_cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for (i, l) in lines(s).enumerate() {
        if i > 0 {
            out.push_str("<br>");
        }
        push_line(&mut out, l, false);
    }
    out
}

/// Escape text for a list item: newlines become hard line breaks indented under the item.
fn escape_md_block(out: &mut String, s: &str) {
    for (i, l) in lines(s).enumerate() {
        if i > 0 {
            out.push_str("  \n  ");
        }
        push_line(out, l, i > 0);
    }
}

fn severity_label(f: &Finding) -> String {
    f.severity.as_str().to_ascii_uppercase()
}

fn finding_heading(f: &Finding) -> String {
    let mut s = format!("{} · {}", severity_label(f), escape_md_text(&f.id));
    if let Some(cis) = &f.cis {
        w!(s, " · CIS {}", escape_md_text(cis));
    }
    w!(s, " · {}", escape_md_text(&f.title));
    if f.mitigated {
        s.push_str(" (mitigated)");
    }
    if f.baseline == Some(crate::risk::BaselineMark::New) {
        s.push_str(" · NEW");
    }
    if let Some(a) = &f.acceptance {
        if a.expired {
            w!(s, " · acceptance expired {}", escape_md_text(&a.expires));
        } else {
            w!(s, " · ACCEPTED until {}", escape_md_text(&a.expires));
        }
    }
    s
}

/// `container` or `(host posture)`, escaped for a cell.
fn where_cell(container: &str) -> String {
    if container.is_empty() {
        "(host posture)".into()
    } else {
        escape_md_cell(container)
    }
}

/// New and resolved since the baseline: shown before everything else.
fn write_changes(out: &mut String, report: &Report) {
    let Some(file) = &report.baseline else {
        return;
    };
    let new = verdict_rows::new_findings(report);
    let resolved = verdict_rows::resolved(report);
    wl!(
        out,
        "## Changes since baseline
"
    );
    wl!(
        out,
        "Compared with {}: {} new finding(s), {} resolved.
",
        escape_md_text(file),
        new.len(),
        resolved.len()
    );
    if !new.is_empty() {
        wl!(
            out, "### New
"
        );
        wl!(out, "| Severity | Host | Container | Rule | Title |");
        wl!(out, "|---|---|---|---|---|");
        for r in &new {
            wl!(
                out,
                "| {} | {} | {} | {} | {} |",
                severity_label(r.finding),
                escape_md_cell(host_label(r.host)),
                where_cell(r.container),
                escape_md_cell(&r.finding.id),
                escape_md_cell(&r.finding.title)
            );
        }
        out.push('\n');
    }
    if !resolved.is_empty() {
        wl!(
            out,
            "### Resolved
"
        );
        wl!(out, "| Severity | Host | Container | Rule | Title |");
        wl!(out, "|---|---|---|---|---|");
        for (h, r) in &resolved {
            wl!(
                out,
                "| {} | {} | {} | {} | {} |",
                escape_md_cell(&r.severity.to_ascii_uppercase()),
                escape_md_cell(host_label(h)),
                where_cell(&r.container),
                escape_md_cell(&r.rule),
                escape_md_cell(&r.title)
            );
        }
        out.push('\n');
    }
}

/// Accepted risks: every accepted finding, then entries that expired or match nothing.
fn write_accepted(out: &mut String, report: &Report) {
    if report.acceptances.is_empty() {
        return;
    }
    wl!(
        out,
        "## Accepted risks
"
    );
    wl!(
        out,
        "Accepted findings stay in the report and in the score (accepted risk is still risk); \
         they do not count toward --fail-on until they expire.\n"
    );
    let rows = verdict_rows::accepted(report);
    if !rows.is_empty() {
        wl!(
            out,
            "| Severity | Container | Rule | Owner | Expires | Reason |"
        );
        wl!(out, "|---|---|---|---|---|---|");
        for r in &rows {
            let Some(a) = &r.finding.acceptance else {
                continue;
            };
            let expires = if a.expired {
                format!("{} (EXPIRED)", escape_md_cell(&a.expires))
            } else {
                escape_md_cell(&a.expires)
            };
            wl!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                severity_label(r.finding),
                where_cell(r.container),
                escape_md_cell(&r.finding.id),
                escape_md_cell(&a.owner),
                expires,
                escape_md_cell(&a.reason)
            );
        }
        out.push('\n');
    }
    for a in &report.acceptances {
        if a.status != super::AcceptanceState::Active {
            wl!(
                out,
                "- **{}:** {} {} ({}), expires {}\n",
                a.status.as_str(),
                escape_md_text(&a.source),
                escape_md_text(&a.rule),
                escape_md_text(&a.selector),
                escape_md_text(&a.expires)
            );
        }
    }
}

fn write_finding(out: &mut String, f: &Finding, level: &str) {
    wl!(out, "{level} {}\n", finding_heading(f));
    for (label, text) in [
        ("Evidence", f.evidence.as_str()),
        ("Why it matters", f.technique.as_ref()),
        ("Fix", f.fix.as_ref()),
    ] {
        w!(out, "- **{label}:** ");
        escape_md_block(out, text);
        out.push('\n');
    }
    out.push('\n');
}

fn worst_cell(c: &ContainerReport) -> String {
    match worst_finding(&c.findings) {
        Some(f) => format!(
            "{} {} {}",
            severity_label(f),
            escape_md_cell(&f.id),
            escape_md_cell(&f.title)
        ),
        None => "none".to_string(),
    }
}

fn write_summary(out: &mut String, h: &HostReport) {
    wl!(
        out,
        "### {} ({})\n",
        escape_md_text(host_label(h)),
        escape_md_text(&h.endpoint)
    );
    let e = &h.engine;
    let bands = band_counts(h)
        .iter()
        .map(|(b, n)| format!("{n} {b}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sevs = host_severity_counts(h)
        .iter()
        .map(|(s, n)| format!("{n} {s}"))
        .collect::<Vec<_>>()
        .join(", ");
    wl!(out, "| Item | Value |\n|---|---|");
    wl!(out, "| Engine | {} |", escape_md_cell(&engine_line(e)));
    for (label, value) in runtime_facts(e) {
        wl!(out, "| {label} | {} |", escape_md_cell(&value));
    }
    wl!(
        out,
        "| Kernel | {} |",
        escape_md_cell(or_unknown(&e.kernel))
    );
    wl!(
        out,
        "| Daemon posture | {}/100 ({}) |",
        h.posture.score,
        h.posture.band
    );
    wl!(out, "| Containers | {} ({bands}) |", h.containers.len());
    wl!(out, "| Findings | {sevs} |\n");

    let worst = containers_worst_first(h);
    if worst.is_empty() {
        wl!(out, "No containers.\n");
        return;
    }
    wl!(out, "Worst containers:\n");
    wl!(
        out,
        "| Score | Band | Container | Image | State | Findings | Worst finding |"
    );
    wl!(out, "|---:|---|---|---|---|---:|---|");
    for c in worst.iter().take(TOP_N) {
        wl!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            c.score,
            c.band.as_str().to_ascii_uppercase(),
            escape_md_cell(&c.name),
            escape_md_cell(&c.image),
            escape_md_cell(&c.state),
            c.findings.len(),
            worst_cell(c)
        );
    }
    out.push('\n');
}

fn write_containers(out: &mut String, h: &HostReport) {
    wl!(
        out,
        "## Containers on {} ({})\n",
        escape_md_text(host_label(h)),
        escape_md_text(&h.endpoint)
    );
    if !h.unread.is_empty() {
        wl!(out, "Not read ({}), not graded:\n", h.unread.len());
        for u in &h.unread {
            wl!(out, "- {}", escape_md_text(&u.line()));
        }
        out.push('\n');
    }
    let cs = containers_worst_first(h);
    if cs.is_empty() {
        wl!(out, "No containers.\n");
    }
    for c in cs {
        wl!(
            out,
            "### {}/100 {} · {}\n",
            c.score,
            c.band.as_str().to_ascii_uppercase(),
            escape_md_text(&c.name)
        );
        let short_id: String = c.id.chars().take(12).collect();
        wl!(
            out,
            "Image: {} · State: {} · ID: {} · Findings: {}\n",
            escape_md_text(&c.image),
            escape_md_text(&c.state),
            escape_md_text(&short_id),
            c.findings.len()
        );
        if c.findings.is_empty() {
            wl!(out, "No findings.\n");
        }
        for f in findings_worst_first(&c.findings) {
            write_finding(out, f, "####");
        }
    }
}

fn write_posture(out: &mut String, h: &HostReport) {
    wl!(
        out,
        "## Host posture on {} ({}) · {}/100 {}\n",
        escape_md_text(host_label(h)),
        escape_md_text(&h.endpoint),
        h.posture.score,
        h.posture.band.as_str().to_ascii_uppercase()
    );
    if h.posture.findings.is_empty() {
        wl!(out, "No findings.\n");
    }
    for f in findings_worst_first(&h.posture.findings) {
        write_finding(out, f, "###");
    }
}

/// Render the report as Markdown.
pub fn render_markdown(report: &Report) -> String {
    let n: usize = report
        .hosts
        .iter()
        .map(|h| h.containers.len() * 4 + 4)
        .sum::<usize>()
        + report.all_findings().count();
    let mut out = String::with_capacity(1024 + n * 256);
    wl!(out, "# seawall report\n");
    let endpoints = report
        .hosts
        .iter()
        .map(|h| escape_md_text(&h.endpoint))
        .collect::<Vec<_>>()
        .join(", ");
    wl!(
        out,
        "Generated {} by seawall {} · Endpoints: {}\n",
        escape_md_text(&report.generated_at),
        escape_md_text(report.tool_version),
        if endpoints.is_empty() {
            "none".to_string()
        } else {
            endpoints
        }
    );

    write_changes(&mut out, report);
    wl!(out, "## Summary\n");
    let total = report
        .severity_counts()
        .iter()
        .map(|(s, n)| format!("{n} {s}"))
        .collect::<Vec<_>>()
        .join(", ");
    let containers: usize = report.hosts.iter().map(|h| h.containers.len()).sum();
    wl!(
        out,
        "{} host(s), {containers} container(s). Findings: {total}.\n",
        report.hosts.len()
    );
    for h in &report.hosts {
        write_summary(&mut out, h);
    }
    write_accepted(&mut out, report);
    for h in &report.hosts {
        write_containers(&mut out, h);
    }
    for h in &report.hosts {
        write_posture(&mut out, h);
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::{HOSTILE_NAME, sample_report};

    #[test]
    fn escapes_cells_and_text() {
        assert_eq!(escape_md_cell("a|b\nc"), "a\\|b<br>c");
        assert_eq!(escape_md_cell("x\r\ny"), "x<br>y");
        assert_eq!(escape_md_text("a\nb"), "a b");
        assert_eq!(
            escape_md_text("*x* _y_ `z` [l](u)"),
            "\\*x\\* \\_y\\_ \\`z\\` \\[l\\](u)"
        );
        assert_eq!(
            escape_md_text(HOSTILE_NAME),
            "\\<script\\>alert(1)\\</script\\>"
        );
        assert_eq!(escape_md_text("a\u{1b}[31mb"), "a\\\\e\\[31mb");
        assert_eq!(
            escape_md_cell("x\u{202e}y\tz\u{7}"),
            "x\\\\u{202e}y\\\\tz\\\\x07"
        );
        let mut s = String::new();
        escape_md_block(&mut s, "one\n- two\n3. three\n# four");
        assert_eq!(s, "one  \n  \\- two  \n  3\\. three  \n  \\# four");
    }

    #[test]
    fn summary_comes_first_and_everything_is_there() {
        let r = sample_report();
        let md = render_markdown(&r);
        let summary = md.find("## Summary").unwrap();
        let containers = md.find("## Containers on").unwrap();
        let posture = md.find("## Host posture").unwrap();
        assert!(summary < containers && containers < posture);
        assert!(md.starts_with("# seawall report\n"));
        assert!(md.contains("2025-01-02T03:04:05Z"));
        assert!(md.contains("unix:///var/run/docker.sock"));
        assert!(md.contains("| Engine | 27.3.1 (API 1.47, linux) |"));
        assert!(md.contains("| runc | 1.1.14 |"));
        assert!(md.contains("| containerd | 1.7.22 |"));
        assert!(md.contains("| Kernel | 6.8.0-45-generic |"));
        assert!(md.contains("Daemon posture"));
        assert!(md.contains("| Containers | 3 (1 critical, 0 high, 0 medium, 2 low) |"));
        assert!(md.contains("| Findings | 1 critical, 2 high, 1 medium, 1 low, 0 info |"));
        assert!(md.contains("#### CRITICAL · SW-PRIV-001 · CIS 5.5 · Container runs privileged"));
        assert!(md.contains("- **Why it matters:** "));
        assert!(md.contains("- **Fix:** "));
        assert!(md.contains("- **Evidence:** HostConfig.Privileged = true"));
        // The medium finding has no CIS number.
        assert!(md.contains("#### MEDIUM · SW-MEM-001 · No memory limit \\| \\*unbounded\\*"));
        // Worst container first.
        let a = md.find("### 95/100 CRITICAL · db-privileged").unwrap();
        let b = md.find("· clean-app").unwrap();
        assert!(a < b);
        assert!(md.contains("### HIGH · SW-DAEMON-ICC · CIS 2.2"));
        assert!(md.ends_with('\n') && !md.ends_with("\n\n"));
    }

    #[test]
    fn hostile_strings_stay_inert() {
        let md = render_markdown(&sample_report());
        assert!(!md.contains("<script>"));
        assert!(!md.contains("<b>"));
        // Every table row keeps its column count: no unescaped pipe or newline leaked.
        for line in md.lines().filter(|l| l.starts_with('|')) {
            let cells = line.replace("\\|", "").matches('|').count();
            assert!(cells == 3 || cells == 8, "bad row: {line}");
        }
        assert!(md.contains("evil\\|image:latest"));
        // Multi-line evidence stays inside its list item.
        assert!(md.contains(
            "HostConfig.Memory = 0  \n  second line with \\<b\\>tag\\</b\\> \\& 'quotes' \"double\""
        ));
    }

    #[test]
    fn top_five_only() {
        let r = crate::report::test_support::big_report(20);
        let md = render_markdown(&r);
        let start = md.find("Worst containers:").unwrap();
        let end = md.find("## Containers on").unwrap();
        let rows = md[start..end]
            .lines()
            .filter(|l| l.starts_with("| ") && !l.starts_with("| Score"))
            .count();
        assert_eq!(rows, TOP_N);
    }
}
