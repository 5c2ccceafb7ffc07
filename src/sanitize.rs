//! Untrusted text: every string that comes from a container or a daemon (names, labels, env,
//! argv, exec command lines, file paths, network names, versions, error messages that quote
//! them) reaches an output only through the sanitizer of that output.
//!
//! What is dangerous, [`is_unsafe`]:
//! - C0 control characters (U+0000-U+001F), DEL (U+007F) and C1 control characters
//!   (U+0080-U+009F): they drive terminals (`ESC ]2;title BEL` retitles a window,
//!   `ESC [2J` clears it, a bare `CSI` U+009B does the same on some terminals, CR rewrites a
//!   line);
//! - bidirectional formatting characters (U+061C, U+200E, U+200F, the overrides and
//!   embeddings U+202A-U+202E, the isolates U+2066-U+2069): they reorder what is shown
//!   ("Trojan Source": `evil\u{202e}txt.sh` reads as `evilhs.txt`);
//! - invisible characters that hide text: U+200B (zero-width space), U+2028/U+2029 (line and
//!   paragraph separators), U+2060-U+2064, the deprecated formats U+206A-U+206F, U+FEFF,
//!   the interlinear annotations U+FFF9-U+FFFB, U+180E and the tag characters
//!   U+E0000-U+E007F ("ASCII smuggling").
//!
//! Zero-width joiners and non-joiners (U+200C, U+200D) stay: scripts and emoji need them
//! and they cannot reorder or hide text on their own. Every other printable character,
//! ASCII or not, is kept as it is. A backslash is kept too, so `\e` in the output is either
//! an escaped ESC or the two characters the data held; either way nothing reaches the
//! terminal that could drive it.
//!
//! How an unsafe character is shown, [`push_escape`]: ESC as `\e`; newline, carriage
//! return and tab as `\n`, `\r`, `\t`; another C0 character or DEL as `\x07`, `\x7f`; any
//! other as `\u{9b}`, `\u{202e}` (lower-case hex, Rust notation).
//!
//! The sinks:
//! - [`terminal_line`]: one line of a terminal (console cells and titles, `seawall watch
//!   --format text`, the scan's table, status and error messages, log lines). Newlines and
//!   tabs are escaped too: a line cannot be broken or padded by the data.
//! - [`terminal_text`]: a block that may span lines (the console's word-wrapped texts):
//!   `\n` and `\t` are kept as layout; `\r` and everything else unsafe is escaped.
//! - [`html`]: HTML text and attribute values: `& < > " '` as entities, unsafe characters
//!   escaped visibly (newlines and tabs kept as whitespace).
//! - Markdown (`report::markdown`) backslash-escapes its punctuation and shows unsafe
//!   characters with [`push_escape`] as well.
//! - JSON and SARIF stay JSON: serde escapes control characters (`\u001b`); a JSON reader
//!   gets the exact value, so nothing is changed there.
//!
//! Evidence `logs.txt` is the one exception: it is kept byte-exact for forensics (its
//! manifest entry says so) and is never printed to a terminal.
//!
//! Every function returns a `Cow`: clean text (the common case) is borrowed, not copied.

use std::borrow::Cow;
use std::fmt;

mod pretty_json;

/// Is `c` a character that must not reach an output as it is?
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_bidi(c) || is_invisible(c)
}

/// Bidirectional formatting characters: marks, embeddings, overrides, isolates.
pub fn is_bidi(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Invisible characters that can hide or split text (see the module comment).
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{180E}'
            | '\u{200B}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{2060}'..='\u{2064}'
            | '\u{206A}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E0000}'..='\u{E007F}'
    )
}

/// Append the visible form of `c`: `\e`, `\n`, `\r`, `\t`, `\x07`, `\u{202e}`.
pub fn push_escape(out: &mut String, c: char) {
    use fmt::Write as _;
    match c {
        '\u{1b}' => out.push_str("\\e"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if (c as u32) < 0x20 || c == '\u{7f}' => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
}

/// How a sink treats line breaks and tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Breaks {
    /// Escaped: the output is one line.
    Escape,
    /// `\n` and `\t` kept as layout (`\r` is still escaped).
    Keep,
}

fn needs(c: char, breaks: Breaks) -> bool {
    match (c, breaks) {
        ('\n' | '\t', Breaks::Keep) => false,
        (c, _) => is_unsafe(c),
    }
}

/// The byte offset of the first character to escape, if any.
fn first_unsafe(s: &str, breaks: Breaks) -> Option<usize> {
    // Printable ASCII is the common case: one byte test each.
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return None;
    }
    s.char_indices()
        .find(|&(_, c)| needs(c, breaks))
        .map(|(i, _)| i)
}

fn escape_from(s: &str, start: usize, breaks: Breaks) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    out.push_str(&s[..start]);
    for c in s[start..].chars() {
        if needs(c, breaks) {
            push_escape(&mut out, c);
        } else {
            out.push(c);
        }
    }
    out
}

fn sanitize(s: &str, breaks: Breaks) -> Cow<'_, str> {
    match first_unsafe(s, breaks) {
        None => Cow::Borrowed(s),
        Some(i) => Cow::Owned(escape_from(s, i, breaks)),
    }
}

/// One line of terminal output: every unsafe character, newlines and tabs included, shown
/// escaped.
pub fn terminal_line(s: &str) -> Cow<'_, str> {
    sanitize(s, Breaks::Escape)
}

/// A block of terminal text: `\n` and `\t` kept as layout, every other unsafe character
/// (`\r` included) shown escaped.
pub fn terminal_text(s: &str) -> Cow<'_, str> {
    sanitize(s, Breaks::Keep)
}

/// [`terminal_line`] of a `Cow` without copying what is already clean (for ratatui spans).
pub fn terminal_line_cow(s: Cow<'_, str>) -> Cow<'_, str> {
    match s {
        Cow::Borrowed(b) => terminal_line(b),
        Cow::Owned(o) => match first_unsafe(&o, Breaks::Escape) {
            None => Cow::Owned(o),
            Some(i) => Cow::Owned(escape_from(&o, i, Breaks::Escape)),
        },
    }
}

/// Is `s` already fit for one line of a terminal?
pub fn is_terminal_safe(s: &str) -> bool {
    first_unsafe(s, Breaks::Escape).is_none()
}

/// Append `s` for HTML text or an attribute value: `& < > " '` as entities, unsafe
/// characters shown escaped (`\e`, `\u{202e}`); newlines and tabs kept as whitespace.
pub fn push_html(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if needs(c, Breaks::Keep) => push_escape(out, c),
            c => out.push(c),
        }
    }
}

/// `s` for HTML (see [`push_html`]); borrowed when nothing needs escaping.
pub fn html(s: &str) -> Cow<'_, str> {
    let clean = s
        .chars()
        .all(|c| !matches!(c, '&' | '<' | '>' | '"' | '\'') && !needs(c, Breaks::Keep));
    if clean {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    push_html(&mut out, s);
    Cow::Owned(out)
}

/// A serde_json formatter around another (compact or pretty) that also writes the unsafe
/// characters serde_json leaves as they are (C1 controls such as U+009B, bidi and
/// invisible characters) as `\uXXXX` escapes: the same JSON value, and JSON that is safe
/// on a terminal (`seawall watch` prints NDJSON to one by default, `scan --format json`
/// may be).
#[derive(Debug, Clone, Default)]
pub struct SafeJson<F>(pub F);

macro_rules! delegate {
    ($($name:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $name<W>(&mut self, writer: &mut W $(, $arg: $ty)*) -> std::io::Result<()>
        where
            W: ?Sized + std::io::Write,
        {
            self.0.$name(writer $(, $arg)*)
        }
    )*};
}

impl<F: serde_json::ser::Formatter> serde_json::ser::Formatter for SafeJson<F> {
    delegate! {
        begin_array();
        end_array();
        begin_array_value(first: bool);
        end_array_value();
        begin_object();
        end_object();
        begin_object_key(first: bool);
        end_object_key();
        begin_object_value();
        end_object_value();
    }

    fn write_string_fragment<W>(&mut self, writer: &mut W, fragment: &str) -> std::io::Result<()>
    where
        W: ?Sized + std::io::Write,
    {
        // Fast path: printable ASCII (serde_json has already escaped C0 controls) is safe.
        if below_del(fragment.as_bytes()) {
            return writer.write_all(fragment.as_bytes());
        }
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if is_unsafe(c) {
                writer.write_all(&fragment.as_bytes()[start..i])?;
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    write!(writer, "\\u{u:04x}")?;
                }
                start = i + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }
}

/// Are all bytes below 0x7f (ASCII without DEL)? Eight bytes at a time: a byte is 0x7f or
/// more when its high bit is set, or becomes set by adding one (no carry can cross into
/// the next byte unless this one already has the high bit).
#[inline]
fn below_del(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut words = bytes.chunks_exact(8);
    let mut acc = 0;
    for w in &mut words {
        let w = u64::from_le_bytes(w.try_into().unwrap_or([0; 8]));
        acc |= w | w.wrapping_add(ONES);
    }
    acc & HIGH == 0 && words.remainder().iter().all(|&b| b < 0x7f)
}

fn to_json_with<T, F>(value: &T, formatter: F) -> serde_json::Result<String>
where
    T: serde::Serialize + ?Sized,
    F: serde_json::ser::Formatter,
{
    let mut out = Vec::with_capacity(256);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, SafeJson(formatter));
    value.serialize(&mut ser)?;
    // The formatter writes valid UTF-8 (whole fragments and ASCII escapes).
    Ok(String::from_utf8(out).unwrap_or_default())
}

/// `value` as one line of JSON through [`SafeJson`].
pub fn to_json_line<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    to_json_with(value, serde_json::ser::CompactFormatter)
}

/// Write `value` as pretty JSON: the bytes of `serde_json::to_writer_pretty` through
/// [`SafeJson`], written faster (see [`pretty_json`]).
pub fn write_json_pretty<W, T>(writer: W, value: &T) -> serde_json::Result<()>
where
    W: std::io::Write,
    T: serde::Serialize + ?Sized,
{
    pretty_json::write(writer, value)
}

/// `value` as pretty JSON (two-space indent, like `serde_json::to_string_pretty`) through
/// [`SafeJson`].
pub fn to_json_pretty<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    let mut out = Vec::with_capacity(256);
    pretty_json::write(&mut out, value)?;
    // Whole strings and ASCII escapes: valid UTF-8.
    Ok(String::from_utf8(out).unwrap_or_default())
}

/// Display adaptor: `format!("isolated {}", Terminal(&name))` writes [`terminal_line`].
#[derive(Debug, Clone, Copy)]
pub struct Terminal<'a>(pub &'a str);

impl fmt::Display for Terminal<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&terminal_line(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_text_is_borrowed_and_unchanged() {
        for s in [
            "",
            "web-1",
            "sh -c 'id'",
            "日本語 ü café",
            "👩‍💻 a\u{200d}b",
            "C:\\path",
        ] {
            assert!(matches!(terminal_line(s), Cow::Borrowed(_)), "{s:?}");
            assert_eq!(terminal_line(s), s);
            assert!(matches!(terminal_text(s), Cow::Borrowed(_)));
            assert!(is_terminal_safe(s));
        }
        assert!(matches!(html("plain ü"), Cow::Borrowed(_)));
    }

    #[test]
    fn terminal_escapes_are_visible() {
        assert_eq!(
            terminal_line("echo \u{1b}]2;PWNED\u{7}\u{1b}[2J"),
            "echo \\e]2;PWNED\\x07\\e[2J"
        );
        assert_eq!(terminal_line("a\nb\r\tc\u{7f}"), "a\\nb\\r\\tc\\x7f");
        assert_eq!(terminal_line("\u{9b}31m"), "\\u{9b}31m");
        assert_eq!(terminal_line("evil\u{202e}txt.sh"), "evil\\u{202e}txt.sh");
        assert_eq!(
            terminal_line("\u{2066}\u{2069}\u{200e}\u{61c}"),
            "\\u{2066}\\u{2069}\\u{200e}\\u{61c}"
        );
        assert_eq!(
            terminal_line("ro\u{200b}ot\u{feff}\u{e0041}"),
            "ro\\u{200b}ot\\u{feff}\\u{e0041}"
        );
        assert_eq!(terminal_line("\0"), "\\x00");
        assert_eq!(Terminal("x\u{1b}").to_string(), "x\\e");
    }

    #[test]
    fn text_keeps_newlines_and_tabs_only() {
        assert_eq!(terminal_text("a\nb\tc"), "a\nb\tc");
        assert_eq!(terminal_text("a\r\nb\u{1b}"), "a\\r\nb\\e");
    }

    #[test]
    fn owned_cows_are_reused_when_clean() {
        let c = terminal_line_cow(Cow::Owned("abc".to_string()));
        assert!(matches!(c, Cow::Owned(ref s) if s == "abc"));
        assert_eq!(
            terminal_line_cow(Cow::Owned("a\u{7}".to_string())),
            "a\\x07"
        );
        assert!(matches!(
            terminal_line_cow(Cow::Borrowed("x")),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn html_escapes_markup_and_controls() {
        assert_eq!(
            html("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(html("x\u{1b}y\nz\u{202e}"), "x\\ey\nz\\u{202e}");
    }

    #[test]
    fn json_lines_escape_what_serde_leaves_raw() {
        let v = serde_json::json!({ "d": "a\u{1b}b\u{9b}c\u{202e}d\u{e0041}ü\n" });
        let line = to_json_line(&v).unwrap();
        assert_eq!(line, r#"{"d":"a\u001bb\u009bc\u202ed\udb40\udc41ü\n"}"#);
        let back: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(back, v);
        assert!(is_terminal_safe(&line));
        let pretty = to_json_pretty(&v).unwrap();
        assert_eq!(
            pretty,
            serde_json::to_string_pretty(&v)
                .unwrap()
                .replace('\u{9b}', "\\u009b")
                .replace('\u{202e}', "\\u202e")
                .replace('\u{e0041}', "\\udb40\\udc41")
        );
        let nested = serde_json::json!({"a": [1, {"b": "x\u{2066}"}], "c": {}});
        assert_eq!(
            to_json_pretty(&nested).unwrap(),
            serde_json::to_string_pretty(&nested)
                .unwrap()
                .replace('\u{2066}', "\\u2066")
        );
    }

    #[test]
    fn pretty_is_serde_jsons_pretty_byte_for_byte() {
        let mut deep = serde_json::json!({"leaf": [1, "x", null, {}, []]});
        for i in 0..80 {
            deep = if i % 2 == 0 {
                serde_json::json!([deep, {"k": i}, []])
            } else {
                serde_json::json!({"a": deep, "b": {}, "c": [true, 1.5]})
            };
        }
        for v in [
            deep,
            serde_json::json!([]),
            serde_json::json!({}),
            serde_json::json!("s"),
            serde_json::json!({"a": {"b": {"c": []}}, "d": [[], [{}]]}),
        ] {
            assert_eq!(
                to_json_pretty(&v).unwrap(),
                serde_json::to_string_pretty(&v).unwrap()
            );
        }
    }

    #[test]
    fn below_del_agrees_with_the_byte_test() {
        let mut cases: Vec<Vec<u8>> = vec![Vec::new(), b"plain text of some length".to_vec()];
        for len in [1, 7, 8, 9, 16, 23] {
            for pos in 0..len {
                for b in [0x00, 0x1f, 0x20, 0x7e, 0x7f, 0x80, 0xc3, 0xfe, 0xff] {
                    let mut v = vec![b'a'; len];
                    v[pos] = b;
                    cases.push(v);
                }
            }
        }
        for v in cases {
            assert_eq!(below_del(&v), v.iter().all(|&b| b < 0x7f), "{v:x?}");
        }
    }

    #[test]
    fn sanitizing_twice_changes_nothing() {
        let s = "a\u{1b}[1m\u{202e}\n\u{9b}";
        let once = terminal_line(s).into_owned();
        assert_eq!(terminal_line(&once), once);
        assert!(is_terminal_safe(&once));
    }
}
