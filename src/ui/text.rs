//! Text helpers shared by the widgets: display widths, truncation with `…`, word wrapping,
//! and the short labels that keep severity and state readable without color.
//!
//! These helpers are also the console's sanitizer (the choke point for untrusted text, see
//! `crate::sanitize`): [`fit`], [`pad`], [`truncate`], [`safe_line`] show control, bidi and
//! invisible characters escaped on one line (`\e`, `\x07`, `\n`, `\u{202e}`), [`wrap`] and
//! [`wrap_hanging`] keep newlines as line breaks and escape the rest, and [`width`] measures
//! the escaped form. `ui::pane` titles and the last step of every pane's row go through
//! them, and `ui::render` ends with a guard over the whole buffer.

use crate::model::{ContainerFacts, ContainerState};
use crate::risk::{Band, Severity};
use crate::sanitize;
use ratatui::text::{Line, Span};
use std::borrow::Cow;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The ellipsis that marks cut text.
pub const ELLIPSIS: char = '…';

/// Display width of a string in terminal columns, as drawn (escapes included).
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(sanitize::terminal_line(s).as_ref())
}

/// Cut `s` to at most `max` columns, ending in `…` when something was cut. Unsafe
/// characters are shown escaped first.
pub fn truncate(s: &str, max: usize) -> Cow<'_, str> {
    let s = sanitize::terminal_line(s);
    if UnicodeWidthStr::width(s.as_ref()) <= max {
        return s;
    }
    if max == 0 {
        return Cow::Borrowed("");
    }
    let mut out = prefix(&s, max - 1);
    out.push(ELLIPSIS);
    Cow::Owned(out)
}

/// An image reference in at most `max` columns: whole when it fits, else from its last path
/// component, the image's own name (`registry.example.com/team/app:1.2` -> `app:1.2`,
/// cut with `…` when still too long). Unsafe characters are shown escaped first.
pub fn image_label(image: &str, max: usize) -> Cow<'_, str> {
    if width(image) <= max {
        return truncate(image, max);
    }
    let name = image.rsplit('/').next().unwrap_or(image);
    truncate(name, max)
}

/// `s` cut or padded with spaces to exactly `w` columns.
pub fn pad(s: &str, w: usize) -> String {
    let t = truncate(s, w);
    let fill = w.saturating_sub(UnicodeWidthStr::width(t.as_ref()));
    let mut out = String::with_capacity(t.len() + fill);
    out.push_str(&t);
    out.extend(std::iter::repeat_n(' ', fill));
    out
}

/// The longest prefix of `s` that fits in `max` columns.
fn prefix(s: &str, max: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > max {
            break;
        }
        used += w;
        out.push(c);
    }
    out
}

/// A span with its text fit for one terminal line (clean text is not copied).
pub fn safe_span(span: Span<'_>) -> Span<'_> {
    let Span { style, content } = span;
    Span {
        style,
        content: sanitize::terminal_line_cow(content),
    }
}

/// A line whose spans are fit for one terminal line (see [`safe_span`]).
pub fn safe_line(line: Line<'_>) -> Line<'_> {
    if line
        .spans
        .iter()
        .all(|s| sanitize::is_terminal_safe(&s.content))
    {
        return line;
    }
    let Line {
        spans,
        style,
        alignment,
    } = line;
    let mut l = Line::from(spans.into_iter().map(safe_span).collect::<Vec<_>>()).style(style);
    l.alignment = alignment;
    l
}

/// Cut a styled line to `max` columns, ending in `…` when something was cut; unsafe
/// characters are shown escaped first ([`safe_line`]).
pub fn fit(line: Line<'_>, max: usize) -> Line<'_> {
    let line = safe_line(line);
    if line.width() <= max {
        return line;
    }
    let Line {
        spans,
        style,
        alignment,
    } = line;
    let mut out: Vec<Span<'_>> = Vec::with_capacity(spans.len());
    if max > 0 {
        // Keep one column for the mark.
        let budget = max - 1;
        let mut used = 0;
        for span in spans {
            let w = span.width();
            if used + w <= budget {
                used += w;
                out.push(span);
                continue;
            }
            let mut cut = prefix(&span.content, budget - used);
            cut.push(ELLIPSIS);
            out.push(Span::styled(cut, span.style));
            break;
        }
    }
    let mut l = Line::from(out).style(style);
    l.alignment = alignment;
    l
}

/// Greedy word wrap to `width` columns; words longer than a line are split.
pub fn wrap(text: &str, width_max: usize) -> Vec<String> {
    wrap_hanging(text, width_max, width_max)
}

/// Word wrap where the first line has `first` columns and the others `rest` (for text
/// that follows a label on its first line). Newlines break lines; other unsafe characters
/// are shown escaped.
pub fn wrap_hanging(text: &str, first: usize, rest: usize) -> Vec<String> {
    let text = sanitize::terminal_text(text);
    let (first, rest) = (first.max(1), rest.max(1));
    let mut lines: Vec<String> = Vec::new();
    let limit = |lines: &Vec<String>| if lines.is_empty() { first } else { rest };
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut line_w = 0;
        for word in paragraph.split_whitespace() {
            let ww = UnicodeWidthStr::width(word);
            let max = limit(&lines);
            if line_w > 0 && line_w + 1 + ww <= max {
                line.push(' ');
                line.push_str(word);
                line_w += 1 + ww;
                continue;
            }
            if line_w > 0 {
                lines.push(std::mem::take(&mut line));
                line_w = 0;
            }
            if ww <= limit(&lines) {
                line.push_str(word);
                line_w = ww;
                continue;
            }
            // Hard-split a word that does not fit on a line of its own.
            for c in word.chars() {
                let cw = c.width().unwrap_or(0);
                if line_w + cw > limit(&lines) && line_w > 0 {
                    lines.push(std::mem::take(&mut line));
                    line_w = 0;
                }
                line.push(c);
                line_w += cw;
            }
        }
        lines.push(line);
    }
    lines
}

/// Four-letter severity label: `CRIT`, `HIGH`, `MED`, `LOW`, `INFO`.
pub fn severity_short(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "CRIT",
        Severity::High => "HIGH",
        Severity::Medium => "MED",
        Severity::Low => "LOW",
        Severity::Info => "INFO",
    }
}

/// Full upper-case severity label: `CRITICAL`, `HIGH`...
pub fn severity_long(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "CRITICAL",
        Severity::High => "HIGH",
        Severity::Medium => "MEDIUM",
        Severity::Low => "LOW",
        Severity::Info => "INFO",
    }
}

/// Band marker next to a score: `CRIT`, `HIGH`, `MED`, `LOW`.
pub fn band_short(b: Band) -> &'static str {
    match b {
        Band::Critical => "CRIT",
        Band::High => "HIGH",
        Band::Medium => "MED",
        Band::Low => "LOW",
    }
}

/// The STATE column's text.
pub fn state_label(s: ContainerState) -> &'static str {
    match s {
        ContainerState::Running => "run",
        ContainerState::Paused => "paused",
        ContainerState::Created => "new",
        ContainerState::Exited => "exited",
        ContainerState::Restarting => "restart",
        ContainerState::Dead => "dead",
        ContainerState::Removing => "rm",
        ContainerState::Unknown => "?",
    }
}

/// A compact duration: `45s`, `12m`, `3h4m`, `3d4h`.
pub fn compact_duration(secs: i64) -> String {
    let secs = secs.max(0);
    let (d, h, m, s) = (
        secs / 86_400,
        secs % 86_400 / 3600,
        secs % 3600 / 60,
        secs % 60,
    );
    if d > 0 {
        format!("{d}d{h}h")
    } else if h > 0 {
        format!("{h}h{m}m")
    } else if m > 0 {
        format!("{m}m")
    } else {
        format!("{s}s")
    }
}

/// Uptime of a live container at `now`, `-` when it is not running or never started.
pub fn uptime(c: &ContainerFacts, now: chrono::DateTime<chrono::Utc>) -> String {
    if !c.state.is_live() {
        return "-".to_string();
    }
    c.started_at
        .as_deref()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .filter(|t| t.timestamp() > 0)
        .map(|t| compact_duration((now - t.with_timezone(&chrono::Utc)).num_seconds()))
        .unwrap_or_else(|| "-".to_string())
}

/// The first sentence of a technique text (for one-line reasons).
pub fn first_sentence(text: &str) -> &str {
    match text.find(". ") {
        Some(i) => &text[..=i],
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncate_marks_cuts() {
        assert_eq!(truncate("abcdef", 6), "abcdef");
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abcdef", 1), "…");
        assert_eq!(truncate("abcdef", 0), "");
        assert_eq!(truncate("日本語", 4), "日…");
        assert_eq!(pad("ab", 4), "ab  ");
        assert_eq!(pad("abcdef", 4), "abc…");
    }

    #[test]
    fn image_labels_keep_the_image_name() {
        assert_eq!(image_label("nginx:1.25", 12), "nginx:1.25");
        assert_eq!(
            image_label("registry.example.com/team/app:1.2", 12),
            "app:1.2"
        );
        assert_eq!(image_label("nicolaka/netshoot:latest", 12), "netshoot:la…");
        assert_eq!(
            image_label("localhost:5000/app@sha256:4f9d2c", 12),
            "app@sha256:…"
        );
        assert_eq!(image_label("a/b", 0), "");
        // Escaped before it is measured and cut: no raw control byte survives.
        let shown = image_label("evil/img\x1b[31m:latest", 12);
        assert!(!shown.contains('\x1b'), "{shown}");
    }

    #[test]
    fn fit_cuts_styled_lines() {
        let l = Line::from(vec![Span::raw("abc"), Span::raw("def")]);
        assert_eq!(fit(l.clone(), 6).to_string(), "abcdef");
        assert_eq!(fit(l.clone(), 5).to_string(), "abcd…");
        assert_eq!(fit(l.clone(), 3).to_string(), "ab…");
        assert_eq!(fit(l, 0).to_string(), "");
    }

    #[test]
    fn wrap_is_greedy_and_splits_long_words() {
        assert_eq!(wrap("a bb ccc dddd", 6), vec!["a bb", "ccc", "dddd"]);
        assert_eq!(wrap("abcdefgh", 3), vec!["abc", "def", "gh"]);
        assert_eq!(wrap("", 3), vec![""]);
        assert_eq!(wrap_hanging("aa bb cc dd", 2, 5), vec!["aa", "bb cc", "dd"]);
    }

    #[test]
    fn untrusted_text_is_shown_escaped_and_measured_as_drawn() {
        let evil = "a\u{1b}]2;x\u{7}\u{202e}b";
        assert_eq!(width(evil), "a\\e]2;x\\x07\\u{202e}b".len());
        assert_eq!(truncate(evil, 40), "a\\e]2;x\\x07\\u{202e}b");
        assert_eq!(truncate(evil, 4), "a\\e…");
        assert_eq!(pad("x\ny", 6), "x\\ny  ");
        let l = Line::from(vec![Span::raw("n="), Span::raw(String::from("w\u{2066}"))]);
        assert_eq!(fit(l.clone(), 40).to_string(), "n=w\\u{2066}");
        assert_eq!(safe_line(l).to_string(), "n=w\\u{2066}");
        assert_eq!(
            wrap("one\u{1b}[2J two\nthree\r", 40),
            vec!["one\\e[2J two", "three\\r"]
        );
        // Clean text is not copied.
        assert!(matches!(truncate("plain", 10), Cow::Borrowed(_)));
        let clean = Line::from("plain");
        assert!(matches!(
            safe_line(clean).spans[0].content,
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn durations() {
        assert_eq!(compact_duration(45), "45s");
        assert_eq!(compact_duration(12 * 60 + 5), "12m");
        assert_eq!(compact_duration(3 * 3600 + 4 * 60), "3h4m");
        assert_eq!(compact_duration(3 * 86_400 + 4 * 3600 + 59), "3d4h");
        assert_eq!(compact_duration(-5), "0s");
    }
}
