//! The HTML report: one self-contained file for people, summary first.
//!
//! Inline `<style>` only: no scripts, no external URLs or fonts (a Content-Security-Policy
//! meta tag forbids them too). Light and dark through `prefers-color-scheme`. Severity is
//! always written as a text label, color only reinforces it. Every dynamic string goes
//! through [`escape_html`].

use super::summary::{
    band_counts, containers_worst_first, engine_line, findings_worst_first, host_label,
    host_severity_counts, or_unknown, runtime_facts, worst_finding,
};
use super::{ContainerReport, HostReport, Report, verdict_rows};
use crate::risk::{Band, Finding, Severity};
use std::fmt::Write as _;

/// How many containers the summary's "worst containers" table lists per host.
pub const TOP_N: usize = 5;

// Writing into a String cannot fail.
macro_rules! w {
    ($($t:tt)*) => {{ let _ = write!($($t)*); }};
}

/// Append `s` with `& < > " '` escaped; control, bidi and invisible characters other than
/// tab and newline are shown escaped (`\e`, `\u{202e}`: `crate::sanitize::push_html`).
pub fn push_escaped_html(out: &mut String, s: &str) {
    crate::sanitize::push_html(out, s);
}

/// Escape a string for HTML text and attribute values: `& < > " '`.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    push_escaped_html(&mut out, s);
    out
}

/// Shorthand: escaped copy, for use in `write!` arguments.
fn e(s: &str) -> String {
    escape_html(s)
}

const STYLE: &str = r#"
:root { color-scheme: light dark;
  --bg: #ffffff; --fg: #1b1f24; --muted: #59636e; --border: #d1d9e0; --panel: #f6f8fa;
  --crit-bg: #8b0000; --crit-fg: #ffffff; --high-bg: #d1242f; --high-fg: #ffffff;
  --med-bg: #f0b400; --med-fg: #1b1f24; --low-bg: #3a7d44; --low-fg: #ffffff;
  --info-bg: #6e7781; --info-fg: #ffffff; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --border: #3d444d; --panel: #151b23;
    --crit-bg: #ff7b72; --crit-fg: #0d1117; --high-bg: #f0883e; --high-fg: #0d1117;
    --med-bg: #e3b341; --med-fg: #0d1117; --low-bg: #56d364; --low-fg: #0d1117;
    --info-bg: #9198a1; --info-fg: #0d1117; } }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 72rem; padding: 1rem 1.5rem 3rem; background: var(--bg);
  color: var(--fg); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
h1, h2, h3, h4 { line-height: 1.25; }
h2 { border-bottom: 1px solid var(--border); padding-bottom: .3rem; margin-top: 2.5rem; }
h4 { margin: 0 0 .5rem; font-size: 1rem; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; }
.muted { color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { border: 1px solid var(--border); padding: .3rem .5rem; text-align: left; vertical-align: top;
  overflow-wrap: anywhere; }
th { background: var(--panel); }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: .5rem 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
.label { display: inline-block; min-width: 5.5em; padding: 0 .4em; border-radius: .25em;
  font-weight: 700; font-size: .8em; text-align: center; letter-spacing: .03em; }
.sev-critical { background: var(--crit-bg); color: var(--crit-fg); }
.sev-high { background: var(--high-bg); color: var(--high-fg); }
.sev-medium { background: var(--med-bg); color: var(--med-fg); }
.sev-low { background: var(--low-bg); color: var(--low-fg); }
.sev-info { background: var(--info-bg); color: var(--info-fg); }
details.container { border: 1px solid var(--border); border-radius: .4rem; margin: .5rem 0;
  background: var(--panel); }
details.container > summary { cursor: pointer; padding: .5rem .75rem; }
details.container[open] > summary { border-bottom: 1px solid var(--border); }
.score { display: inline-block; min-width: 2.5em; text-align: right; font-weight: 700;
  font-variant-numeric: tabular-nums; }
.finding { background: var(--bg); border-left: 4px solid var(--border); margin: .75rem;
  padding: .5rem .75rem; }
.finding.sev-border-critical { border-left-color: var(--crit-bg); }
.finding.sev-border-high { border-left-color: var(--high-bg); }
.finding.sev-border-medium { border-left-color: var(--med-bg); }
.finding.sev-border-low { border-left-color: var(--low-bg); }
.finding.sev-border-info { border-left-color: var(--info-bg); }
.finding dl { margin: 0; }
.finding dt { font-weight: 600; margin-top: .4rem; }
.finding dd { margin: 0 0 0 1rem; }
.evidence { white-space: pre-wrap; overflow-wrap: anywhere; }
.none { padding: .5rem .75rem; margin: 0; }
"#;

fn sev_class(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "sev-critical",
        Severity::High => "sev-high",
        Severity::Medium => "sev-medium",
        Severity::Low => "sev-low",
        Severity::Info => "sev-info",
    }
}

fn band_class(b: Band) -> &'static str {
    match b {
        Band::Critical => "sev-critical",
        Band::High => "sev-high",
        Band::Medium => "sev-medium",
        Band::Low => "sev-low",
    }
}

fn sev_label(out: &mut String, s: Severity) {
    w!(
        out,
        r#"<span class="label {}">{}</span>"#,
        sev_class(s),
        s.as_str().to_ascii_uppercase()
    );
}

fn band_label(out: &mut String, b: Band) {
    w!(
        out,
        r#"<span class="label {}">{}</span>"#,
        band_class(b),
        b.as_str().to_ascii_uppercase()
    );
}

fn write_finding(out: &mut String, f: &Finding) {
    w!(
        out,
        "<div class=\"finding sev-border-{}\">\n<h4>",
        f.severity.as_str()
    );
    sev_label(out, f.severity);
    w!(out, " <code>{}</code>", e(&f.id));
    if let Some(cis) = &f.cis {
        w!(out, " <span class=\"muted\">CIS {}</span>", e(cis));
    }
    w!(out, " {}", e(&f.title));
    if f.mitigated {
        out.push_str(" <span class=\"muted\">(mitigated)</span>");
    }
    if f.baseline == Some(crate::risk::BaselineMark::New) {
        out.push_str(" <strong class=\"new\">NEW</strong>");
    }
    if let Some(text) = verdict_rows::acceptance_text(f) {
        w!(out, " <span class=\"muted accepted\">{}</span>", e(&text));
    }
    out.push_str("</h4>\n<dl>\n<dt>Evidence</dt><dd><code class=\"evidence\">");
    push_escaped_html(out, &f.evidence);
    out.push_str("</code></dd>\n<dt>Why it matters</dt><dd>");
    push_escaped_html(out, &f.technique);
    out.push_str("</dd>\n<dt>Fix</dt><dd>");
    push_escaped_html(out, &f.fix);
    out.push_str("</dd>\n</dl>\n</div>\n");
}

fn write_counts_severity(out: &mut String, counts: &[(Severity, usize)]) {
    for (i, (s, n)) in counts.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        sev_label(out, *s);
        w!(out, " {n}");
    }
}

fn worst_cell(out: &mut String, c: &ContainerReport) {
    match worst_finding(&c.findings) {
        Some(f) => {
            sev_label(out, f.severity);
            w!(out, " <code>{}</code> {}", e(&f.id), e(&f.title));
        }
        None => out.push_str("<span class=\"muted\">none</span>"),
    }
}

fn write_summary(out: &mut String, h: &HostReport) {
    w!(
        out,
        "<section class=\"host\">\n<h3>{} <span class=\"muted\">{}</span></h3>\n<dl class=\"facts\">\n",
        e(host_label(h)),
        e(&h.endpoint)
    );
    let eng = &h.engine;
    w!(out, "<dt>Engine</dt><dd>{}</dd>\n", e(&engine_line(eng)));
    for (label, value) in runtime_facts(eng) {
        w!(out, "<dt>{label}</dt><dd>{}</dd>\n", e(&value));
    }
    w!(
        out,
        "<dt>Kernel</dt><dd>{}</dd>\n",
        e(or_unknown(&eng.kernel))
    );
    w!(
        out,
        "<dt>Daemon posture</dt><dd><span class=\"score\">{}</span>/100 ",
        h.posture.score
    );
    band_label(out, h.posture.band);
    w!(
        out,
        "</dd>\n<dt>Containers</dt><dd>{} total:",
        h.containers.len()
    );
    for (b, n) in band_counts(h) {
        out.push(' ');
        band_label(out, b);
        w!(out, " {n}");
    }
    out.push_str("</dd>\n<dt>Findings</dt><dd>");
    write_counts_severity(out, &host_severity_counts(h));
    out.push_str("</dd>\n");
    if !h.unread.is_empty() {
        w!(out, "<dt>Not read ({})</dt><dd><ul>", h.unread.len());
        for u in &h.unread {
            w!(out, "<li>{}</li>", e(&u.line()));
        }
        out.push_str("</ul></dd>\n");
    }
    out.push_str("</dl>\n");

    let worst = containers_worst_first(h);
    if worst.is_empty() {
        out.push_str("<p class=\"muted\">No containers.</p>\n</section>\n");
        return;
    }
    out.push_str(
        "<table>\n<caption>Worst containers</caption>\n<thead><tr><th>Score</th><th>Band</th>\
         <th>Container</th><th>Image</th><th>State</th><th>Findings</th><th>Worst finding</th>\
         </tr></thead>\n<tbody>\n",
    );
    for c in worst.iter().take(TOP_N) {
        w!(out, "<tr><td class=\"num\">{}</td><td>", c.score);
        band_label(out, c.band);
        w!(
            out,
            "</td><td>{}</td><td><code>{}</code></td><td>{}</td><td class=\"num\">{}</td><td>",
            e(&c.name),
            e(&c.image),
            e(&c.state),
            c.findings.len()
        );
        worst_cell(out, c);
        out.push_str("</td></tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

fn write_containers(out: &mut String, h: &HostReport) {
    w!(
        out,
        "<section class=\"containers\">\n<h2>Containers on {} <span class=\"muted\">{}</span></h2>\n",
        e(host_label(h)),
        e(&h.endpoint)
    );
    let cs = containers_worst_first(h);
    if cs.is_empty() {
        out.push_str("<p class=\"muted\">No containers.</p>\n");
    }
    for c in cs {
        let open = if c.band == Band::Critical {
            " open"
        } else {
            ""
        };
        w!(
            out,
            "<details class=\"container\"{open}>\n<summary><span class=\"score\">{}</span> ",
            c.score
        );
        band_label(out, c.band);
        let short_id: String = c.id.chars().take(12).collect();
        w!(
            out,
            " <strong>{}</strong> <span class=\"muted\"><code>{}</code> · {} · {} · {} finding(s)</span></summary>\n",
            e(&c.name),
            e(&c.image),
            e(&c.state),
            e(&short_id),
            c.findings.len()
        );
        if c.findings.is_empty() {
            out.push_str("<p class=\"none muted\">No findings.</p>\n");
        }
        for f in findings_worst_first(&c.findings) {
            write_finding(out, f);
        }
        out.push_str("</details>\n");
    }
    out.push_str("</section>\n");
}

fn write_posture(out: &mut String, h: &HostReport) {
    w!(
        out,
        "<section class=\"posture\">\n<h2>Host posture: {} <span class=\"muted\">{}</span> \
         <span class=\"score\">{}</span>/100 ",
        e(host_label(h)),
        e(&h.endpoint),
        h.posture.score
    );
    band_label(out, h.posture.band);
    out.push_str("</h2>\n");
    if h.posture.findings.is_empty() {
        out.push_str("<p class=\"muted\">No findings.</p>\n");
    }
    for f in findings_worst_first(&h.posture.findings) {
        write_finding(out, f);
    }
    out.push_str("</section>\n");
}

fn where_cell(container: &str) -> String {
    if container.is_empty() {
        "(host posture)".into()
    } else {
        e(container)
    }
}

const TABLE_HEAD: &str = "<table>\n<tr><th>Severity</th><th>Host</th><th>Container</th><th>Rule</th><th>Title</th></tr>\n";

/// New and resolved since the baseline: shown before everything else.
fn write_changes(out: &mut String, report: &Report) {
    let Some(file) = &report.baseline else {
        return;
    };
    let new = verdict_rows::new_findings(report);
    let resolved = verdict_rows::resolved(report);
    w!(
        out,
        "<section id=\"changes\">\n<h2>Changes since baseline</h2>\n<p>Compared with <code>{}</code>: {} new finding(s), {} resolved.</p>\n",
        e(file),
        new.len(),
        resolved.len()
    );
    if !new.is_empty() {
        out.push_str("<h3>New</h3>\n");
        out.push_str(TABLE_HEAD);
        for r in &new {
            out.push_str("<tr><td>");
            sev_label(out, r.finding.severity);
            w!(
                out,
                "</td><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>\n",
                e(host_label(r.host)),
                where_cell(r.container),
                e(&r.finding.id),
                e(&r.finding.title)
            );
        }
        out.push_str("</table>\n");
    }
    if !resolved.is_empty() {
        out.push_str("<h3>Resolved</h3>\n");
        out.push_str(TABLE_HEAD);
        for (h, r) in &resolved {
            w!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>\n",
                e(&r.severity.to_ascii_uppercase()),
                e(host_label(h)),
                where_cell(&r.container),
                e(&r.rule),
                e(&r.title)
            );
        }
        out.push_str("</table>\n");
    }
    out.push_str("</section>\n");
}

/// Accepted risks: every accepted finding, then entries that expired or match nothing.
fn write_accepted(out: &mut String, report: &Report) {
    if report.acceptances.is_empty() {
        return;
    }
    out.push_str(
        "<section id=\"accepted\">\n<h2>Accepted risks</h2>\n<p class=\"muted\">Accepted findings \
         stay in the report and in the score (accepted risk is still risk); they do not count \
         toward --fail-on until they expire.</p>\n",
    );
    let rows = verdict_rows::accepted(report);
    if !rows.is_empty() {
        out.push_str(
            "<table>\n<tr><th>Severity</th><th>Container</th><th>Rule</th><th>Owner</th><th>Expires</th><th>Reason</th></tr>\n",
        );
        for r in &rows {
            let Some(a) = &r.finding.acceptance else {
                continue;
            };
            out.push_str("<tr><td>");
            sev_label(out, r.finding.severity);
            w!(
                out,
                "</td><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}{}</td><td>{}</td></tr>\n",
                where_cell(r.container),
                e(&r.finding.id),
                e(&a.owner),
                e(&a.expires),
                if a.expired { " (EXPIRED)" } else { "" },
                e(&a.reason)
            );
        }
        out.push_str("</table>\n");
    }
    let notes: Vec<_> = report
        .acceptances
        .iter()
        .filter(|a| a.status != super::AcceptanceState::Active)
        .collect();
    if !notes.is_empty() {
        out.push_str("<ul>\n");
        for a in notes {
            w!(
                out,
                "<li><strong>{}</strong>: {} <code>{}</code> ({}), expires {}</li>\n",
                a.status.as_str(),
                e(&a.source),
                e(&a.rule),
                e(&a.selector),
                e(&a.expires)
            );
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</section>\n");
}

/// Render the report as one self-contained HTML page.
pub fn render_html(report: &Report) -> String {
    let n: usize = report
        .hosts
        .iter()
        .map(|h| h.containers.len())
        .sum::<usize>()
        + report.all_findings().count();
    let mut out = String::with_capacity(STYLE.len() + 4096 + n * 768);
    out.push_str(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"color-scheme\" content=\"light dark\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n",
    );
    w!(
        out,
        "<title>seawall report {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        e(&report.generated_at)
    );
    let endpoints = report
        .hosts
        .iter()
        .map(|h| format!("<code>{}</code>", e(&h.endpoint)))
        .collect::<Vec<_>>()
        .join(", ");
    w!(
        out,
        "<header>\n<h1>seawall report</h1>\n<p class=\"muted\">Generated <time>{}</time> by seawall {} · Endpoints: {}</p>\n</header>\n<main>\n",
        e(&report.generated_at),
        e(report.tool_version),
        if endpoints.is_empty() {
            "none".to_string()
        } else {
            endpoints
        }
    );

    write_changes(&mut out, report);
    let containers: usize = report.hosts.iter().map(|h| h.containers.len()).sum();
    w!(
        out,
        "<section id=\"summary\">\n<h2>Summary</h2>\n<p>{} host(s), {containers} container(s). Findings: ",
        report.hosts.len()
    );
    write_counts_severity(&mut out, &report.severity_counts());
    out.push_str("</p>\n");
    for h in &report.hosts {
        write_summary(&mut out, h);
    }
    out.push_str("</section>\n");
    write_accepted(&mut out, report);
    for h in &report.hosts {
        write_containers(&mut out, h);
    }
    for h in &report.hosts {
        write_posture(&mut out, h);
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::{HOSTILE_NAME, sample_report};

    #[test]
    fn escape_html_escapes_the_five() {
        assert_eq!(
            escape_html(HOSTILE_NAME),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(
            escape_html(r#"a & b < c > d " e ' f"#),
            "a &amp; b &lt; c &gt; d &quot; e &#39; f"
        );
        assert_eq!(escape_html("x\u{1b}y\nz"), "x\\ey\nz");
        assert_eq!(escape_html("a\u{202e}b\u{9b}"), "a\\u{202e}b\\u{9b}");
        assert_eq!(escape_html("plain ü"), "plain ü");
    }

    #[test]
    fn hostile_container_name_is_escaped_everywhere() {
        let html = render_html(&sample_report());
        assert!(!html.contains(HOSTILE_NAME));
        assert!(!html.contains("<script"));
        assert!(!html.contains("<b>"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("&lt;b&gt;tag&lt;/b&gt; &amp; &#39;quotes&#39; &quot;double&quot;"));
    }

    #[test]
    fn self_contained_and_themed() {
        let html = render_html(&sample_report());
        for banned in [
            "http://", "https://", "<link", "<script", "<img", "src=", "@import", "url(", "<iframe",
        ] {
            assert!(!html.contains(banned), "HTML must not contain {banned}");
        }
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("<style>"));
        assert!(html.contains("prefers-color-scheme: dark"));
        assert!(html.contains("default-src 'none'"));
        assert!(html.trim_end().ends_with("</html>"));
    }

    #[test]
    fn structure_summary_first_and_details_per_container() {
        let r = sample_report();
        let html = render_html(&r);
        assert_eq!(
            html.matches("<details").count(),
            r.hosts[0].containers.len()
        );
        assert_eq!(
            html.matches("</details>").count(),
            r.hosts[0].containers.len()
        );
        let summary = html.find("<h2>Summary</h2>").unwrap();
        let containers = html.find("<h2>Containers on").unwrap();
        let posture = html.find("<h2>Host posture").unwrap();
        assert!(summary < containers && containers < posture);
        // Severity is readable as text.
        assert!(html.contains(">CRITICAL</span> <code>SW-PRIV-001</code> <span class=\"muted\">CIS 5.5</span> Container runs privileged"));
        assert!(html.contains(">MEDIUM</span> <code>SW-MEM-001</code> No memory limit"));
        for label in ["Evidence", "Why it matters", "Fix"] {
            assert_eq!(
                html.matches(&format!("<dt>{label}</dt>")).count(),
                r.all_findings().count()
            );
        }
        for fact in [
            "27.3.1 (API 1.47, linux)",
            "1.1.14",
            "1.7.22",
            "6.8.0-45-generic",
        ] {
            assert!(html.contains(fact), "{fact}");
        }
        // Worst container first.
        assert!(
            html.find("<strong>db-privileged</strong>").unwrap()
                < html.find("<strong>clean-app</strong>").unwrap()
        );
        // Balanced tags for the main structure.
        for tag in [
            "section", "table", "dl", "div", "code", "span", "h2", "h3", "h4",
        ] {
            let open = html.matches(&format!("<{tag}>")).count()
                + html.matches(&format!("<{tag} ")).count();
            let close = html.matches(&format!("</{tag}>")).count();
            assert_eq!(open, close, "<{tag}> balanced");
        }
    }
}
