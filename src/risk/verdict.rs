//! What people decided about a finding, carried on the finding itself so every output
//! shows it: an accepted risk (`[[accept]]`, see `config::accept`) and, against a baseline
//! report, whether the finding is new (see `report::baseline`). Neither changes the score:
//! accepted risk is still risk.

use serde::{Deserialize, Serialize};

/// The `[[accept]]` entry that accepts a finding. The finding stays in the report and in the
/// score.
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "acceptance"))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acceptance {
    /// Who accepted the risk.
    pub owner: String,
    /// Why.
    pub reason: String,
    /// ISO date (`YYYY-MM-DD`); the acceptance holds through that day (UTC).
    pub expires: String,
    /// `true` once the date has passed: the finding counts toward `--fail-on` again.
    #[serde(default)]
    pub expired: bool,
    /// Where the entry is: `<file> entry <n>`.
    pub source: String,
}

/// With `--baseline`: the finding compared with the baseline report.
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "baseline_mark"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BaselineMark {
    /// Not in the baseline.
    New,
    /// In the baseline too (same host, container name and rule id).
    Existing,
}

impl super::Finding {
    /// Accepted, and the acceptance has not expired: the finding does not count toward
    /// `--fail-on` and is shown dimmed.
    pub fn is_accepted(&self) -> bool {
        self.acceptance.as_ref().is_some_and(|a| !a.expired)
    }

    /// Does this finding count toward `--fail-on`? Not when accepted; with a baseline, only
    /// when new.
    pub fn counts(&self) -> bool {
        !self.is_accepted() && self.baseline != Some(BaselineMark::Existing)
    }
}
