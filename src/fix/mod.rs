//! What-if fix: for each finding a configuration change removes, the change (a `docker
//! run` flag and a compose key), and the score the container would get, computed by
//! running the same rules (the one grader) on the changed configuration.
//!
//! - `edit`: the changes, how each applies to [`ContainerFacts`], and how it is written;
//! - `compose_patch`: the changes written into a compose file (line edits that keep
//!   comments and order), and the unified diff.
//!
//! Used by `seawall fix NAME`, `seawall fix --compose FILE` and the console's what-if view.

pub mod compose_patch;
pub mod edit;

pub use edit::Edit;

use crate::model::{ContainerFacts, HostFacts};
use crate::risk::{Finding, Grader, score};
use serde::Serialize;

/// One change: the finding it removes, the `docker run` flag and the compose key, and
/// whether it may break the workload.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// The rule id of the finding it removes.
    pub finding: String,
    pub title: String,
    pub run_flag: String,
    pub compose: String,
    /// Why the change can break the workload (`None`: safe to apply).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub breaking: Option<&'static str>,
    #[serde(skip)]
    pub edit: Edit,
}

/// The hardened configuration of one container: its score now, the score it would get,
/// the changes, and the findings that go away and stay.
#[derive(Debug, Clone, Serialize)]
pub struct FixPlan {
    pub container: String,
    pub score: u8,
    pub predicted_score: u8,
    pub changes: Vec<Change>,
    #[serde(skip)]
    pub removed: Vec<Finding>,
    #[serde(skip)]
    pub remaining: Vec<Finding>,
    #[serde(skip)]
    pub hardened: ContainerFacts,
}

/// Grade one container alone on `host` (no other container: `container:` references stay
/// unresolved, as in `Grader::upsert` on an empty fleet).
fn grade(c: &ContainerFacts, host: &HostFacts, keep: &dyn Fn(&Finding) -> bool) -> Vec<Finding> {
    let mut g = Grader::new(host.clone());
    g.upsert(c.clone())
        .0
        .findings
        .into_iter()
        .filter(|f| keep(f))
        .collect()
}

/// Plan the fix of container `c` whose current findings are `findings`, on `host`.
/// `keep` filters the findings that count (a compose scan leaves daemon-only ones out).
pub fn plan(
    c: &ContainerFacts,
    findings: &[Finding],
    host: &HostFacts,
    keep: &dyn Fn(&Finding) -> bool,
) -> FixPlan {
    let findings: Vec<Finding> = findings.iter().filter(|f| keep(f)).cloned().collect();
    let mut changes: Vec<Change> = Vec::new();
    let mut hardened = c.clone();
    let mut current = findings.clone();
    // A change can uncover findings it hid (privileged implies every capability): plan
    // again on the changed configuration until nothing new can be changed.
    for _round in 0..4 {
        let before = changes.len();
        for f in &current {
            for edit in edit::edits_for(f, &hardened) {
                if changes.iter().any(|ch| ch.edit == edit) {
                    continue;
                }
                changes.push(Change {
                    finding: f.id.to_string(),
                    title: f.title.to_string(),
                    run_flag: edit.run_flag(&hardened),
                    compose: edit.compose_key(&hardened),
                    breaking: edit.breaking(),
                    edit,
                });
            }
        }
        if changes.len() == before {
            break;
        }
        for ch in &changes[before..] {
            ch.edit.apply(&mut hardened);
        }
        current = grade(&hardened, host, keep);
    }
    // A change is listed when the finding it targets is gone once every change applies.
    changes.retain(|ch| !current.iter().any(|a| a.id == ch.finding));
    let mut hardened = c.clone();
    for ch in &changes {
        ch.edit.apply(&mut hardened);
    }
    let after = grade(&hardened, host, keep);
    let removed = findings
        .iter()
        .filter(|f| !after.iter().any(|a| a.id == f.id))
        .cloned()
        .collect();
    FixPlan {
        container: c.name.clone(),
        score: score(&findings).value,
        predicted_score: score(&after).value,
        changes,
        removed,
        remaining: after,
        hardened,
    }
}

/// The `--format json` document of a plan (`{"container","score","predicted_score",
/// "changes":[{"finding","run_flag","compose"}]}`, plus `breaking` where a change may break
/// the workload).
pub fn render_json(plan: &FixPlan) -> String {
    let mut s = serde_json::to_string_pretty(plan).expect("plan serializes");
    s.push('\n');
    s
}

/// The plan as text for a terminal: the score now and after, each change, the flags to
/// copy. Container text is sanitized.
pub fn render_text(plan: &FixPlan) -> String {
    use crate::sanitize::terminal_line;
    let mut out = format!(
        "{}: score {} -> {} predicted ({} change{})\n",
        terminal_line(&plan.container),
        plan.score,
        plan.predicted_score,
        plan.changes.len(),
        if plan.changes.len() == 1 { "" } else { "s" }
    );
    for ch in &plan.changes {
        out.push_str(&format!(
            "  {:<18} {}\n      run:     {}\n      compose: {}\n",
            ch.finding,
            terminal_line(&ch.title),
            terminal_line(&ch.run_flag),
            terminal_line(&ch.compose)
        ));
        if let Some(why) = ch.breaking {
            out.push_str(&format!("      BREAKING: {why}\n"));
        }
    }
    let flags = run_flags(plan);
    if !flags.is_empty() {
        out.push_str(&format!("flags: {}\n", terminal_line(&flags.join(" "))));
    }
    out
}

/// The `docker run` flags to add, in one piece (removals are said in the changes).
pub fn run_flags(plan: &FixPlan) -> Vec<String> {
    let mut flags: Vec<String> = Vec::new();
    for ch in &plan.changes {
        if ch.run_flag.starts_with("--") && !flags.contains(&ch.run_flag) {
            flags.push(ch.run_flag.clone());
        }
    }
    flags
}

#[cfg(test)]
mod tests;
