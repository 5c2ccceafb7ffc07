//! Export a report of one container (the host's report filtered to it) or of the whole
//! host, in every file format (json, sarif, markdown, html), into `[actions] export_dir`.
//! Files are named `seawall-<host>-<container or "host">-<UTC time>.<ext>`, written
//! atomically with mode 0600; the report model already redacts secrets.

use super::ActionError;
use crate::docker::Endpoint;
use crate::report::{self, Format, HostReport, Report};
use crate::scan::{self, ScanOptions};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The formats an export writes.
pub const FILE_FORMATS: [Format; 4] = [Format::Json, Format::Sarif, Format::Markdown, Format::Html];

/// The first label of a host name, file-name safe (pure).
pub fn host_short(name: &str) -> String {
    let first = name.split('.').next().unwrap_or("");
    let s = super::evidence::safe_name(first);
    if first.is_empty() { "host".into() } else { s }
}

/// `seawall-<host>-<subject>-<YYYYMMDDTHHMMSSZ>.<ext>` (pure).
pub fn file_name(
    host: &str,
    subject: &str,
    time: chrono::DateTime<chrono::Utc>,
    format: Format,
) -> String {
    format!(
        "seawall-{}-{}-{}.{}",
        host_short(host),
        super::evidence::safe_name(subject),
        time.format("%Y%m%dT%H%M%SZ"),
        format.extension()
    )
}

/// Keep only the container whose id is (or starts with) `id` (pure); `None` when absent.
pub fn only_container(mut host: HostReport, id: &str) -> Option<HostReport> {
    host.containers
        .retain(|c| c.id == id || (!id.is_empty() && c.id.starts_with(id)));
    (!host.containers.is_empty()).then_some(host)
}

/// Scan one endpoint and build the report, filtered to `container_id` when given.
pub async fn build_report(
    ep: &Endpoint,
    connect_timeout: Duration,
    container_id: Option<&str>,
) -> Result<Report, ActionError> {
    let opts = ScanOptions {
        connect_timeout,
        ..ScanOptions::default()
    };
    let host = scan::scan_endpoint(ep, &opts).await.map_err(|e| match e {
        scan::ScanError::Connect(e) => ActionError::Unreachable(Box::new(e)),
        scan::ScanError::Inventory(e) => ActionError::Inventory(Box::new(e)),
        e @ scan::ScanError::Deadline { .. } => ActionError::Failed(e.to_string()),
    })?;
    let host = match container_id {
        None => host,
        Some(id) => only_container(host, id).ok_or_else(|| {
            let short: String = id.chars().take(12).collect();
            ActionError::Failed(format!(
                "container {short} no longer exists on {}; no report written",
                ep.url
            ))
        })?,
    };
    Ok(scan::report(vec![host]))
}

/// Write `report` in each of `formats` into `dir` (created 0700 when missing); the paths.
pub fn write_all(
    report: &Report,
    dir: &Path,
    subject: &str,
    formats: &[Format],
) -> Result<Vec<PathBuf>, ActionError> {
    super::private_dir(dir)
        .map_err(|e| ActionError::Files(format!("cannot create {}: {e}", dir.display())))?;
    let host = report.hosts.first().map_or("host", |h| h.name.as_str());
    let now = chrono::Utc::now();
    let mut paths = Vec::new();
    for &format in formats {
        let path = dir.join(file_name(host, subject, now, format));
        let bytes = render(report, format);
        report::write_private(&path, &bytes).map_err(|e| {
            ActionError::Files(format!(
                "cannot write the report to {}: {e}",
                path.display()
            ))
        })?;
        paths.push(path);
    }
    Ok(paths)
}

/// Write the activity alerts about an exported subject beside its report `first`
/// (`<report>.alerts.json`, 0600, newest first); the path.
pub fn write_alerts(
    first: &Path,
    alerts: &[crate::activity::Alert],
) -> Result<PathBuf, ActionError> {
    let stem = first
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".into());
    let path = first.with_file_name(format!("{stem}.alerts.json"));
    let mut bytes = serde_json::to_vec_pretty(alerts).unwrap_or_default();
    bytes.push(b'\n');
    report::write_private(&path, &bytes).map_err(|e| {
        ActionError::Files(format!(
            "cannot write the alerts to {}: {e}",
            path.display()
        ))
    })?;
    Ok(path)
}

/// One format's bytes (`table` without colour, at the default width).
pub fn render(report: &Report, format: Format) -> Vec<u8> {
    match format {
        Format::Table => report::render_table(report, false).into_bytes(),
        other => report::render(report, other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn file_names_say_host_subject_and_time() {
        let t = chrono::Utc.with_ymd_and_hms(2026, 3, 4, 5, 6, 7).unwrap();
        assert_eq!(
            file_name("docker1.example.com", "web", t, Format::Sarif),
            "seawall-docker1-web-20260304T050607Z.sarif"
        );
        assert_eq!(
            file_name("", "host", t, Format::Markdown),
            "seawall-host-host-20260304T050607Z.md"
        );
    }
}
