//! Rule metadata: the part of a rule that does not depend on the container.

use super::finding::{Finding, Severity, Weighting};
use serde::Serialize;

/// Whether a rule grades a container or the daemon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Container,
    Host,
}

/// The static description of a rule. Each rule file declares its `RuleMeta`s as constants
/// and builds findings from them, so the catalog (SARIF rules, docs) and the findings
/// always agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RuleMeta {
    /// Stable id, e.g. `SW-PRIV-001`. Never reused for another meaning.
    pub id: &'static str,
    pub scope: Scope,
    /// Default severity; a rule may raise or lower it with context.
    pub severity: Severity,
    pub title: &'static str,
    pub cis: Option<&'static str>,
    /// Why it matters: the technique an attacker uses.
    pub technique: &'static str,
    /// The fix: `docker run` flag and compose key (or daemon setting).
    pub fix: &'static str,
}

impl RuleMeta {
    /// A container rule (for `const` rule tables).
    pub const fn container(
        id: &'static str,
        severity: Severity,
        cis: Option<&'static str>,
        title: &'static str,
        technique: &'static str,
        fix: &'static str,
    ) -> RuleMeta {
        RuleMeta {
            id,
            scope: Scope::Container,
            severity,
            title,
            cis,
            technique,
            fix,
        }
    }

    /// A daemon (host posture) rule.
    pub const fn host(
        id: &'static str,
        severity: Severity,
        cis: Option<&'static str>,
        title: &'static str,
        technique: &'static str,
        fix: &'static str,
    ) -> RuleMeta {
        RuleMeta {
            scope: Scope::Host,
            ..RuleMeta::container(id, severity, cis, title, technique, fix)
        }
    }

    /// A finding at the rule's default severity with the given evidence.
    pub fn finding(&self, evidence: impl Into<String>) -> Finding {
        Finding {
            id: self.id.into(),
            severity: self.severity,
            title: self.title.into(),
            cis: self.cis.map(Into::into),
            technique: self.technique.into(),
            evidence: evidence.into(),
            fix: self.fix.into(),
            weighting: Weighting::Normal,
            mitigated: false,
            acceptance: None,
            baseline: None,
        }
    }
}

/// Small builder helpers so rules read as one expression.
impl Finding {
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub fn with_weighting(mut self, weighting: Weighting) -> Self {
        self.weighting = weighting;
        self
    }

    pub fn host_root(self) -> Self {
        self.with_weighting(Weighting::HostRoot)
    }

    pub fn hygiene(self) -> Self {
        self.with_weighting(Weighting::Hygiene)
    }

    pub fn implied(self) -> Self {
        self.with_weighting(Weighting::Implied)
    }

    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into().into();
        self
    }

    pub fn with_technique(mut self, technique: impl Into<String>) -> Self {
        self.technique = technique.into().into();
        self
    }

    pub fn with_fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = fix.into().into();
        self
    }

    /// Lower the severity by one level because container root is not host root
    /// (user namespaces or a rootless daemon).
    pub fn mitigate(mut self) -> Self {
        self.severity = self.severity.lowered();
        self.mitigated = true;
        if self.weighting == Weighting::HostRoot {
            self.weighting = Weighting::Normal;
        }
        self
    }
}
