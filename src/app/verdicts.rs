//! The console's verdicts: accepted risks (`[[accept]]` of the config file and
//! `--accept FILE`) and a baseline report (`--baseline OLD.json`), applied to each
//! container's findings as they are stored, so the fleet preview and the drilldown show
//! accepted findings dimmed with their expiry and new findings marked.

use crate::config::accept::AcceptRule;
use crate::model::ContainerFacts;
use crate::report::acceptance::acceptance_of;
use crate::report::baseline::Baseline;
use crate::risk::{BaselineMark, Finding};

#[derive(Debug, Clone, Default)]
pub struct Verdicts {
    pub accept: Vec<AcceptRule>,
    pub baseline: Option<Baseline>,
}

impl Verdicts {
    /// Mark `findings` of container `c` on the host known as `host_key` (daemon name, or
    /// its endpoint when the name is empty), as of `today`.
    pub fn mark(
        &self,
        host_key: &str,
        c: &ContainerFacts,
        findings: &mut [Finding],
        today: chrono::NaiveDate,
    ) {
        if self.accept.is_empty() && self.baseline.is_none() {
            return;
        }
        for f in findings {
            f.acceptance = self
                .accept
                .iter()
                .find(|r| r.matches(&f.id, &c.name, &c.image, &c.labels))
                .map(|r| Box::new(acceptance_of(r, today)));
            f.baseline = self.baseline.as_ref().map(|b| {
                if b.contains(host_key, &c.name, &f.id) {
                    BaselineMark::Existing
                } else {
                    BaselineMark::New
                }
            });
        }
    }
}
