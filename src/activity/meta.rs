//! Activity rule metadata: the part of an activity rule that does not depend on what was seen.

use super::{Alert, ContainerRef};
use crate::risk::Severity;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// The static description of an activity rule. Each family file declares its rules as
/// constants and builds alerts from them, so the catalog (`seawall rules`, docs) and the
/// alerts always agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AlertMeta {
    /// Stable id, `SW-ACT-<FAMILY>-NNN`. Never reused for another meaning.
    pub id: &'static str,
    /// Default severity; a rule may raise or lower it with context.
    pub severity: Severity,
    pub title: &'static str,
    /// MITRE ATT&CK technique id, e.g. `T1059.004`.
    pub technique_id: &'static str,
    /// MITRE ATT&CK technique name, e.g. `Unix Shell`.
    pub technique_name: &'static str,
    /// Why it matters: what an attacker gets from it.
    pub why: &'static str,
    /// What to do first.
    pub response: &'static str,
    /// Points an alert of this rule adds to the container's (decaying) score.
    pub score_bump: u8,
}

impl AlertMeta {
    /// For `const` rule tables.
    #[allow(clippy::too_many_arguments)]
    pub const fn new(
        id: &'static str,
        severity: Severity,
        title: &'static str,
        technique_id: &'static str,
        technique_name: &'static str,
        why: &'static str,
        response: &'static str,
        score_bump: u8,
    ) -> AlertMeta {
        AlertMeta {
            id,
            severity,
            title,
            technique_id,
            technique_name,
            why,
            response,
            score_bump,
        }
    }

    /// `T1059.004 Unix Shell`.
    pub fn technique(&self) -> String {
        format!("{} {}", self.technique_id, self.technique_name)
    }

    /// An alert at the rule's default severity and score bump.
    pub fn alert(
        &self,
        time: DateTime<Utc>,
        container: Option<ContainerRef>,
        detail: impl Into<String>,
    ) -> Alert {
        Alert {
            time,
            container,
            rule: self.id.to_string(),
            severity: self.severity,
            title: self.title.to_string(),
            detail: detail.into(),
            technique: self.technique(),
            score_bump: self.score_bump,
        }
    }
}

impl Alert {
    /// The same alert at another severity.
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// The same alert with another score bump.
    pub fn with_score_bump(mut self, bump: u8) -> Self {
        self.score_bump = bump;
        self
    }
}
