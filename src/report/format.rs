//! Output formats and the one pure entry point, `render`.

use super::{Report, html, json, markdown, sarif, table};

/// A report format. `table` is the terminal default of `seawall scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Format {
    #[default]
    Table,
    Json,
    Sarif,
    Markdown,
    Html,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::Table,
        Format::Json,
        Format::Sarif,
        Format::Markdown,
        Format::Html,
    ];

    /// The canonical name, as accepted by `--format`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Markdown => "markdown",
            Format::Html => "html",
        }
    }

    /// The usual file extension (without the dot) for a file in this format.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Table => "txt",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Markdown => "md",
            Format::Html => "html",
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown `--format` name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown report format '{0}' (expected table, json, sarif, markdown (md) or html)")]
pub struct ParseFormatError(pub String);

impl std::str::FromStr for Format {
    type Err = ParseFormatError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "table" => Ok(Format::Table),
            "json" => Ok(Format::Json),
            "sarif" => Ok(Format::Sarif),
            "markdown" | "md" => Ok(Format::Markdown),
            "html" => Ok(Format::Html),
            _ => Err(ParseFormatError(s.to_string())),
        }
    }
}

/// Render a report. Pure: no IO, no clock, no environment. The table is rendered without
/// color at 80 columns; use [`table::render_table_width`] for color or another width.
pub fn render(report: &Report, format: Format) -> Vec<u8> {
    match format {
        Format::Table => table::render_table(report, false).into_bytes(),
        Format::Json => json::render_json(report).into_bytes(),
        Format::Sarif => sarif::render_sarif(report).into_bytes(),
        Format::Markdown => markdown::render_markdown(report).into_bytes(),
        Format::Html => html::render_html(report).into_bytes(),
    }
}

/// Write a report to `out`. JSON and SARIF are streamed in 64 KiB chunks: no copy of the
/// whole document is held in memory (that copy was most of a large scan's peak), and the
/// bytes are exactly those of [`render`].
pub fn write_report(
    report: &Report,
    format: Format,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Json => {
            // As `render`: C1, bidi and invisible characters as `\uXXXX`. The JSON writer
            // hands its bytes on in large chunks itself.
            crate::sanitize::write_json_pretty(&mut *out, report).map_err(std::io::Error::from)?;
            out.write_all(b"\n")?;
        }
        Format::Sarif => sarif::write_sarif(report, &mut *out)?,
        other => out.write_all(&render(report, other))?,
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::sample_report;

    #[test]
    fn names_round_trip() {
        for f in Format::ALL {
            assert_eq!(f.to_string().parse::<Format>(), Ok(f));
        }
        assert_eq!("md".parse::<Format>(), Ok(Format::Markdown));
        assert_eq!("JSON".parse::<Format>(), Ok(Format::Json));
        let err = "xml".parse::<Format>().unwrap_err();
        assert!(err.to_string().contains("'xml'"));
        assert_eq!(Format::default(), Format::Table);
    }

    #[test]
    fn every_format_renders_non_empty_utf8() {
        let r = sample_report();
        for f in Format::ALL {
            let bytes = render(&r, f);
            assert!(!bytes.is_empty(), "{f} is empty");
            let text = String::from_utf8(bytes).expect("utf-8");
            assert!(text.ends_with('\n'), "{f} ends with a newline");
            // Pure: the same input gives the same bytes.
            assert_eq!(text.as_bytes(), render(&r, f).as_slice());
        }
    }

    #[test]
    fn streaming_writes_the_same_bytes_as_render() {
        let mut r = sample_report();
        // Hostile text too: the streamed JSON escapes it exactly as the rendered one.
        r.hosts[0].name = "host\u{202e}\u{9b}x".into();
        for f in Format::ALL {
            let mut streamed = Vec::new();
            write_report(&r, f, &mut streamed).unwrap();
            assert_eq!(streamed, render(&r, f), "{f}");
        }
    }

    #[test]
    fn fast_at_500_containers() {
        let r = crate::report::test_support::big_report(500);
        let start = std::time::Instant::now();
        for f in Format::ALL {
            let bytes = render(&r, f);
            assert!(bytes.len() > 500);
        }
        // Generous bound for unoptimized test builds on a busy machine.
        let elapsed = start.elapsed();
        assert!(elapsed.as_secs_f64() < 5.0, "rendering took {elapsed:?}");
    }
}
